import WardenProtocol

/// Human-readable byte counts as seed 001 writes them ("2.5MB", "100MB", "512KB", "0B").
enum MemoryFormat {
    /// Bytes below 1 KiB as "B", below 1 MiB as "KB", else "MB" (and "GB" from 1 GiB), one
    /// decimal with a trailing ".0" dropped. Units are binary (1MB = 1024 × 1024 bytes), as the
    /// limits are (`memory_mb`).
    static func string(_ bytes: Int) -> String {
        let value = max(bytes, 0)
        let kib = 1024.0
        let mib = kib * 1024
        let gib = mib * 1024
        let doubleValue = Double(value)
        if value < 1024 { return "\(value)B" }
        if doubleValue < mib { return oneDecimal(doubleValue / kib) + "KB" }
        if doubleValue < gib { return oneDecimal(doubleValue / mib) + "MB" }
        return oneDecimal(doubleValue / gib) + "GB"
    }

    /// "2.5", "100" (never "100.0"), rounded half away from zero.
    static func oneDecimal(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
        let tenths = (value * 10).rounded(.toNearestOrAwayFromZero)
        let whole = Int(tenths) / 10
        let fraction = Int(tenths) % 10
        return fraction == 0 ? "\(whole)" : "\(whole).\(fraction)"
    }

    /// Seconds as a short number: 30 → "30", 2.5 → "2.5", 0.25 → "0.25".
    static func seconds(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return "\(value)" }
        let hundredths = (value * 100).rounded(.toNearestOrAwayFromZero)
        let whole = Int(hundredths) / 100
        let fraction = Int(hundredths) % 100
        if fraction == 0 { return "\(whole)" }
        if fraction % 10 == 0 { return "\(whole).\(fraction / 10)" }
        return fraction < 10 ? "\(whole).0\(fraction)" : "\(whole).\(fraction)"
    }
}

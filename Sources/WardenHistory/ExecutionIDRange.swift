import Foundation

/// Time bounds as execution-id bounds. An id is `exec_` + 10 Crockford base-32 characters of
/// milliseconds since the epoch + 16 random ones (`ExecutionID` in WardenSupervisor), so ids
/// compare as their acceptance times do, and a time window is an id range that the primary
/// key's index answers directly.
enum ExecutionIDRange {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The smallest id accepted at `date` or later.
    static func lowerBound(_ date: Date) -> String {
        "exec_" + timePart(milliseconds(date)) + String(repeating: "0", count: 16)
    }

    /// An id greater than every id accepted at `date` or earlier (compare with `<`).
    static func upperBound(_ date: Date) -> String {
        "exec_" + timePart(milliseconds(date) + 1) + String(repeating: "0", count: 16)
    }

    /// When `id` was accepted, from its time part; nil for an id of another shape.
    static func time(of id: String) -> Date? {
        guard id.hasPrefix("exec_"), id.utf8.count >= 15 else { return nil }
        var milliseconds: UInt64 = 0
        for character in id.dropFirst(5).prefix(10) {
            guard let digit = alphabet.firstIndex(of: character) else { return nil }
            milliseconds = milliseconds << 5 | UInt64(digit)
        }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    static func milliseconds(_ date: Date) -> UInt64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded(.down)
        return value <= 0 ? 0 : UInt64(min(value, Double(1 << 50 - 1)))
    }

    static func timePart(_ milliseconds: UInt64) -> String {
        var time = milliseconds
        var characters: [Character] = []
        for _ in 0..<10 {
            characters.append(alphabet[Int(time & 31)])
            time >>= 5
        }
        return String(characters.reversed())
    }
}

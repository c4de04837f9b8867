import WardenProtocol

/// The server's default and maximum limits. A request's limits are clamped into
/// `[1 unit, maximum]`; an absent limit takes the default.
public struct LimitPolicy: Sendable, Equatable {
    public var defaults: ExecutionLimits
    public var maxima: ExecutionLimits
    /// The largest `code` accepted, in bytes (413 above).
    public var maxCodeBytes: Int
    /// The largest request body accepted, in bytes (413 above).
    public var maxRequestBytes: Int

    public init(defaults: ExecutionLimits, maxima: ExecutionLimits, maxCodeBytes: Int, maxRequestBytes: Int) {
        self.defaults = defaults
        self.maxima = maxima
        self.maxCodeBytes = maxCodeBytes
        self.maxRequestBytes = maxRequestBytes
    }

    /// Embedded defaults (SPEC §2's example request).
    public static let standard = LimitPolicy(
        defaults: ExecutionLimits(
            timeoutSeconds: 30, memoryMB: 100, cpuSeconds: 30, maxOutputBytes: 1 << 20,
            maxProcesses: 1, maxFileBytes: 10 << 20, maxOpenFiles: 64
        ),
        maxima: ExecutionLimits(
            timeoutSeconds: 300, memoryMB: 2048, cpuSeconds: 300, maxOutputBytes: 16 << 20,
            maxProcesses: 64, maxFileBytes: 256 << 20, maxOpenFiles: 1024
        ),
        maxCodeBytes: 1 << 20,
        maxRequestBytes: 8 << 20
    )

    /// The limits an execution runs under: requested values clamped to the maxima.
    public func effectiveLimits(for requested: RequestedLimits) -> ExecutionLimits {
        ExecutionLimits(
            timeoutSeconds: min(requested.timeoutSeconds ?? defaults.timeoutSeconds, maxima.timeoutSeconds),
            memoryMB: min(requested.memoryMB ?? defaults.memoryMB, maxima.memoryMB),
            cpuSeconds: min(requested.cpuSeconds ?? defaults.cpuSeconds, maxima.cpuSeconds),
            maxOutputBytes: min(requested.maxOutputBytes ?? defaults.maxOutputBytes, maxima.maxOutputBytes),
            maxProcesses: min(requested.maxProcesses ?? defaults.maxProcesses, maxima.maxProcesses),
            maxFileBytes: min(requested.maxFileBytes ?? defaults.maxFileBytes, maxima.maxFileBytes),
            maxOpenFiles: min(requested.maxOpenFiles ?? defaults.maxOpenFiles, maxima.maxOpenFiles)
        )
    }

    /// Checks that the defaults fit under the maxima; returns the first key that does not.
    public func validate() -> String? {
        let pairs: [(String, Double, Double)] = [
            ("timeout_seconds", defaults.timeoutSeconds, maxima.timeoutSeconds),
            ("memory_mb", Double(defaults.memoryMB), Double(maxima.memoryMB)),
            ("cpu_seconds", defaults.cpuSeconds, maxima.cpuSeconds),
            ("max_output_bytes", Double(defaults.maxOutputBytes), Double(maxima.maxOutputBytes)),
            ("max_processes", Double(defaults.maxProcesses), Double(maxima.maxProcesses)),
            ("max_file_bytes", Double(defaults.maxFileBytes), Double(maxima.maxFileBytes)),
            ("max_open_files", Double(defaults.maxOpenFiles), Double(maxima.maxOpenFiles)),
        ]
        for (key, value, maximum) in pairs where value > maximum || value <= 0 {
            return key
        }
        return nil
    }
}

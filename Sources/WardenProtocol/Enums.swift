/// The closed set of failure categories of a result (SPEC §3).
public enum ErrorCategory: String, Sendable, Codable, CaseIterable {
    case syntaxError = "syntax_error"
    case runtimeError = "runtime_error"
    case importError = "import_error"
    case securityError = "security_error"
    case timeoutError = "timeout_error"
    case memoryError = "memory_error"
    /// Process count, file size, open files, disk.
    case resourceError = "resource_error"
    /// The sandbox itself failed; retrying may succeed.
    case systemError = "system_error"
}

/// How much a result reports (seed 001, "Multi-Level Error Reporting").
public enum DetailLevel: String, Sendable, Codable, CaseIterable {
    case summary
    case standard
    case full
}

/// The preset a request runs under (SPEC §6).
public enum SecurityLevel: String, Sendable, Codable, CaseIterable {
    case strict
    case standard
    case permissive
}

/// Which clock a timeout breached.
public enum LimitKind: String, Sendable, Codable {
    case wall
    case cpu
}

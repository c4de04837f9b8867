import WardenProtocol
import WardenSupervisor

/// A request the daemon will not run for this caller (403): a capability token that is
/// forged, altered, expired, revoked, bound to someone else or grants what no execution may
/// have, or a security level the caller may not use.
public struct ExecutionRefusal: Error, Sendable, Equatable {
    /// The machine-readable reason (`invalid_signature`, `expired`, `revoked`, …).
    public var reason: String
    /// The explanation returned to the caller.
    public var message: String
    /// The request field at fault (`capabilities[0]`, `security_level`).
    public var field: String?

    public init(reason: String, message: String, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }
}

/// What became of a request: it ran (whatever the script did), it was refused (403), or the
/// daemon could not take it now (429 queue full, 503 circuit open).
public enum ExecutionOutcome: Sendable {
    /// The result, encoded once (`EncodedResult`).
    case ran(EncodedResult)
    case refused(ExecutionRefusal)
    case unavailable(Refusal)
}


import Foundation

/// An execution at the moment the daemon accepted it: what the history records before the code
/// runs, so that a daemon killed mid-run still knows the execution existed.
public struct AcceptedExecution: Sendable, Equatable {
    /// `exec_…`, time-ordered (see `ExecutionID`).
    public var id: String
    /// When the execution was accepted; the time part of `id` is the same instant in ms.
    public var acceptedAt: Date
    public var request: ExecutionRequest
    /// Who sent it, from `SO_PEERCRED`.
    public var caller: CallerIdentity
    /// The limits it runs under (after clamping).
    public var limits: ExecutionLimits
    /// The `assigned_by` of its result: the client label, else the caller's user name.
    public var assignedBy: String?

    public init(
        id: String, acceptedAt: Date, request: ExecutionRequest, caller: CallerIdentity, limits: ExecutionLimits,
        assignedBy: String?
    ) {
        self.id = id
        self.acceptedAt = acceptedAt
        self.request = request
        self.caller = caller
        self.limits = limits
        self.assignedBy = assignedBy
    }
}

/// Where the supervisor writes each execution as it is accepted and as it finishes (the
/// history). Both calls must be durable when they return: the answer goes to the client only
/// after `finished` returned, so that a client never holds a result the history lacks.
public protocol ExecutionRecorder: Sendable {
    /// Writes the execution as running. Throws when it could not be written.
    func accepted(_ execution: AcceptedExecution) async throws
    /// Completes the execution with its result in one transaction (writing the whole record
    /// when `accepted` had failed). Throws when it could not be written.
    func finished(_ execution: AcceptedExecution, result: ExecutionResult) async throws
}

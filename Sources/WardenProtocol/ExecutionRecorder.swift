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
/// history). The answer goes to the client only after `recordFinished` returned, so that a
/// client never holds a result the history lacks.
///
/// Both calls suit the supervisor's worker threads: the first does not block (the record is
/// written while the worker starts), the second blocks until its record is durable (no hop to
/// another thread and back on the answer's path).
public protocol ExecutionRecorder: Sendable {
    /// Starts writing the execution as running and returns at once. `completion` is called
    /// once, on any thread: nil when the record is durable, else why it could not be written.
    func recordAccepted(_ execution: AcceptedExecution, completion: @escaping @Sendable ((any Error)?) -> Void)
    /// Completes the execution with its result in one transaction (writing the whole record
    /// when the acceptance write failed), storing `result.json` as the result. Blocks the
    /// calling thread until the record is durable: call it from a thread that may block, not
    /// from a task. Throws when it could not be written.
    func recordFinished(_ execution: AcceptedExecution, result: EncodedResult) throws
}

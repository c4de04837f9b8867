import WardenProtocol

/// What the HTTP layer needs from the rest of the daemon.
public protocol ExecutionService: Sendable {
    /// Runs a validated request; never throws (sandbox failures are `system_error` results).
    func execute(_ request: ExecutionRequest, caller: CallerIdentity) async -> ExecutionResult
    /// Liveness and the confinement layers of this host.
    func health() async -> HealthReport
    /// The largest `code` accepted, in bytes.
    var maxCodeBytes: Int { get }
}

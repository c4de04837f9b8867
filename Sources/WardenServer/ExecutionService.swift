import WardenProtocol
import WardenSupervisor

/// What the HTTP layer needs from the rest of the daemon.
public protocol ExecutionService: Sendable {
    /// Authorizes (capability tokens, the caller's policy), admits (queue, circuit breaker) and
    /// runs a validated request, or says why it is refused; never throws (sandbox failures are
    /// `system_error` results).
    ///
    /// - Parameter events: streaming and cancellation for this execution.
    func run(_ request: ExecutionRequest, caller: CallerIdentity, events: ExecutionEvents?) async -> ExecutionOutcome
    /// Liveness and the confinement layers of this host.
    func health() async -> HealthReport
    /// The largest `code` accepted, in bytes.
    var maxCodeBytes: Int { get }
    /// The metrics in the Prometheus text format (`GET /metrics`).
    func metricsText() -> [UInt8]
}

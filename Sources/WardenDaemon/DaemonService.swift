import Foundation
import Logging
import Prometheus
import WardenPolicy
import WardenProtocol
import WardenServer
import WardenSupervisor

#if canImport(Glibc)
import Glibc
#endif

/// Connects the HTTP layer to the supervisor: authorizes each request (capability tokens,
/// the caller's standing policy), then admits it (queue, circuit breaker) and runs it.
struct DaemonService: ExecutionService {
    let supervisor: Supervisor
    let probe: HostProbe
    let startedAt: Date
    /// Where the supervisor's metrics are kept (`GET /metrics`).
    let metrics: PrometheusCollectorRegistry
    /// Verifies tokens and applies `[security]` and `[[policy]]`.
    var authority = CapabilityAuthority(keys: CapabilityKeyring([]))
    /// Paths no file grant may reach: the state directory and the socket.
    var protectedPaths: [String] = []
    var logger = Logger(label: "warden.capabilities")
    /// `policy.max_concurrent` per caller.
    var callerLimits = CallerLimits()

    var maxCodeBytes: Int { supervisor.configuration.limitPolicy.maxCodeBytes }

    func run(_ request: ExecutionRequest, caller: CallerIdentity, events: ExecutionEvents?) async -> ExecutionOutcome {
        // The user database is read only when a group could change the answer.
        let groups: Set<UInt32> = needsGroups(request) ? Set(UserGroups.groups(of: caller)).union([caller.gid]) : [caller.gid]
        let credentials = CallerCredentials(uid: caller.uid, groups: groups)
        do {
            let authorization = try authority.authorize(
                request, caller: credentials, now: Int64(Date().timeIntervalSince1970)
            )
            let profile = try ConfinementProfile.make(grants: authorization.grants, protected: protectedPaths)
            // Then admission (queue, circuit breaker), then the run.
            switch await supervisor.run(
                request, caller: caller, authorization: authorization, profile: profile, events: events,
                callerLimit: callerLimits.limit(uid: caller.uid, groups: groups)
            ) {
            case .success(let result): return .ran(result)
            case .failure(let refusal): return .unavailable(refusal)
            }
        } catch {
            // Refused before an execution id exists: logged once here, with the caller and token.
            logger.warning(
                "request refused",
                metadata: [
                    "caller.uid": "\(caller.uid)", "refusal.reason": "\(error.reason.rawValue)",
                    "token.id": "\(error.tokenID ?? "")", "error": "\(error.message)",
                ]
            )
            // A refusal of one token or of the level says so itself; one of the grants as a
            // whole (too many tokens, a forbidden path) is introduced here.
            let message =
                error.field != nil ? error.message : "capability grant refused (\(error.reason.rawValue)): \(error.message)"
            return .refused(
                ExecutionRefusal(reason: error.reason.rawValue, message: message, field: error.field ?? "capabilities")
            )
        }
    }

    func health() async -> HealthReport {
        HealthReport(
            status: "ok", version: WardenVersion.current, uptimeSeconds: Date().timeIntervalSince(startedAt),
            python: probe.pythonVersion, layers: supervisor.layers
        )
    }

    /// Whether the caller's supplementary groups can matter to `request`: a `[[policy]]` entry
    /// or a `max_concurrent` for a group, or a capability token (which may be bound to a group).
    func needsGroups(_ request: ExecutionRequest) -> Bool {
        !request.capabilities.isEmpty || !callerLimits.byGID.isEmpty
            || authority.standing.contains { policy in
                if case .gid = policy.subject { return true }
                return false
            }
    }

    func metricsText() -> [UInt8] {
        supervisor.refreshGauges()
        var buffer: [UInt8] = []
        metrics.emit(into: &buffer)
        return buffer
    }
}

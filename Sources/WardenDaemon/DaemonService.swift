import Foundation
import WardenPolicy
import WardenProtocol
import WardenServer
import WardenSupervisor

/// Connects the HTTP layer to the supervisor.
struct DaemonService: ExecutionService {
    let supervisor: Supervisor
    let probe: HostProbe
    let startedAt: Date

    var maxCodeBytes: Int { supervisor.configuration.limitPolicy.maxCodeBytes }

    func execute(_ request: ExecutionRequest, caller: CallerIdentity) async -> ExecutionResult {
        await supervisor.execute(request, caller: caller)
    }

    func health() async -> HealthReport {
        HealthReport(
            status: "ok", version: WardenVersion.current, uptimeSeconds: Date().timeIntervalSince(startedAt),
            python: probe.pythonVersion, layers: supervisor.layers
        )
    }
}

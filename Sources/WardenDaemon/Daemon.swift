import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import WardenProtocol
import WardenServer
import WardenSupervisor

/// The running daemon: supervisor + HTTP server in a service group that stops gracefully on
/// SIGTERM and SIGINT. Shared by `wardend` and the tests.
public enum Daemon {
    public struct ConfigurationError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Runs until a shutdown signal. Throws when the configuration is invalid or the daemon
    /// cannot start (the message names the key, path or step).
    public static func run(configuration: DaemonConfiguration, logger: Logger) async throws {
        if let problem = configuration.validationError() {
            throw ConfigurationError(message: "invalid configuration: \(problem)")
        }
        let probe = try HostProbe.probe(pythonPath: configuration.pythonPath)
        let supervisor = try Supervisor(
            configuration: SupervisorConfiguration(
                pythonPath: configuration.pythonPath, stateDirectory: configuration.stateDirectory,
                limitPolicy: configuration.limitPolicy, maxConcurrentExecutions: configuration.maxConcurrentExecutions,
                allowUnconfined: configuration.allowUnconfined, forceUnconfined: configuration.forceUnconfined
            ),
            logger: logger
        )
        for layer in supervisor.layers {
            let metadata: Logger.Metadata = ["layer": "\(layer.name)", "detail": "\(layer.detail)"]
            if layer.active {
                logger.info("confinement layer active", metadata: metadata)
            } else {
                logger.warning("confinement layer inactive", metadata: metadata)
            }
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(
                listener: .path(configuration.socketPath), socketMode: configuration.socketMode,
                maxRequestBytes: configuration.limitPolicy.maxRequestBytes
            ),
            service: DaemonService(supervisor: supervisor, probe: probe, startedAt: Date()),
            group: group,
            logger: logger,
            ready: {
                logger.info(
                    "ready", metadata: ["version": "\(WardenVersion.current)", "python": "\(probe.pythonVersion)"]
                )
            }
        )
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await serviceGroup.run()
        } catch {
            await supervisor.shutdown()
            try? await group.shutdownGracefully()
            throw error
        }
        await supervisor.shutdown()
        try await group.shutdownGracefully()
        logger.info("stopped")
    }
}

import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import WardenPolicy
import WardenProtocol
import WardenServer
import WardenSupervisor

#if canImport(Glibc)
import Glibc
#endif

/// The running daemon: supervisor + HTTP server in a service group that stops gracefully on
/// SIGTERM and SIGINT, with systemd's socket activation and notifications when it runs under
/// systemd. Shared by `wardend` and the tests.
public enum Daemon {
    public struct ConfigurationError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Runs until a shutdown signal. Throws when the configuration is invalid or the daemon
    /// cannot start (the message names the key, path or step).
    ///
    /// Start-up, in order:
    /// 1. check the configuration (in-memory callers skip the loader's checks);
    /// 2. adopt the socket systemd passed (`LISTEN_FDS`), else plan to create `socket.path`;
    /// 3. resolve `socket.group` (a missing group stops the start);
    /// 4. probe the interpreter, open the history (closing executions a previous run left
    ///    running as interrupted), prepare the supervisor (state directory, confinement layers);
    /// 5. listen, then tell systemd `READY=1` — only now can the daemon serve.
    ///
    /// Stop (SIGTERM/SIGINT): `STOPPING=1`, stop accepting, let running executions finish for
    /// `shutdown.grace_seconds` (then kill their workers: they still answer), close the
    /// connections, stop the worker threads, release the cgroups, return.
    public static func run(
        configuration: DaemonConfiguration, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws {
        if let problem = configuration.validationError() {
            throw ConfigurationError(message: "invalid configuration: \(problem)")
        }
        let notifier = SystemdNotifier(environment: environment)
        notifier.notify("STATUS=starting")
        if let file = configuration.configurationFile {
            logger.info("configuration read", metadata: ["config.file": "\(file)"])
        }
        for key in configuration.reservedKeysSet {
            logger.notice("configuration key is reserved and not yet applied", metadata: ["config.key": "\(key)"])
        }

        let listener: HTTPServerConfiguration.Listener
        let socketGroup: gid_t?
        if let inherited = try SocketActivation.inheritedSocket(environment: environment) {
            listener = .inherited(descriptor: inherited.descriptor, path: inherited.path)
            socketGroup = nil  // the socket unit sets SocketMode= and SocketGroup=
            logger.info(
                "adopting the socket systemd passed",
                metadata: ["socket.fd": "\(inherited.descriptor)", "socket.name": "\(inherited.name ?? "")"]
            )
        } else {
            listener = .path(configuration.socketPath)
            socketGroup = try configuration.socketGroup.map { try groupID($0, key: "socket.group") }
        }

        let probe = try HostProbe.probe(pythonPath: configuration.pythonPath)
        let historyAccess = try historyAccess(configuration)
        let history = try await openHistory(configuration: configuration, logger: logger)
        let metrics = DaemonMetrics.make()
        var supervisorConfiguration = SupervisorConfiguration(
            pythonPath: configuration.pythonPath, stateDirectory: configuration.stateDirectory,
            limitPolicy: configuration.limitPolicy, maxConcurrentExecutions: configuration.maxConcurrentExecutions,
            interpreterOverheadMB: configuration.interpreterOverheadMB, maxValueChars: configuration.maxValueChars,
            workDirectoryBytes: configuration.workDirectoryBytes, sandboxUIDBase: configuration.sandboxUIDBase,
            sandboxUIDCount: configuration.sandboxUIDCount, allowUnconfined: configuration.allowUnconfined,
            forceUnconfined: configuration.forceUnconfined, warmWorkers: configuration.warmWorkers,
            zygotes: configuration.zygotes, preloadModules: configuration.preloadModules
        )
        supervisorConfiguration.ungrantedLimits = configuration.security.ungrantedLimits
        supervisorConfiguration.queueLength = configuration.queueLength
        supervisorConfiguration.maxQueuedPerUID = configuration.maxQueuedPerUID
        supervisorConfiguration.networkNamespacePerExecution = configuration.networkNamespacePerExecution
        supervisorConfiguration.breakerFailureThreshold = configuration.breakerFailureThreshold
        supervisorConfiguration.breakerOpenSeconds = configuration.breakerOpenSeconds
        let supervisor = try Supervisor(
            configuration: supervisorConfiguration, logger: logger, recorder: history, metricsFactory: metrics.factory
        )
        let authority = try capabilityAuthority(configuration, logger: logger)
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
                listener: listener, socketMode: configuration.socketMode,
                maxRequestBytes: configuration.limitPolicy.maxRequestBytes
            ),
            service: DaemonService(
                supervisor: supervisor, probe: probe, startedAt: Date(), metrics: metrics.registry,
                authority: authority,
                protectedPaths: [configuration.stateDirectory, listener.socketPath].compactMap { $0 }, logger: logger,
                callerLimits: try callerLimits(configuration)
            ),
            group: group,
            logger: logger,
            history: (history, historyAccess),
            ready: {
                if case .path(let path) = listener, let socketGroup, chown(path, uid_t.max, socketGroup) != 0 {
                    logger.error(
                        "could not set the socket group",
                        metadata: ["socket.path": "\(path)", "socket.gid": "\(socketGroup)", "errno": "\(errno)"]
                    )
                }
                logger.info(
                    "ready", metadata: ["version": "\(WardenVersion.current)", "python": "\(probe.pythonVersion)"]
                )
                notifier.notify(
                    "READY=1\nSTATUS=serving (\(configuration.maxConcurrentExecutions) workers, "
                        + "\(supervisor.layers.filter(\.active).count) confinement layers)"
                )
            }
        )
        let supervised = SupervisedServer(
            server: server, supervisor: supervisor, notifier: notifier, eventLoop: group.next(),
            graceSeconds: configuration.shutdownGraceSeconds, logger: logger
        )
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: supervised),
                    .init(
                        service: historyPruner(store: history, configuration: configuration, logger: logger),
                        successTerminationBehavior: .ignore
                    ),
                    .init(service: historyCheckpointer(store: history, logger: logger), successTerminationBehavior: .ignore),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await serviceGroup.run()
        } catch {
            notifier.notify("STOPPING=1\nSTATUS=failed: " + "\(error)".replacingOccurrences(of: "\n", with: " "))
            await supervisor.shutdown()
            try? await group.shutdownGracefully()
            throw error
        }
        await supervisor.shutdown()
        try await group.shutdownGracefully()
        notifier.notify("STATUS=stopped")
        logger.info("stopped")
    }

    /// The token keys (generated at first start), levels, revocations and standing grants.
    static func capabilityAuthority(_ configuration: DaemonConfiguration, logger: Logger) throws -> CapabilityAuthority {
        let keys = try CapabilityKeyStore.loadOrCreate(stateDirectory: configuration.stateDirectory, logger: logger)
        logger.info("capability-token keys loaded", metadata: ["key.ids": "\(keys.ids.joined(separator: ","))"])
        var standing: [StandingPolicy] = []
        for (index, policy) in configuration.uidPolicies.enumerated() {
            let subject: TokenSubject
            if let uid = policy.uid {
                subject = .uid(uid)
            } else {
                subject = .gid(try groupID(policy.group ?? "", key: "policy[\(index)].group"))
            }
            var capabilities: [Capability] = []
            for text in policy.capabilities {
                do {
                    capabilities.append(try Capability.parse(text))
                } catch {
                    throw ConfigurationError(message: "invalid configuration: policy[\(index)].capabilities: \(error)")
                }
            }
            standing.append(StandingPolicy(subject: subject, levels: policy.levels, capabilities: capabilities))
        }
        return CapabilityAuthority(
            keys: keys, levels: configuration.security.levels, defaultLevel: configuration.security.defaultLevel,
            revoked: Set(configuration.security.revokedTokens), standing: standing
        )
    }

    /// The gid of a group a key names (`socket.group`, `history.admin_groups`).
    static func groupID(_ name: String, key: String) throws -> gid_t {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        let status = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil else {
            throw ConfigurationError(
                message: "invalid configuration: \(key): no group named '\(name)' on this host"
                    + " (create it, e.g. with Scripts/install, or leave it out)"
            )
        }
        return entry.gr_gid
    }
}

import ArgumentParser
import Foundation
import Logging
import WardenDaemon

/// `wardend`: the Warden supervisor daemon.
@main
struct Wardend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wardend",
        abstract: "Run the Warden sandboxed code-execution daemon.",
        discussion: """
            Serves HTTP/1.1 over a Unix socket. Configuration layers: embedded defaults, then the \
            file (--config, else WARDEN_CONFIG, else /etc/warden/wardend.toml when it exists), then \
            environment variables (WARDEN_SOCKET, WARDEN_STATE_DIR, WARDEN_PYTHON, WARDEN_LOG_LEVEL \
            and one per key, see docs/configuration.md), then these flags. Under systemd it adopts \
            the socket of wardend.socket (LISTEN_FDS) and reports readiness and a watchdog \
            (NOTIFY_SOCKET).
            """
    )

    @Option(name: .long, help: "Configuration file (TOML); an invalid file stops the start.")
    var config: String?

    @Option(name: .long, help: "Path of the Unix socket to listen on (socket.path).")
    var socket: String?

    @Option(name: .customLong("state-dir"), help: "Directory for the daemon's state (state.directory).")
    var stateDir: String?

    @Option(name: .long, help: "Absolute path of the Python interpreter for workers (workers.python).")
    var python: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (log.level).")
    var logLevel: String?

    @Flag(name: .customLong("check-config"), help: "Load and check the configuration, print the result, and exit.")
    var checkConfig = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var flags: [ConfigurationLoader.Flag] = []
        if let socket { flags.append(.init(flag: "--socket", key: "socket.path", value: socket)) }
        if let stateDir { flags.append(.init(flag: "--state-dir", key: "state.directory", value: stateDir)) }
        if let python { flags.append(.init(flag: "--python", key: "workers.python", value: python)) }
        if let logLevel { flags.append(.init(flag: "--log-level", key: "log.level", value: logLevel)) }

        let configuration: DaemonConfiguration
        do {
            configuration = try ConfigurationLoader.load(configFlag: config, environment: environment, flags: flags)
        } catch {
            // Logging is not set up yet (its level is part of what failed to load): one line.
            FileHandle.standardError.write(Data("wardend: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if checkConfig {
            print("configuration OK: \(configuration.configurationFile ?? "embedded defaults")")
            return
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in LogfmtLogHandler(label: label, level: level) }
        let logger = Logger(label: "wardend")
        do {
            try await Daemon.run(configuration: configuration, logger: logger)
        } catch {
            logger.critical("wardend could not run", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}

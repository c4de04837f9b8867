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
        discussion: "Serves HTTP/1.1 over a Unix socket. Environment: WARDEN_SOCKET, WARDEN_STATE_DIR, WARDEN_PYTHON, WARDEN_LOG_LEVEL."
    )

    @Option(name: .long, help: "Path of the Unix socket to listen on.")
    var socket: String?

    @Option(name: .customLong("state-dir"), help: "Directory for the daemon's state (work directories, runtime files).")
    var stateDir: String?

    @Option(name: .long, help: "Absolute path of the Python interpreter for workers.")
    var python: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let levelName = logLevel ?? environment["WARDEN_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("invalid log level '\(levelName)'")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var configuration = DaemonConfiguration.fromEnvironment(environment)
        if let socket { configuration.socketPath = socket }
        if let stateDir { configuration.stateDirectory = stateDir }
        if let python { configuration.pythonPath = python }
        let logger = Logger(label: "wardend")
        do {
            try await Daemon.run(configuration: configuration, logger: logger)
        } catch {
            logger.critical("wardend could not run", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}


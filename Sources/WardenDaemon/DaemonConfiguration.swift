import WardenPolicy

#if canImport(Glibc)
import Glibc
#endif

/// Everything `wardend` runs with. Layers: embedded defaults ← environment ← flags (a
/// configuration file joins in front of the environment in a later version).
public struct DaemonConfiguration: Sendable {
    public var socketPath: String
    public var socketMode: mode_t
    public var stateDirectory: String
    public var pythonPath: String
    public var limitPolicy: LimitPolicy
    public var maxConcurrentExecutions: Int
    /// Development only: run workers without namespaces when the host cannot create them.
    public var allowUnconfined: Bool = false
    /// Benchmarks only: never apply namespaces (`WARDEN_ALLOW_UNCONFINED=force`).
    public var forceUnconfined: Bool = false

    public init(
        socketPath: String, socketMode: mode_t = 0o660, stateDirectory: String, pythonPath: String = "/usr/bin/python3",
        limitPolicy: LimitPolicy = .standard, maxConcurrentExecutions: Int = 8
    ) {
        self.socketPath = socketPath
        self.socketMode = socketMode
        self.stateDirectory = stateDirectory
        self.pythonPath = pythonPath
        self.limitPolicy = limitPolicy
        self.maxConcurrentExecutions = maxConcurrentExecutions
    }

    /// The embedded defaults for this environment (SPEC: `/run/warden/warden.sock` under
    /// systemd, `$XDG_RUNTIME_DIR/warden/warden.sock` or `./.warden/warden.sock` otherwise),
    /// with `WARDEN_SOCKET`, `WARDEN_STATE_DIR` and `WARDEN_PYTHON` applied.
    public static func fromEnvironment(_ environment: [String: String]) -> DaemonConfiguration {
        let socket: String
        let state: String
        if let runtime = environment["RUNTIME_DIRECTORY"], !runtime.isEmpty {
            socket = firstPath(runtime) + "/warden.sock"
        } else if let xdg = environment["XDG_RUNTIME_DIR"], !xdg.isEmpty {
            socket = xdg + "/warden/warden.sock"
        } else {
            socket = "./.warden/warden.sock"
        }
        if let systemdState = environment["STATE_DIRECTORY"], !systemdState.isEmpty {
            state = firstPath(systemdState)
        } else {
            state = "./.warden/state"
        }
        var configuration = DaemonConfiguration(socketPath: socket, stateDirectory: state)
        if let value = environment["WARDEN_SOCKET"], !value.isEmpty { configuration.socketPath = value }
        if let value = environment["WARDEN_STATE_DIR"], !value.isEmpty { configuration.stateDirectory = value }
        if let value = environment["WARDEN_PYTHON"], !value.isEmpty { configuration.pythonPath = value }
        configuration.allowUnconfined = environment["WARDEN_ALLOW_UNCONFINED"] == "1"
        configuration.forceUnconfined = environment["WARDEN_ALLOW_UNCONFINED"] == "force"
        return configuration
    }

    /// systemd passes colon-separated lists in RUNTIME_DIRECTORY/STATE_DIRECTORY.
    private static func firstPath(_ list: String) -> String {
        String(list.split(separator: ":").first ?? Substring(list))
    }

    /// The reason the configuration cannot run, naming the key; nil when it is valid.
    public func validationError() -> String? {
        if let key = limitPolicy.validate() {
            return "limits.\(key): the default must be positive and at most the maximum"
        }
        if maxConcurrentExecutions < 1 { return "max_concurrent_executions: must be at least 1" }
        if socketPath.utf8.count >= 108 { return "socket: the path must be shorter than 108 bytes (sun_path)" }
        if !pythonPath.hasPrefix("/") { return "python: must be an absolute path, got '\(pythonPath)'" }
        return nil
    }
}

import WardenSupervisor
import Logging
import WardenPolicy
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Everything `wardend` runs with. Layers: embedded defaults ← configuration file ←
/// environment ← flags (`DaemonConfiguration.load`); every key is documented once, in
/// `docs/configuration.md`. Tests build it in memory.
public struct DaemonConfiguration: Sendable {
    /// `socket.path`: where the daemon creates its socket (unless systemd hands one over).
    public var socketPath: String
    /// `socket.mode`: mode of a socket the daemon creates itself.
    public var socketMode: mode_t
    /// `socket.group`: group of a socket the daemon creates itself (nil: the daemon's own).
    public var socketGroup: String?
    /// `state.directory`
    public var stateDirectory: String
    /// `workers.python`
    public var pythonPath: String
    /// `limits.*`
    public var limitPolicy: LimitPolicy
    /// `workers.max_concurrent`
    public var maxConcurrentExecutions: Int
    /// `workers.queue_length`: executions that may wait for a worker (429 past it).
    public var queueLength: Int = 64
    /// `workers.max_queued_per_uid`: waiting places one caller uid may hold (0: no own bound).
    public var maxQueuedPerUID: Int = 0
    /// `workers.breaker_failures`: consecutive worker start failures that open the circuit.
    public var breakerFailureThreshold: Int = 5
    /// `workers.breaker_open_seconds`: how long the circuit stays open before a probe.
    public var breakerOpenSeconds: Double = 5
    /// `workers.warm`: workers started ahead of their requests.
    public var warmWorkers: Int = 6
    /// `workers.zygotes`
    public var zygotes: Int = 1
    /// `workers.network_namespace_per_execution`
    public var networkNamespacePerExecution = false
    /// `workers.preload_modules`
    public var preloadModules: [String] = SupervisorConfiguration.defaultPreloadModules
    /// `workers.interpreter_overhead_mb`
    public var interpreterOverheadMB: Int = 64
    /// `workers.max_value_chars`
    public var maxValueChars: Int = 1000
    /// `workers.work_directory_bytes`
    public var workDirectoryBytes: Int = 64 << 20
    /// `workers.sandbox_uid_base`
    public var sandboxUIDBase: UInt32 = 2_000_000_000
    /// `workers.sandbox_uid_count`
    public var sandboxUIDCount: Int = 65536
    /// `shutdown.grace_seconds`: how long running executions may go on after SIGTERM before
    /// their workers are killed (they still answer, with a retryable `system_error`).
    public var shutdownGraceSeconds: Double = 30
    /// `log.level`
    public var logLevel: Logger.Level = .info
    /// `[security]`: levels, revoked tokens, limits without a grant.
    public var security = SecuritySettings()
    /// `[[policy]]`: standing grants and allowed levels per caller uid or group.
    public var uidPolicies: [UIDPolicy] = []
    /// `[retention]`: applied by the history's background pruning.
    public var retention = RetentionSettings()
    /// `history.admin_uids`: callers (by uid) who see every execution in the history; root
    /// always does. Others see their own.
    public var adminUIDs: [UInt32] = []
    /// `history.admin_groups`: groups (by name) whose members see every execution.
    public var adminGroups: [String] = []
    /// The configuration file this was read from, if any (reported at start).
    public var configurationFile: String?
    /// Reserved keys that a layer set: logged at start as not yet applied.
    public var reservedKeysSet: [String] = []
    /// Development only: run workers without namespaces when the host cannot create them
    /// (`WARDEN_ALLOW_UNCONFINED=1`; environment only, never from a file).
    public var allowUnconfined: Bool = false
    /// Benchmarks only: never apply namespaces (`WARDEN_ALLOW_UNCONFINED=force`).
    public var forceUnconfined: Bool = false

    public init(
        socketPath: String, socketMode: mode_t = 0o660, stateDirectory: String, pythonPath: String = "/usr/bin/python3",
        limitPolicy: LimitPolicy = .standard, maxConcurrentExecutions: Int = 8, adminUIDs: [UInt32] = []
    ) {
        self.adminUIDs = adminUIDs
        self.socketPath = socketPath
        self.socketMode = socketMode
        self.stateDirectory = stateDirectory
        self.pythonPath = pythonPath
        self.limitPolicy = limitPolicy
        self.maxConcurrentExecutions = maxConcurrentExecutions
    }

    /// The embedded defaults for this environment: the socket in systemd's
    /// `RUNTIME_DIRECTORY`, else `$XDG_RUNTIME_DIR/warden/warden.sock`, else
    /// `./.warden/warden.sock`; the state in systemd's `STATE_DIRECTORY`, else
    /// `./.warden/state`.
    public static func embeddedDefaults(environment: [String: String]) -> DaemonConfiguration {
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
        return DaemonConfiguration(socketPath: socket, stateDirectory: state)
    }

    /// The embedded defaults with `WARDEN_SOCKET`, `WARDEN_STATE_DIR`, `WARDEN_PYTHON` and
    /// `WARDEN_ALLOW_UNCONFINED` applied (no file, no validation). `load` is the full set of
    /// layers.
    public static func fromEnvironment(_ environment: [String: String]) -> DaemonConfiguration {
        var configuration = embeddedDefaults(environment: environment)
        if let value = environment["WARDEN_SOCKET"], !value.isEmpty { configuration.socketPath = value }
        if let value = environment["WARDEN_STATE_DIR"], !value.isEmpty { configuration.stateDirectory = value }
        if let value = environment["WARDEN_PYTHON"], !value.isEmpty { configuration.pythonPath = value }
        configuration.applyDevelopmentSwitches(environment)
        return configuration
    }

    mutating func applyDevelopmentSwitches(_ environment: [String: String]) {
        allowUnconfined = environment["WARDEN_ALLOW_UNCONFINED"] == "1"
        forceUnconfined = environment["WARDEN_ALLOW_UNCONFINED"] == "force"
    }

    /// systemd passes colon-separated lists in RUNTIME_DIRECTORY/STATE_DIRECTORY.
    private static func firstPath(_ list: String) -> String {
        String(list.split(separator: ":").first ?? Substring(list))
    }

    /// The reason the configuration cannot run, naming the key; nil when it is valid. (The
    /// loader checks the same and names the file or variable; this guards in-memory callers.)
    public func validationError() -> String? {
        if let key = limitPolicy.validate() {
            return "limits.default.\(key): the default must be positive and at most limits.maximum.\(key)"
        }
        if maxConcurrentExecutions < 1 { return "workers.max_concurrent: must be at least 1" }
        if queueLength < 0 { return "workers.queue_length: must not be negative" }
        if maxQueuedPerUID < 0 || maxQueuedPerUID > queueLength {
            return "workers.max_queued_per_uid: must be between 0 and workers.queue_length (\(queueLength))"
        }
        if breakerFailureThreshold < 1 { return "workers.breaker_failures: must be at least 1" }
        if !(breakerOpenSeconds > 0) { return "workers.breaker_open_seconds: must be positive" }
        // Running executions, waiting warm workers and the zygotes' own uid each hold one.
        if sandboxUIDCount < maxConcurrentExecutions + warmWorkers + 1 {
            return "workers.sandbox_uid_count: must be at least workers.max_concurrent + workers.warm + 1 (\(maxConcurrentExecutions + warmWorkers + 1))"
        }
        if socketPath.utf8.count >= 108 { return "socket.path: the path must be shorter than 108 bytes (sun_path)" }
        if !pythonPath.hasPrefix("/") { return "workers.python: must be an absolute path, got '\(pythonPath)'" }
        if !(shutdownGraceSeconds >= 0) { return "shutdown.grace_seconds: must not be negative" }
        return nil
    }
}

/// `[security]`: which presets requests may ask for, which tokens are revoked, and what a
/// request may ask for without a `limits.*` capability.
public struct SecuritySettings: Sendable, Equatable {
    public var levels: [SecurityLevel] = SecurityLevel.allCases
    public var defaultLevel: SecurityLevel = .strict
    /// `security.revoked_tokens`: token ids (`jti`) refused whatever their signature.
    public var revokedTokens: [String] = []
    /// `security.max_memory_mb`, `security.max_timeout_seconds` (nil: the server maxima).
    public var ungrantedLimits = UngrantedLimits()
    public init() {}
}

/// One `[[policy]]` entry: standing rights of one caller uid or of the members of one group.
public struct UIDPolicy: Sendable, Equatable {
    /// The caller this entry is for (exactly one of `uid` and `group` is set).
    public var uid: UInt32?
    /// A group name: the entry applies to callers whose primary or supplementary group it is.
    public var group: String?
    /// Security levels this uid may use (empty: those of `[security] levels`).
    public var levels: [SecurityLevel] = []
    /// Standing capability grants (`import:numpy`, `file.read:/data/*`, …).
    public var capabilities: [String] = []
    /// Executions each matching caller may run at once (nil: no bound of its own; applied by
    /// admission, `CallerLimits`).
    public var maxConcurrent: Int?
    public init(uid: UInt32) { self.uid = uid }
    public init(group: String) { self.group = group }
}

/// `[retention]`: how long history is kept (0: no bound of that kind).
public struct RetentionSettings: Sendable, Equatable {
    public var maxAgeDays: Int = 30
    public var maxRecords: Int = 1_000_000
    public init() {}
}

import Logging
import WardenPolicy
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Every key of `wardend.toml`, in the order `docs/configuration.md` documents them. The
/// `[[policy]]` array of tables is read apart (`ConfigurationLoader.policies`).
extension ConfigurationKey {
    /// Sections that hold keys; any other table is an unknown key.
    static let sections: Set<String> = [
        "socket", "state", "workers", "limits", "limits.default", "limits.maximum", "security", "retention",
        "history", "shutdown", "log",
    ]

    static let all: [ConfigurationKey] =
        [
            .string("socket.path", env: "WARDEN_SOCKET", check: Checks.socketPath) { $0.socketPath = $1 },
            ConfigurationKey(name: "socket.mode", environment: "WARDEN_SOCKET_MODE", kind: .mode, reserved: false) {
                configuration, value throws(KeyProblem) in
                configuration.socketMode = try socketMode(value)
            },
            .string("socket.group", check: Checks.groupName) { $0.socketGroup = $1 },
            .string("state.directory", env: "WARDEN_STATE_DIR", check: Checks.path) { $0.stateDirectory = $1 },
            .string("workers.python", env: "WARDEN_PYTHON", check: Checks.absolutePath) { $0.pythonPath = $1 },
            .integer("workers.max_concurrent", 1...4096) { $0.maxConcurrentExecutions = $1 },
            .integer("workers.warm", 0...256) { $0.warmWorkers = $1 },
            .integer("workers.zygotes", 0...16) { $0.zygotes = $1 },
            .boolean("workers.network_namespace_per_execution") { $0.networkNamespacePerExecution = $1 },
            .strings("workers.preload_modules", check: Checks.moduleNames) { $0.preloadModules = $1 },
            .integer("workers.queue_length", 0...1_000_000) { $0.queueLength = $1 },
            .integer("workers.max_queued_per_uid", 0...1_000_000) { $0.maxQueuedPerUID = $1 },
            .integer("workers.breaker_failures", 1...1_000_000) { $0.breakerFailureThreshold = $1 },
            .number("workers.breaker_open_seconds", 0.1...3600) { $0.breakerOpenSeconds = $1 },
            .integer("workers.interpreter_overhead_mb", 0...65536) { $0.interpreterOverheadMB = $1 },
            .integer("workers.max_value_chars", 16...1_000_000) { $0.maxValueChars = $1 },
            .integer("workers.work_directory_bytes", 1 << 20...1 << 40) { $0.workDirectoryBytes = $1 },
            .integer("workers.sandbox_uid_base", 1...4_294_000_000) { $0.sandboxUIDBase = UInt32($1) },
            .integer("workers.sandbox_uid_count", 1...(1 << 24)) { $0.sandboxUIDCount = $1 },
            .integer("limits.max_code_bytes", 1...(1 << 30)) { $0.limitPolicy.maxCodeBytes = $1 },
            .integer("limits.max_request_bytes", 1...(1 << 31)) { $0.limitPolicy.maxRequestBytes = $1 },
        ] + limitKeys(section: "limits.default", \.defaults) + limitKeys(section: "limits.maximum", \.maxima) + [
            .strings("security.levels", check: Checks.securityLevels) {
                $0.security.levels = $1.compactMap(SecurityLevel.init(rawValue:))
            },
            .string("security.default_level", check: Checks.securityLevel) {
                $0.security.defaultLevel = SecurityLevel(rawValue: $1) ?? .strict
            },
            .strings("security.revoked_tokens", check: Checks.tokenIDs) { $0.security.revokedTokens = $1 },
            .integer("security.max_memory_mb", 1...1_048_576) { $0.security.ungrantedLimits.memoryMB = $1 },
            .number("security.max_timeout_seconds", 0.001...86400) { $0.security.ungrantedLimits.timeoutSeconds = $1 },
            .integer("retention.max_age_days", 0...36500) { $0.retention.maxAgeDays = $1 },
            .integer("retention.max_records", 0...1_000_000_000) { $0.retention.maxRecords = $1 },
            .integers("history.admin_uids", 0...4_294_967_294) { $0.adminUIDs = $1.map { UInt32($0) } },
            .strings("history.admin_groups", check: { groups in groups.lazy.compactMap(Checks.groupName).first }) {
                $0.adminGroups = $1
            },
            .number("shutdown.grace_seconds", 0...3600) { $0.shutdownGraceSeconds = $1 },
            .string("log.level", check: Checks.logLevel) { $0.logLevel = Logger.Level(rawValue: $1) ?? .info },
        ]

    /// The seven per-execution limits under `limits.default` or `limits.maximum`.
    private static func limitKeys(
        section: String, _ limits: WritableKeyPath<LimitPolicy, ExecutionLimits> & Sendable
    ) -> [ConfigurationKey] {
        @Sendable func path(_ configuration: inout DaemonConfiguration, _ body: (inout ExecutionLimits) -> Void) {
            body(&configuration.limitPolicy[keyPath: limits])
        }
        return [
            .number("\(section).timeout_seconds", 0.001...86400) { configuration, value in
                path(&configuration) { $0.timeoutSeconds = value }
            },
            .integer("\(section).memory_mb", 1...1_048_576) { configuration, value in
                path(&configuration) { $0.memoryMB = value }
            },
            .number("\(section).cpu_seconds", 0.001...86400) { configuration, value in
                path(&configuration) { $0.cpuSeconds = value }
            },
            .integer("\(section).max_output_bytes", 1...(1 << 34)) { configuration, value in
                path(&configuration) { $0.maxOutputBytes = value }
            },
            .integer("\(section).max_processes", 1...65536) { configuration, value in
                path(&configuration) { $0.maxProcesses = value }
            },
            .integer("\(section).max_file_bytes", 1...(1 << 40)) { configuration, value in
                path(&configuration) { $0.maxFileBytes = value }
            },
            .integer("\(section).max_open_files", 8...1_048_576) { configuration, value in
                path(&configuration) { $0.maxOpenFiles = value }
            },
        ]
    }

    /// `0o660` (a TOML integer) or `"0660"` (a string of octal digits); at most `0o777`.
    private static func socketMode(_ value: ConfigurationValue) throws(KeyProblem) -> mode_t {
        let number: Int
        switch value {
        case .integer(let given):
            number = given
        case .string(let text):
            let digits = text.hasPrefix("0o") ? String(text.dropFirst(2)) : text
            guard !digits.isEmpty, let parsed = Int(digits, radix: 8) else {
                throw KeyProblem("expected octal digits such as \"0660\", got '\(text)'")
            }
            number = parsed
        default:
            throw KeyProblem("expected an octal mode, got \(value.typeName)")
        }
        guard (0...0o777).contains(number) else {
            throw KeyProblem("must be a permission mode between 0o000 and 0o777, got \(String(number, radix: 8)) in octal (write 0o660 in TOML)")
        }
        guard number & 0o600 == 0o600 else { throw KeyProblem("must let the daemon's user read and write the socket (0o600)") }
        return mode_t(number)
    }

    static func named(_ name: String) -> ConfigurationKey? { byName[name] }

    private static let byName: [String: ConfigurationKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}

import Foundation
import Testing
import WardenPolicy
import WardenProtocol

@testable import WardenDaemon

/// Configuration built in memory: layers, strictness, and the messages an operator reads.
@Suite struct ConfigurationLoaderTests {
    static let file = "/etc/warden/test.toml"

    static func load(
        _ text: String?, environment: [String: String] = [:], flags: [ConfigurationLoader.Flag] = []
    ) throws(ConfigurationError) -> DaemonConfiguration {
        try ConfigurationLoader.load(file: text.map { (file, $0) }, environment: environment, flags: flags)
    }

    static func failure(
        _ text: String?, environment: [String: String] = [:], flags: [ConfigurationLoader.Flag] = []
    ) -> ConfigurationError? {
        do {
            _ = try load(text, environment: environment, flags: flags)
            return nil
        } catch {
            return error
        }
    }

    @Test func withoutAFileTheEmbeddedDefaultsApply() throws {
        let configuration = try Self.load(nil)
        #expect(configuration.socketPath == "./.warden/warden.sock")
        #expect(configuration.stateDirectory == "./.warden/state")
        #expect(configuration.socketMode == 0o660)
        #expect(configuration.socketGroup == nil)
        #expect(configuration.limitPolicy == .standard)
        #expect(configuration.maxConcurrentExecutions == 8)
        #expect(configuration.shutdownGraceSeconds == 30)
        #expect(configuration.logLevel == .info)
        #expect(configuration.configurationFile == nil)
        #expect(configuration.reservedKeysSet.isEmpty)
    }

    @Test func systemdDirectoriesAreTheDefaultsUnderSystemd() throws {
        let configuration = try Self.load(nil, environment: ["RUNTIME_DIRECTORY": "/run/warden", "STATE_DIRECTORY": "/var/lib/warden:/x"])
        #expect(configuration.socketPath == "/run/warden/warden.sock")
        #expect(configuration.stateDirectory == "/var/lib/warden")
    }

    @Test func theShippedFileLoadsAndKeepsTheDefaults() throws {
        let path = Self.repository + "/Config/wardend.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let configuration = try ConfigurationLoader.load(file: (path, text), environment: [:])
        let defaults = try Self.load(nil)
        #expect(configuration.socketGroup == "warden")
        #expect(configuration.limitPolicy == defaults.limitPolicy)
        #expect(configuration.socketPath == defaults.socketPath)
        #expect(configuration.maxConcurrentExecutions == defaults.maxConcurrentExecutions)
        #expect(configuration.configurationFile == path)
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try Self.load(
            """
            [socket]
            path = "/run/w/w.sock"
            mode = 0o600
            group = "warden"
            [state]
            directory = "/var/lib/w"
            [workers]
            python = "/opt/py/bin/python3"
            max_concurrent = 3
            warm = 0
            queue_length = 10
            max_queued_per_uid = 4
            breaker_failures = 3
            breaker_open_seconds = 2.5
            interpreter_overhead_mb = 32
            max_value_chars = 200
            work_directory_bytes = 16777216
            sandbox_uid_base = 3000000000
            sandbox_uid_count = 100
            [limits]
            max_code_bytes = 1000
            max_request_bytes = 2000
            [limits.default]
            timeout_seconds = 2.5
            memory_mb = 50
            cpu_seconds = 2
            max_output_bytes = 100
            max_processes = 2
            max_file_bytes = 300
            max_open_files = 32
            [limits.maximum]
            timeout_seconds = 10
            memory_mb = 60
            cpu_seconds = 10
            max_output_bytes = 200
            max_processes = 4
            max_file_bytes = 400
            max_open_files = 64
            [security]
            levels = ["strict", "standard"]
            default_level = "standard"
            [history]
            admin_uids = [1000, 1001]
            admin_groups = ["wheel"]
            [retention]
            max_age_days = 7
            max_records = 50
            [shutdown]
            grace_seconds = 5
            [log]
            level = "debug"
            [[policy]]
            uid = 1000
            levels = ["standard"]
            capabilities = ["import:numpy", "subprocess"]
            max_concurrent = 2
            """
        )
        #expect(configuration.socketPath == "/run/w/w.sock")
        #expect(configuration.socketMode == 0o600)
        #expect(configuration.socketGroup == "warden")
        #expect(configuration.stateDirectory == "/var/lib/w")
        #expect(configuration.pythonPath == "/opt/py/bin/python3")
        #expect(configuration.maxConcurrentExecutions == 3)
        #expect(configuration.warmWorkers == 0)
        #expect(configuration.queueLength == 10)
        #expect(configuration.maxQueuedPerUID == 4)
        #expect(configuration.breakerFailureThreshold == 3)
        #expect(configuration.breakerOpenSeconds == 2.5)
        #expect(configuration.interpreterOverheadMB == 32)
        #expect(configuration.maxValueChars == 200)
        #expect(configuration.workDirectoryBytes == 16 << 20)
        #expect(configuration.sandboxUIDBase == 3_000_000_000)
        #expect(configuration.sandboxUIDCount == 100)
        #expect(
            configuration.limitPolicy
                == LimitPolicy(
                    defaults: ExecutionLimits(
                        timeoutSeconds: 2.5, memoryMB: 50, cpuSeconds: 2, maxOutputBytes: 100, maxProcesses: 2,
                        maxFileBytes: 300, maxOpenFiles: 32
                    ),
                    maxima: ExecutionLimits(
                        timeoutSeconds: 10, memoryMB: 60, cpuSeconds: 10, maxOutputBytes: 200, maxProcesses: 4,
                        maxFileBytes: 400, maxOpenFiles: 64
                    ),
                    maxCodeBytes: 1000, maxRequestBytes: 2000
                )
        )
        #expect(configuration.security.levels == [.strict, .standard])
        #expect(configuration.security.defaultLevel == .standard)
        #expect(configuration.retention == { var r = RetentionSettings(); r.maxAgeDays = 7; r.maxRecords = 50; return r }())
        #expect(configuration.adminUIDs == [1000, 1001])
        #expect(configuration.adminGroups == ["wheel"])
        #expect(configuration.shutdownGraceSeconds == 5)
        #expect(configuration.logLevel == .debug)
        var policy = UIDPolicy(uid: 1000)
        policy.levels = [.standard]
        policy.capabilities = ["import:numpy", "subprocess"]
        policy.maxConcurrent = 2
        #expect(configuration.uidPolicies == [policy])
        #expect(
            configuration.reservedKeysSet
                == []
        )
        #expect(configuration.validationError() == nil)
    }

    // MARK: - Refusals name the file, the key and the reason

    @Test func aWrongTypeNamesTheKeyAndTheFile() throws {
        let error = try #require(Self.failure("[workers]\nmax_concurrent = \"8\"\n"))
        #expect(error.source == Self.file)
        #expect(error.key == "workers.max_concurrent")
        #expect(error.reason == "expected an integer, got a string")
        #expect(error.description == "invalid configuration: /etc/warden/test.toml: workers.max_concurrent: expected an integer, got a string")
        #expect(Self.failure("[log]\nlevel = 3\n")?.key == "log.level")
        #expect(Self.failure("[socket]\npath = [\"/a\"]\n")?.reason == "expected a string, got an array of strings")
        #expect(Self.failure("[limits.default]\ntimeout_seconds = \"30\"\n")?.reason == "expected a number, got a string")
        #expect(Self.failure("[retention]\nmax_age_days = 1979-05-27\n")?.reason == "expected an integer, got a date or time")
        #expect(Self.failure("socket = \"/x\"\n")?.reason == "is a section: expected a table ([socket]), got a string")
    }

    @Test func anUnknownKeyIsAnErrorNotIgnored() throws {
        let typo = try #require(Self.failure("[socket]\npaht = \"/x\"\n"))
        #expect(typo.key == "socket.paht")
        #expect(typo.reason == "unknown key; did you mean 'socket.path'?")
        let stranger = try #require(Self.failure("[limits.default]\nwall_clock_hours = 1\n"))
        #expect(stranger.key == "limits.default.wall_clock_hours")
        #expect(stranger.reason.hasPrefix("unknown key; [limits.default] takes timeout_seconds, memory_mb"))
        #expect(Self.failure("[frobnicate]\nx = 1\n")?.reason.hasPrefix("unknown key; the sections are") == true)
        #expect(Self.failure("[[policy]]\nuid = 1\ncolour = \"red\"\n")?.key == "policy[0].colour")
        #expect(Self.failure("\"socket.path\" = \"/x\"\n")?.reason == "unknown key (a quoted key with a dot)")
    }

    @Test func anImpossibleValueIsRefused() throws {
        let below = try #require(Self.failure("[limits.maximum]\nmemory_mb = 50\n"))
        #expect(below.key == "limits.maximum.memory_mb")
        #expect(below.source == Self.file)
        #expect(below.reason == "the default (100) is above the maximum limits.maximum.memory_mb (50, from /etc/warden/test.toml)")
        let above = try #require(Self.failure("[limits.default]\ntimeout_seconds = 301\n"))
        #expect(above.key == "limits.default.timeout_seconds")
        #expect(above.reason == "the default (301) is above the maximum limits.maximum.timeout_seconds (300, from embedded default)")
        #expect(Self.failure("[workers]\nmax_concurrent = 0\n")?.reason == "must be between 1 and 4096, got 0")
        #expect(Self.failure("[limits.default]\ntimeout_seconds = -1\n")?.reason == "must be between 0.001 and 86400, got -1")
        #expect(Self.failure("[workers]\npython = \"python3\"\n")?.reason == "must be an absolute path, got 'python3'")
        #expect(Self.failure("[log]\nlevel = \"loud\"\n")?.reason.hasPrefix("must be one of trace, debug") == true)
        #expect(Self.failure("[workers]\nmax_concurrent = 20\nsandbox_uid_count = 10\n")?.key == "workers.sandbox_uid_count")
        #expect(Self.failure("[security]\nlevels = [\"strict\"]\ndefault_level = \"permissive\"\n")?.key == "security.default_level")
        #expect(Self.failure("[security]\nlevels = []\n")?.reason == "must name at least one level")
        let share = try #require(Self.failure("[workers]\nqueue_length = 4\nmax_queued_per_uid = 5\n"))
        #expect(share.key == "workers.max_queued_per_uid")
        #expect(share.reason == "workers.max_queued_per_uid (5) must be at most workers.queue_length (4)")
        #expect(Self.failure("[workers]\nqueue_length = -1\n")?.reason == "must be between 0 and 1000000, got -1")
        #expect(Self.failure("[workers]\nbreaker_failures = 0\n")?.key == "workers.breaker_failures")
        #expect(Self.failure("[workers]\nbreaker_open_seconds = 0\n")?.key == "workers.breaker_open_seconds")
        #expect(Self.failure("[socket]\npath = \"/\(String(repeating: "a", count: 120))\"\n")?.key == "socket.path")
        #expect(Self.failure("[socket]\ngroup = \"-x\"\n")?.key == "socket.group")
        #expect(Self.failure("[history]\nadmin_uids = [1, 1]\n")?.reason == "names a value twice")
        #expect(Self.failure("[history]\nadmin_uids = [-3]\n")?.reason == "must be between 0 and 4294967294, got -3")
        #expect(Self.failure("[history]\nadmin_uids = [\"root\"]\n")?.reason == "expected an array of integers, got an array of strings")
        #expect(Self.failure("[history]\nadmin_uids = [1, \"x\"]\n")?.reason.hasPrefix("expected an array of integers") == true)
    }

    @Test func socketModeIsOctal() throws {
        #expect(try Self.load("[socket]\nmode = 0o640\n").socketMode == 0o640)
        #expect(try Self.load("[socket]\nmode = \"0660\"\n").socketMode == 0o660)
        #expect(try Self.load(nil, environment: ["WARDEN_SOCKET_MODE": "0600"]).socketMode == 0o600)
        // 660 in decimal is 0o1224: not a permission mode.
        #expect(Self.failure("[socket]\nmode = 660\n")?.reason.hasPrefix("must be a permission mode") == true)
        #expect(Self.failure("[socket]\nmode = \"rw\"\n")?.key == "socket.mode")
        #expect(Self.failure("[socket]\nmode = 0o060\n")?.reason == "must let the daemon's user read and write the socket (0o600)")
    }

    @Test func policiesAreChecked() throws {
        let duplicate = try #require(Self.failure("[[policy]]\nuid = 5\n[[policy]]\nuid = 5\n"))
        #expect(duplicate.key == "policy[1].uid")
        #expect(duplicate.reason == "uid 5 has a policy already")
        #expect(Self.failure("[[policy]]\nlevels = [\"strict\"]\n")?.reason == "is required (or group)")
        #expect(Self.failure("[[policy]]\nuid = 1\ngroup = \"wheel\"\n")?.reason == "an entry is for one uid or one group, not both")
        #expect(Self.failure("[[policy]]\ngroup = \"wheel\"\ncapabilities = [\"file.read:/*\"]\n")?.key == "policy[0].capabilities")
        #expect(Self.failure("[security]\nrevoked_tokens = [\"xyz\"]\n")?.key == "security.revoked_tokens")
        #expect(Self.failure("[[policy]]\nuid = 1\ncapabilities = [\"teleport\"]\n")?.key == "policy[0].capabilities")
        #expect(Self.failure("[[policy]]\nuid = 1\ncapabilities = [\"import:\"]\n")?.reason == "invalid capability 'import:': 'import:' needs an argument")
        #expect(Self.failure("[[policy]]\nuid = -1\n")?.reason == "must be between 0 and 4294967294, got -1")
        #expect(Self.failure("policy = 3\n")?.key == "policy")
    }

    @Test func aFileThatIsNotTOMLNamesTheLine() throws {
        let error = try #require(Self.failure("[workers]\nmax_concurrent = = 3\n"))
        #expect(error.source == Self.file)
        #expect(error.key == nil)
        #expect(error.reason.hasPrefix("line 2, column"))
        #expect(Self.failure("[log]\nlevel = \"info\"\n[log]\nlevel = \"debug\"\n")?.reason.hasPrefix("line 3") == true)
    }

    // MARK: - Layers

    @Test func theEnvironmentOverridesTheFileAndFlagsOverrideBoth() throws {
        let file = "[workers]\nmax_concurrent = 3\n[socket]\npath = \"/file.sock\"\n"
        #expect(try Self.load(file).maxConcurrentExecutions == 3)
        let environment = ["WARDEN_WORKERS_MAX_CONCURRENT": "5", "WARDEN_SOCKET": "/env.sock", "WARDEN_LOG_LEVEL": "debug"]
        let fromEnvironment = try Self.load(file, environment: environment)
        #expect(fromEnvironment.maxConcurrentExecutions == 5)
        #expect(fromEnvironment.socketPath == "/env.sock")
        #expect(fromEnvironment.logLevel == .debug)
        let fromFlags = try Self.load(
            file, environment: environment, flags: [.init(flag: "--socket", key: "socket.path", value: "/flag.sock")]
        )
        #expect(fromFlags.socketPath == "/flag.sock")
        #expect(fromFlags.maxConcurrentExecutions == 5)
        // An empty variable is no override.
        #expect(try Self.load(file, environment: ["WARDEN_SOCKET": ""]).socketPath == "/file.sock")
        #expect(try Self.load(nil, environment: ["WARDEN_SECURITY_LEVELS": "strict, standard"]).security.levels == [.strict, .standard])
        #expect(try Self.load(nil, environment: ["WARDEN_SHUTDOWN_GRACE_SECONDS": "0.5"]).shutdownGraceSeconds == 0.5)
        #expect(try Self.load(nil, environment: ["WARDEN_HISTORY_ADMIN_UIDS": "5, 6"]).adminUIDs == [5, 6])
        #expect(try Self.load("[history]\nadmin_uids = []\n").adminUIDs == [])
    }

    @Test func aBadOverrideNamesTheVariableOrTheFlag() throws {
        let variable = try #require(Self.failure(nil, environment: ["WARDEN_LIMITS_DEFAULT_MEMORY_MB": "lots"]))
        #expect(variable.source == "environment variable WARDEN_LIMITS_DEFAULT_MEMORY_MB")
        #expect(variable.key == "limits.default.memory_mb")
        #expect(variable.reason == "expected an integer, got 'lots'")
        let above = try #require(Self.failure("[limits.maximum]\nmemory_mb = 500\n", environment: ["WARDEN_LIMITS_DEFAULT_MEMORY_MB": "600"]))
        #expect(above.source == "environment variable WARDEN_LIMITS_DEFAULT_MEMORY_MB")
        #expect(above.reason.contains("(500, from /etc/warden/test.toml)"))
        let flag = try #require(Self.failure(nil, flags: [.init(flag: "--python", key: "workers.python", value: "py")]))
        #expect(flag.description == "invalid configuration: flag --python: workers.python: must be an absolute path, got 'py'")
    }

    @Test func theFileComesFromTheFlagThenTheEnvironmentThenTheDefaultPath() {
        #expect(ConfigurationLoader.filePath(flag: "/a.toml", environment: ["WARDEN_CONFIG": "/b.toml"], exists: { _ in true }) == "/a.toml")
        #expect(ConfigurationLoader.filePath(flag: nil, environment: ["WARDEN_CONFIG": "/b.toml"], exists: { _ in true }) == "/b.toml")
        #expect(ConfigurationLoader.filePath(flag: nil, environment: [:], exists: { _ in true }) == "/etc/warden/wardend.toml")
        #expect(ConfigurationLoader.filePath(flag: nil, environment: [:], exists: { _ in false }) == nil)
    }

    @Test func aMissingNamedFileIsAnError() {
        #expect(throws: ConfigurationError(source: "/nonexistent/w.toml", key: nil, reason: "no such file")) {
            try ConfigurationLoader.load(configFlag: "/nonexistent/w.toml", environment: [:])
        }
    }

    @Test func developmentSwitchesComeFromTheEnvironmentOnly() throws {
        #expect(try Self.load(nil, environment: ["WARDEN_ALLOW_UNCONFINED": "1"]).allowUnconfined)
        #expect(try Self.load(nil, environment: ["WARDEN_ALLOW_UNCONFINED": "force"]).forceUnconfined)
        #expect(Self.failure("[development]\nallow_unconfined = true\n")?.reason.hasPrefix("unknown key") == true)
    }

    // MARK: - Documentation

    @Test func everyKeyIsDocumentedAndInTheShippedFile() throws {
        let documentation = try String(contentsOfFile: Self.repository + "/docs/configuration.md", encoding: .utf8)
        let shipped = try String(contentsOfFile: Self.repository + "/Config/wardend.toml", encoding: .utf8)
        for key in ConfigurationKey.all {
            #expect(documentation.contains("`\(key.name)`"), "docs/configuration.md does not document \(key.name)")
            #expect(documentation.contains("`\(key.environment)`"), "docs/configuration.md does not name \(key.environment)")
            let leaf = String(key.name.split(separator: ".").last!)
            #expect(shipped.contains("\(leaf) ="), "Config/wardend.toml does not show \(key.name)")
            if key.reserved {
                #expect(documentation.contains("`\(key.name)`") && documentation.contains("reserved"))
            }
        }
        for key in ["policy.uid", "policy.group", "policy.levels", "policy.capabilities", "policy.max_concurrent", "WARDEN_CONFIG", "WARDEN_ALLOW_UNCONFINED"] {
            #expect(documentation.contains("`\(key)`"), "docs/configuration.md does not document \(key)")
        }
    }

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}

import WardenPolicy

/// What the supervisor needs to run executions.
public struct SupervisorConfiguration: Sendable {
    /// The interpreter workers run (never a PATH lookup: a shim there costs ~150 ms a start).
    public var pythonPath: String
    /// Where the daemon keeps its state; work directories live under `work/`.
    public var stateDirectory: String
    public var limitPolicy: LimitPolicy
    /// Executions running at once; more wait for a worker thread.
    public var maxConcurrentExecutions: Int
    /// Extra address space granted above `memory_mb` for the interpreter itself (RLIMIT_AS
    /// counts mappings, not resident memory).
    public var interpreterOverheadMB: Int
    /// The largest value repr the harness reports, in characters.
    public var maxValueChars: Int
    /// Size cap of each execution's `/work` tmpfs, in bytes.
    public var workDirectoryBytes: Int
    /// First uid (and gid) of the range executions run as when the daemon is root.
    public var sandboxUIDBase: UInt32
    /// How many uids the range holds (at least the number of concurrent executions).
    public var sandboxUIDCount: Int
    /// Run workers without namespaces when the host cannot create them (development only).
    public var allowUnconfined: Bool
    /// Run workers without namespaces even when the host could create them (benchmarks of the
    /// layers' cost only).
    public var forceUnconfined: Bool = false
    /// Workers kept ready ahead of their requests (0: make one per request).
    public var warmWorkers: Int = 6
    /// Zygotes of the baseline profile (0: every worker is a fresh interpreter spawn).
    public var zygotes: Int = 1
    /// A network namespace of its own for every zygote worker even where Landlock scopes
    /// abstract sockets (then they share the zygote's empty one, ~0.7 ms of CPU less per
    /// execution, and see each other's Unix socket names in `/proc/net/unix`).
    public var networkNamespacePerExecution = false
    /// What a request may ask for without a `limits.*` capability (`security.max_memory_mb`,
    /// `security.max_timeout_seconds`).
    public var ungrantedLimits = UngrantedLimits()
    /// Modules the zygotes import before forking, so that executions find them loaded.
    public var preloadModules: [String] = SupervisorConfiguration.defaultPreloadModules
    /// Executions that may wait for a slot; more are refused (429).
    public var queueLength: Int = 64
    /// Waiting places one caller uid may hold (0: no bound of its own).
    public var maxQueuedPerUID: Int = 0
    /// Consecutive worker start failures that open the circuit breaker.
    public var breakerFailureThreshold: Int = 5
    /// How long the circuit stays open before one request probes it, in seconds.
    public var breakerOpenSeconds: Double = 5

    /// Standard-library modules scripts commonly import (~2.5 MB of zygote memory, shared by
    /// every worker until written). Every preloaded byte costs each execution a little — the
    /// fork copies the zygote's page tables and the exit tears them down — so the list leaves
    /// out `dataclasses`, which brings `inspect` and 17 more modules (1.6 MB) for a 6 ms import
    /// that few scripts pay.
    public static let defaultPreloadModules = [
        "json", "re", "collections", "math", "random", "datetime", "itertools", "functools", "string",
        "textwrap", "decimal", "fractions", "statistics", "typing", "enum", "heapq", "bisect", "copy", "operator",
    ]

    public init(
        pythonPath: String = "/usr/bin/python3", stateDirectory: String, limitPolicy: LimitPolicy = .standard,
        maxConcurrentExecutions: Int = 8, interpreterOverheadMB: Int = 64, maxValueChars: Int = 1000,
        workDirectoryBytes: Int = 64 << 20, sandboxUIDBase: UInt32 = 2_000_000_000, sandboxUIDCount: Int = 65536,
        allowUnconfined: Bool = false, forceUnconfined: Bool = false, warmWorkers: Int = 6, zygotes: Int = 1,
        preloadModules: [String] = SupervisorConfiguration.defaultPreloadModules
    ) {
        self.warmWorkers = warmWorkers
        self.zygotes = zygotes
        self.preloadModules = preloadModules
        self.forceUnconfined = forceUnconfined
        self.workDirectoryBytes = workDirectoryBytes
        self.sandboxUIDBase = sandboxUIDBase
        self.sandboxUIDCount = sandboxUIDCount
        self.allowUnconfined = allowUnconfined
        self.pythonPath = pythonPath
        self.stateDirectory = stateDirectory
        self.limitPolicy = limitPolicy
        self.maxConcurrentExecutions = maxConcurrentExecutions
        self.interpreterOverheadMB = interpreterOverheadMB
        self.maxValueChars = maxValueChars
    }
}

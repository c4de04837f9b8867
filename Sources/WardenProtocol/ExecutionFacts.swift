/// How a worker process ended, as the kernel and the supervisor saw it. Ground truth.
public struct ProcessObservation: Sendable, Equatable, Codable {
    /// Exit status when the process exited normally.
    public var exitStatus: Int?
    /// Signal number when the process was killed by a signal.
    public var signal: Int32?
    /// The supervisor ended the run because the wall-clock limit passed.
    public var wallTimeoutHit: Bool
    /// Wall-clock seconds from spawn to exit.
    public var wallSeconds: Double
    /// User + system CPU seconds of the process and its waited-for children.
    public var cpuSeconds: Double
    /// Peak resident memory in bytes (cgroup peak where available, else rusage maxrss).
    public var peakMemoryBytes: Int
    /// The kernel reported an out-of-memory kill (cgroup) for this execution.
    public var oomKilled: Bool
    /// The syscall number that made seccomp kill the process, when known.
    public var seccompSyscall: Int?
    /// Bytes the process wrote to stdout / stderr, including any dropped past the limit.
    public var stdoutBytes: Int
    public var stderrBytes: Int
    /// The harness report was missing, oversized or malformed (the reason, for logs and facts).
    public var reportProblem: String?

    public init(
        exitStatus: Int? = nil, signal: Int32? = nil, wallTimeoutHit: Bool = false, wallSeconds: Double = 0,
        cpuSeconds: Double = 0, peakMemoryBytes: Int = 0, oomKilled: Bool = false, seccompSyscall: Int? = nil,
        stdoutBytes: Int = 0, stderrBytes: Int = 0, reportProblem: String? = nil
    ) {
        self.exitStatus = exitStatus
        self.signal = signal
        self.wallTimeoutHit = wallTimeoutHit
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.peakMemoryBytes = peakMemoryBytes
        self.oomKilled = oomKilled
        self.seccompSyscall = seccompSyscall
        self.stdoutBytes = stdoutBytes
        self.stderrBytes = stderrBytes
        self.reportProblem = reportProblem
    }
}

/// Everything known about one finished execution: the input of `WardenDiagnostics`.
public struct ExecutionFacts: Sendable, Equatable {
    public var executionId: String
    /// ISO-8601 UTC, when the execution was accepted.
    public var timestamp: String
    public var request: ExecutionRequest
    public var assignedBy: String?
    public var limits: ExecutionLimits
    public var stdout: String
    public var stderr: String
    public var stdoutTruncated: Bool
    public var stderrTruncated: Bool
    public var observation: ProcessObservation
    /// Nil when the harness sent no valid report (killed, crashed, or hostile).
    public var report: HarnessReport?
    /// Modules the import policy allows for this execution (for `available_modules`).
    public var availableModules: [String]
    /// Capabilities this execution holds (for `available_capabilities`).
    public var availableCapabilities: [String]
    /// The layers applied, for `sandbox` in `full` detail.
    public var sandbox: SandboxReport?
    /// Set when the sandbox itself failed before the code could run (spawn error), or the
    /// execution was stopped from outside (`cancelledFailure`).
    public var systemFailure: String?

    /// The `systemFailure` of an execution killed because its client disconnected.
    public static let cancelledFailure = "cancelled: the client disconnected before the execution finished"

    public init(
        executionId: String, timestamp: String, request: ExecutionRequest, assignedBy: String?,
        limits: ExecutionLimits, stdout: String = "", stderr: String = "", stdoutTruncated: Bool = false,
        stderrTruncated: Bool = false, observation: ProcessObservation = ProcessObservation(),
        report: HarnessReport? = nil, availableModules: [String] = [], availableCapabilities: [String] = [],
        sandbox: SandboxReport? = nil, systemFailure: String? = nil
    ) {
        self.executionId = executionId
        self.timestamp = timestamp
        self.request = request
        self.assignedBy = assignedBy
        self.limits = limits
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutTruncated = stdoutTruncated
        self.stderrTruncated = stderrTruncated
        self.observation = observation
        self.report = report
        self.availableModules = availableModules
        self.availableCapabilities = availableCapabilities
        self.sandbox = sandbox
        self.systemFailure = systemFailure
    }
}

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

    public init(
        pythonPath: String = "/usr/bin/python3", stateDirectory: String, limitPolicy: LimitPolicy = .standard,
        maxConcurrentExecutions: Int = 8, interpreterOverheadMB: Int = 64, maxValueChars: Int = 1000
    ) {
        self.pythonPath = pythonPath
        self.stateDirectory = stateDirectory
        self.limitPolicy = limitPolicy
        self.maxConcurrentExecutions = maxConcurrentExecutions
        self.interpreterOverheadMB = interpreterOverheadMB
        self.maxValueChars = maxValueChars
    }
}

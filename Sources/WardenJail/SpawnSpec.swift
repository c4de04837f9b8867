/// Everything needed to start one worker process. Pure data; `Spawner` lowers it to C memory.
public struct SpawnSpec: Sendable, Equatable {
    /// Absolute path of the program.
    public var executable: String
    /// argv, including argv[0].
    public var arguments: [String]
    /// "KEY=VALUE" entries; nothing is inherited from the daemon.
    public var environment: [String]
    public var workingDirectory: String?
    /// Child descriptor i is a copy of the parent's `descriptors[i]`; -1 leaves it closed.
    public var descriptors: [Int32]
    public var limits: [ResourceLimit]
    public var newProcessGroup: Bool
    public var noNewPrivileges: Bool

    public init(
        executable: String, arguments: [String], environment: [String], workingDirectory: String?,
        descriptors: [Int32], limits: [ResourceLimit], newProcessGroup: Bool = true, noNewPrivileges: Bool = true
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.descriptors = descriptors
        self.limits = limits
        self.newProcessGroup = newProcessGroup
        self.noNewPrivileges = noNewPrivileges
    }
}

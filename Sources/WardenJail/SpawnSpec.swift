/// Linux namespaces a worker gets of its own.
public struct Namespaces: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let mount = Namespaces(rawValue: 0x0002_0000)  // CLONE_NEWNS
    public static let cgroup = Namespaces(rawValue: 0x0200_0000)  // CLONE_NEWCGROUP
    public static let uts = Namespaces(rawValue: 0x0400_0000)  // CLONE_NEWUTS
    public static let ipc = Namespaces(rawValue: 0x0800_0000)  // CLONE_NEWIPC
    public static let user = Namespaces(rawValue: 0x1000_0000)  // CLONE_NEWUSER
    public static let pid = Namespaces(rawValue: 0x2000_0000)  // CLONE_NEWPID
    public static let network = Namespaces(rawValue: 0x4000_0000)  // CLONE_NEWNET

    /// Every namespace but the user namespace (used when the daemon is root).
    public static let allButUser: Namespaces = [.mount, .cgroup, .uts, .ipc, .pid, .network]

    public var names: [String] {
        let all: [(Namespaces, String)] = [
            (.user, "user"), (.pid, "pid"), (.mount, "mount"), (.ipc, "ipc"), (.uts, "uts"), (.network, "network"),
            (.cgroup, "cgroup"),
        ]
        return all.filter { contains($0.0) }.map(\.1)
    }
}

/// One step of building a worker's root filesystem (paths inside the new root, absolute).
public enum MountOperation: Sendable, Equatable {
    case directory(String)
    /// An empty file, as a mount point for a file bind.
    case file(String)
    case symlink(target: String, at: String)
    case bindReadOnly(source: String, at: String)
    case bindReadWrite(source: String, at: String)
    /// A device node (e.g. /dev/null): bound without `nodev`, so it stays usable.
    case bindDevice(source: String, at: String)
    case tmpfs(at: String, options: String)
    case proc(at: String)
}

/// The worker's view of the filesystem: a tmpfs skeleton on `newRoot` (a directory of the
/// daemon's), filled by `operations` in order, then pivoted into and made read-only.
public struct FilesystemPlan: Sendable, Equatable {
    public var newRoot: String
    public var operations: [MountOperation]

    public init(newRoot: String, operations: [MountOperation]) {
        self.newRoot = newRoot
        self.operations = operations
    }
}

/// How a worker joins its cgroup.
public enum CgroupAttachment: Sendable, Equatable {
    /// v2: atomically at clone (CLONE_INTO_CGROUP) through a directory descriptor.
    case directory(Int32)
    /// v1: the child writes "0" to each open `cgroup.procs` descriptor before exec.
    case procsFiles([Int32])
}

/// Everything needed to start one worker process. Pure data; `Spawner` lowers it to C memory.
public struct SpawnSpec: Sendable, Equatable {
    /// Absolute path of the program (inside the new root when there is one).
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
    public var namespaces: Namespaces
    /// With `.user`: uid_map and gid_map contents ("0 1000 1\n") the parent writes.
    public var userNamespaceMaps: (uid: String, gid: String)?
    /// With `.user` and a root daemon: setgroups stays allowed in the namespace (no "deny" is
    /// written) and the supplementary groups are cleared before the id change.
    public var allowSetgroups: Bool = false
    public var cgroup: CgroupAttachment?
    public var filesystem: FilesystemPlan?
    public var hostname: String?
    /// The uid and gid the worker runs as.
    public var identity: (uid: UInt32, gid: UInt32)?
    public var dropCapabilities: Bool
    /// A Landlock domain entered after no_new_privs, before the seccomp filter (nil: none).
    public var landlock: LandlockRestriction? = nil
    /// A compiled seccomp program (struct sock_filter bytes), loaded right before exec.
    public var seccompFilter: [UInt8]?

    public init(
        executable: String, arguments: [String], environment: [String], workingDirectory: String?,
        descriptors: [Int32], limits: [ResourceLimit], newProcessGroup: Bool = true, noNewPrivileges: Bool = true,
        namespaces: Namespaces = [], userNamespaceMaps: (uid: String, gid: String)? = nil,
        cgroup: CgroupAttachment? = nil, filesystem: FilesystemPlan? = nil, hostname: String? = nil,
        identity: (uid: UInt32, gid: UInt32)? = nil, dropCapabilities: Bool = false, seccompFilter: [UInt8]? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.descriptors = descriptors
        self.limits = limits
        self.newProcessGroup = newProcessGroup
        self.noNewPrivileges = noNewPrivileges
        self.namespaces = namespaces
        self.userNamespaceMaps = userNamespaceMaps
        self.cgroup = cgroup
        self.filesystem = filesystem
        self.hostname = hostname
        self.identity = identity
        self.dropCapabilities = dropCapabilities
        self.seccompFilter = seccompFilter
    }

    public static func == (lhs: SpawnSpec, rhs: SpawnSpec) -> Bool {
        lhs.executable == rhs.executable && lhs.arguments == rhs.arguments && lhs.environment == rhs.environment
            && lhs.workingDirectory == rhs.workingDirectory && lhs.descriptors == rhs.descriptors
            && lhs.limits == rhs.limits && lhs.newProcessGroup == rhs.newProcessGroup
            && lhs.noNewPrivileges == rhs.noNewPrivileges && lhs.namespaces == rhs.namespaces
            && lhs.userNamespaceMaps?.uid == rhs.userNamespaceMaps?.uid
            && lhs.userNamespaceMaps?.gid == rhs.userNamespaceMaps?.gid && lhs.allowSetgroups == rhs.allowSetgroups
            && lhs.landlock == rhs.landlock
            && lhs.cgroup == rhs.cgroup
            && lhs.filesystem == rhs.filesystem && lhs.hostname == rhs.hostname
            && lhs.identity?.uid == rhs.identity?.uid && lhs.identity?.gid == rhs.identity?.gid
            && lhs.dropCapabilities == rhs.dropCapabilities && lhs.seccompFilter == rhs.seccompFilter
    }
}

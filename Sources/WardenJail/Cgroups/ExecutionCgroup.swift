import CWardenJail

#if canImport(Glibc)
import Glibc
#endif

/// The cgroup(s) of one execution: its limits are set, its descriptors are open.
///
/// Made by `CgroupParent.create`. The spawner puts the worker in through `attachment`
/// (v2: `directoryFD` for `clone3(CLONE_INTO_CGROUP)`; v1: `procsFDs`, to each of which the
/// child writes "0" between fork and exec). After the run, read the counters, then call
/// `remove()`, which kills every member first.
///
/// Descriptors: the class owns `directoryFD` and `procsFDs` and closes them in `deinit`
/// (there is no `close()` method). Keep the object alive until the worker was spawned; a
/// removed cgroup's descriptors stay harmless until then.
///
/// Every method is synchronous and at most briefly blocking (`killAll` and `remove` wait up
/// to about two seconds for dying processes): call them from a worker thread.
public final class ExecutionCgroup: Sendable {
    public enum Version: Sendable, Equatable {
        case v1, v2
    }

    /// The name given to `create`, the last path component of every directory.
    public let name: String
    public let version: Version
    /// v2: the leaf `<subtree>/executions/NAME`. v1: the memory cgroup, then the pids cgroup.
    public let directories: [String]
    /// v2: the leaf opened O_RDONLY | O_DIRECTORY | O_CLOEXEC, for CLONE_INTO_CGROUP. v1: nil.
    public let directoryFD: Int32?
    /// The `cgroup.procs` files, opened O_WRONLY | O_CLOEXEC: v1 the memory and the pids
    /// cgroup's; v2 the leaf's (a fallback for spawners without clone3). Writing "0" to each
    /// moves the writing process in.
    public let procsFDs: [Int32]

    let directoryOperations: CgroupDirectories

    init(
        name: String, version: Version, directories: [String], directoryFD: Int32?, procsFDs: [Int32],
        directoryOperations: CgroupDirectories
    ) {
        self.name = name
        self.version = version
        self.directories = directories
        self.directoryFD = directoryFD
        self.procsFDs = procsFDs
        self.directoryOperations = directoryOperations
    }

    deinit {
        if let directoryFD { _ = Glibc.close(directoryFD) }
        for fd in procsFDs { _ = Glibc.close(fd) }
    }

    /// Changes the caps of a cgroup whose worker was started ahead of its request.
    /// v1 keeps `memory.memsw.limit_in_bytes >= memory.limit_in_bytes` at every step.
    public func setLimits(memoryLimitBytes: Int, pidsLimit: Int) throws(JailError) {
        precondition(memoryLimitBytes > 0 && pidsLimit > 0, "limits must be positive")
        let memory = directories[0]
        let pids = directories[directories.count - 1]
        var writes: [(String, String)]
        switch version {
        case .v1:
            let memsw = memory + "/memory.memsw.limit_in_bytes"
            let plain = (memory + "/memory.limit_in_bytes", String(memoryLimitBytes))
            if CgroupFile.exists(memsw) {
                let current = Int((CgroupFile.read(memsw) ?? "").filter(\.isNumber)) ?? 0
                // Raising: memsw first; lowering: memory first.
                writes = memoryLimitBytes > current
                    ? [(memsw, String(memoryLimitBytes)), plain] : [plain, (memsw, String(memoryLimitBytes))]
            } else {
                writes = [plain]
            }
        case .v2:
            writes = [(memory + "/memory.max", String(memoryLimitBytes))]
        }
        writes.append((pids + "/pids.max", String(pidsLimit)))
        for (path, value) in writes {
            let error = CgroupFile.write(value, to: path)
            if error != 0 { throw JailError(step: "write \(path)", errno: error) }
        }
    }

    /// How `Spawner` should put the worker in: v2 at clone, v1 by the child's writes.
    public var attachment: CgroupAttachment {
        if let directoryFD { return .directory(directoryFD) }
        return .procsFiles(procsFDs)
    }

    private var memoryDirectory: String { directories[0] }
    private var pidsDirectory: String { directories[directories.count - 1] }

    /// Moves a running process in from the parent side (every thread of it), by pid.
    public func addProcess(_ pid: Int32) throws(JailError) {
        for directory in directories {
            let error = CgroupFile.write(String(pid), to: directory + "/cgroup.procs")
            if error != 0 { throw JailError(step: "move process \(pid) into the cgroup \(directory)", errno: error) }
        }
    }

    /// The highest memory use the kernel saw, in bytes: v2 `memory.peak` (nil on kernels
    /// before 5.19, which lack it), v1 `memory.max_usage_in_bytes`.
    public func peakMemoryBytes() -> Int? {
        let file = version == .v2 ? "memory.peak" : "memory.max_usage_in_bytes"
        return CgroupFile.read(memoryDirectory + "/" + file).flatMap(CgroupFile.integer)
    }

    /// Whether the kernel's OOM killer killed a member for hitting the memory limit.
    /// v2: `oom_kill` (or `oom_group_kill`) in `memory.events` > 0. v1: `oom_kill` in
    /// `memory.oom_control` > 0 (Linux 4.13+); on older kernels, which lack that counter,
    /// `memory.failcnt` > 0, which also counts limit hits that reclaim resolved, so it may
    /// say true for a process that survived.
    public func oomKilled() -> Bool {
        if version == .v2 {
            let events = CgroupFile.read(memoryDirectory + "/memory.events").map(CgroupFile.keyedValues) ?? [:]
            return (events["oom_kill"] ?? 0) > 0 || (events["oom_group_kill"] ?? 0) > 0
        }
        let control = CgroupFile.read(memoryDirectory + "/memory.oom_control").map(CgroupFile.keyedValues) ?? [:]
        if let kills = control["oom_kill"] { return kills > 0 }
        return (CgroupFile.read(memoryDirectory + "/memory.failcnt").flatMap(CgroupFile.integer) ?? 0) > 0
    }

    /// Whether a fork or clone failed because of `pids.max`: `max` in `pids.events` > 0
    /// (both versions; false where the file is absent).
    public func pidsLimitHit() -> Bool {
        let events = CgroupFile.read(pidsDirectory + "/pids.events").map(CgroupFile.keyedValues) ?? [:]
        return (events["max"] ?? 0) > 0
    }

    /// The processes now in the cgroup(s) (v1: in either), sorted, without duplicates.
    public func memberPIDs() -> [Int32] {
        Self.members(of: directories)
    }

    /// Kills every member and waits until none is left. v2 with `cgroup.kill` (5.14+):
    /// one write kills them all at once; otherwise, and if that leaves anyone, rounds of
    /// SIGKILL to every listed member until the cgroups are empty. `pids.max` bounds how
    /// many processes a fork bomb can add between rounds. Throws EBUSY if members remain
    /// after about two seconds (processes stuck in the kernel).
    public func killAll() throws(JailError) {
        try Self.killMembers(of: directories, version: version)
    }

    /// `killAll()`, then removes the directories, retrying briefly while the kernel still
    /// reports them busy. A directory that is already gone is not an error. On failure it
    /// still tries every directory and throws the first error.
    public func remove() throws(JailError) {
        try Self.remove(directories: directories, version: version, operations: directoryOperations)
    }
}

// MARK: - Shared with the clean-up of stale cgroups in CgroupParent

extension ExecutionCgroup {
    static let killRounds = 200
    static let roundPause: useconds_t = 10_000

    static func members(of directories: [String]) -> [Int32] {
        var pids = Set<Int32>()
        for directory in directories {
            pids.formUnion(CgroupFile.read(directory + "/cgroup.procs").map(CgroupFile.pids) ?? [])
        }
        return pids.sorted()
    }

    static func killMembers(of directories: [String], version: Version) throws(JailError) {
        if members(of: directories).isEmpty { return }
        if version == .v2, CgroupFile.exists(directories[0] + "/cgroup.kill") {
            let error = CgroupFile.write("1", to: directories[0] + "/cgroup.kill")
            if error != 0 { throw JailError(step: "kill the cgroup \(directories[0])", errno: error) }
        }
        for _ in 0..<killRounds {
            let listed = members(of: directories)
            if listed.isEmpty { return }
            signalMembers(listed, of: directories)
            usleep(roundPause)
        }
        if !members(of: directories).isEmpty {
            throw JailError(step: "kill every process in the cgroup \(directories[0])", errno: EBUSY)
        }
    }

    /// SIGKILL to each listed pid that is still a member, without the pid-reuse race: each
    /// process is pinned by a /proc/PID descriptor (which pidfd_send_signal accepts) before
    /// membership is read again, so a pid that was reused in between is never signalled.
    private static func signalMembers(_ listed: [Int32], of directories: [String]) {
        let pinned = listed.map { pid in (pid, open("/proc/\(pid)", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) }
        defer { for (_, fd) in pinned where fd >= 0 { _ = Glibc.close(fd) } }
        let stillMembers = Set(members(of: directories))
        for (pid, fd) in pinned where fd >= 0 && stillMembers.contains(pid) {
            _ = wj_pidfd_signal(fd, SIGKILL)
        }
    }

    static func remove(directories: [String], version: Version, operations: CgroupDirectories) throws(JailError) {
        var firstError: JailError?
        do {
            try killMembers(of: directories, version: version)
        } catch {
            firstError = error
        }
        for directory in directories {
            var error = operations.remove(directory)
            var rounds = 0
            while error == EBUSY && rounds < killRounds {
                usleep(roundPause)
                rounds += 1
                error = operations.remove(directory)
            }
            if error != 0 && error != ENOENT && firstError == nil {
                firstError = JailError(step: "remove the cgroup \(directory)", errno: error)
            }
        }
        if let firstError { throw firstError }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's parent cgroup(s), under which every execution gets its own; made by
/// `CgroupHost.prepare`.
///
/// v1: `<memoryRoot>/<parentName>` and `<pidsRoot>/<parentName>`.
/// v2: `<subtree>/executions` (the daemon itself lives in `<subtree>/supervisor`).
public struct CgroupParent: Sendable {
    static let supervisorLeaf = "supervisor"
    static let executionsNode = "executions"

    /// The version in use.
    public let version: ExecutionCgroup.Version
    /// The directories that hold the per-execution cgroups (v1: memory, then pids).
    public let executionParents: [String]
    /// Per-execution cgroups left by an earlier daemon that `prepare` removed (names).
    public let staleRemoved: [String]
    /// Stale per-execution cgroups that `prepare` could not remove, each with why; for the log.
    public let staleLeft: [String]

    let directoryOperations: CgroupDirectories

    /// Makes the cgroup(s) of one execution and sets its limits, then opens the descriptors
    /// the spawner needs. `name` must be one path component, unique among running executions
    /// (the execution id). On failure nothing is left behind.
    ///
    /// - v1: `memory.limit_in_bytes`, `memory.memsw.limit_in_bytes` when swap accounting is
    ///   on (so swap cannot bypass the limit), `pids.max`.
    /// - v2: `memory.max`, `memory.swap.max` = 0 when swap is accounted, `pids.max`,
    ///   `memory.oom.group` = 1 (an OOM kill takes the whole execution).
    public func create(name: String, memoryLimitBytes: Int, pidsLimit: Int) throws(JailError) -> ExecutionCgroup {
        precondition(
            !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.hasPrefix("cgroup."),
            "a cgroup name is one path component"
        )
        precondition(memoryLimitBytes > 0 && pidsLimit > 0, "cgroup limits are positive")
        let directories = executionParents.map { $0 + "/" + name }
        var made: [String] = []
        var opened: [Int32] = []
        do throws(JailError) {
            for directory in directories {
                let error = directoryOperations.make(directory)
                if error != 0 { throw JailError(step: "create the cgroup \(directory)", errno: error) }
                made.append(directory)
            }
            let memory = directories[0]
            let pids = directories[directories.count - 1]
            var settings: [(directory: String, file: String, value: String, optional: Bool)]
            switch version {
            case .v1:
                // memsw is memory + swap and may not be set below memory: memory goes first.
                settings = [
                    (memory, "memory.limit_in_bytes", String(memoryLimitBytes), false),
                    (memory, "memory.memsw.limit_in_bytes", String(memoryLimitBytes), true),
                    (pids, "pids.max", String(pidsLimit), false),
                ]
            case .v2:
                settings = [
                    (memory, "memory.max", String(memoryLimitBytes), false),
                    (memory, "memory.swap.max", "0", true),
                    (pids, "pids.max", String(pidsLimit), false),
                    (memory, "memory.oom.group", "1", true),
                ]
            }
            for setting in settings {
                let path = setting.directory + "/" + setting.file
                if setting.optional && !CgroupFile.exists(path) { continue }
                let error = CgroupFile.write(setting.value, to: path)
                if error != 0 {
                    throw JailError(step: "write \(setting.file) of the cgroup \(setting.directory)", errno: error)
                }
            }
            var directoryFD: Int32?
            if version == .v2 {
                let fd = open(memory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if fd < 0 { throw JailError(step: "open the cgroup \(memory)", errno: errno) }
                opened.append(fd)
                directoryFD = fd
            }
            var procsFDs: [Int32] = []
            for directory in directories {
                let fd = open(directory + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
                if fd < 0 { throw JailError(step: "open cgroup.procs of the cgroup \(directory)", errno: errno) }
                opened.append(fd)
                procsFDs.append(fd)
            }
            return ExecutionCgroup(
                name: name, version: version, directories: directories, directoryFD: directoryFD,
                procsFDs: procsFDs, directoryOperations: directoryOperations
            )
        } catch {
            for fd in opened { _ = close(fd) }
            for directory in made.reversed() { _ = directoryOperations.remove(directory) }
            throw error
        }
    }

    /// Removes every per-execution cgroup and, under v1, the parent directories themselves;
    /// used by the tests to clean up a private parent. Members are killed first.
    func removeAll() throws(JailError) {
        for name in Set(executionParents.flatMap(CgroupFile.subdirectories(of:))).sorted() {
            let leaves = executionParents.map { $0 + "/" + name }.filter(CgroupFile.exists)
            try ExecutionCgroup.remove(directories: leaves, version: version, operations: directoryOperations)
        }
        if version == .v1 {
            for parent in executionParents {
                let error = directoryOperations.remove(parent)
                if error != 0 && error != ENOENT { throw JailError(step: "remove the cgroup \(parent)", errno: error) }
            }
        }
    }
}

extension CgroupHost {
    /// Makes (or reuses) the daemon's parent cgroup(s) and removes per-execution cgroups that
    /// a crashed daemon left behind (killing their members). Call once at start-up, before
    /// any execution; idempotent. Only one daemon may use a given parent.
    ///
    /// - v1: mkdir `<memoryRoot>/<parentName>` and `<pidsRoot>/<parentName>`; turns on
    ///   `memory.use_hierarchy` where the kernel still has it off.
    /// - v2 (`parentName` is not used): cgroup v2 allows no processes in a cgroup that hands
    ///   controllers to children, so this moves every process of the daemon's cgroup (the
    ///   daemon itself and anything it already started) into the leaf `<subtree>/supervisor`,
    ///   writes "+memory +pids" to `<subtree>/cgroup.subtree_control`, makes
    ///   `<subtree>/executions` and writes the same to its `cgroup.subtree_control`.
    public func prepare(parentName: String = "warden") throws(JailError) -> CgroupParent {
        precondition(!parentName.isEmpty && !parentName.contains("/"), "the parent name is one path component")
        let parents: [String]
        let version: ExecutionCgroup.Version
        switch kind {
        case .unavailable(let reason):
            throw JailError(step: "prepare cgroups (\(reason))", errno: ENOTSUP)
        case .v1(let memoryRoot, let pidsRoot):
            version = .v1
            parents = [memoryRoot + "/" + parentName, pidsRoot + "/" + parentName]
            for parent in parents { try makeDirectory(parent) }
            let hierarchy = parents[0] + "/memory.use_hierarchy"
            if let text = CgroupFile.read(hierarchy), CgroupFile.integer(text) == 0 {
                let error = CgroupFile.write("1", to: hierarchy)
                if error != 0 { throw JailError(step: "turn on memory.use_hierarchy in \(parents[0])", errno: error) }
            }
        case .v2(let subtree):
            version = .v2
            let supervisor = subtree + "/" + CgroupParent.supervisorLeaf
            let executions = subtree + "/" + CgroupParent.executionsNode
            try makeDirectory(supervisor)
            try moveEveryProcess(from: subtree, into: supervisor)
            try enableControllers(in: subtree)
            try makeDirectory(executions)
            try enableControllers(in: executions)
            parents = [executions]
        }

        // Stale per-execution cgroups: the daemon has just started, so every one is stale.
        var removed: [String] = []
        var left: [String] = []
        for name in Set(parents.flatMap(CgroupFile.subdirectories(of:))).sorted() {
            let leaves = parents.map { $0 + "/" + name }.filter(CgroupFile.exists)
            do {
                try ExecutionCgroup.remove(directories: leaves, version: version, operations: directories)
                removed.append(name)
            } catch {
                left.append("\(name): \(error)")
            }
        }
        return CgroupParent(
            version: version, executionParents: parents, staleRemoved: removed, staleLeft: left,
            directoryOperations: directories
        )
    }

    private func makeDirectory(_ path: String) throws(JailError) {
        let error = directories.make(path)
        if error != 0 && error != EEXIST { throw JailError(step: "create the cgroup \(path)", errno: error) }
    }

    /// Each pid goes in its own write (cgroupfs moves one process per write); ours first.
    private func moveEveryProcess(from subtree: String, into supervisor: String) throws(JailError) {
        let own = getpid()
        let others = (CgroupFile.read(subtree + "/cgroup.procs").map(CgroupFile.pids) ?? []).filter { $0 != own }
        let path = supervisor + "/cgroup.procs"
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        if fd < 0 { throw JailError(step: "open \(path)", errno: errno) }
        defer { _ = close(fd) }
        for pid in [own] + others {
            let error = CgroupFile.write("\(pid)\n", fd: fd)
            // ESRCH: the process ended since the list was read.
            if error != 0 && error != ESRCH {
                throw JailError(step: "move process \(pid) into the cgroup \(supervisor)", errno: error)
            }
        }
    }

    private func enableControllers(in directory: String) throws(JailError) {
        let path = directory + "/cgroup.subtree_control"
        let error = CgroupFile.write("+memory +pids", to: path)
        if error != 0 { throw JailError(step: "enable memory and pids in \(path)", errno: error) }
    }
}

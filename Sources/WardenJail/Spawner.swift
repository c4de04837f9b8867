import CWardenJail

#if canImport(Glibc)
import Glibc
#endif

/// Starts worker processes through the C shim: one call, everything prepared before it.
public enum Spawner {
    private static let stepNames: [Int32: String] = [
        1: "reset the signal mask", 2: "create a process group", 3: "set up descriptors",
        4: "enter the work directory", 5: "set resource limits", 6: "set no_new_privs",
        7: "execute the interpreter", 8: "create the process", 9: "create the error pipe",
        10: "open a pidfd", 11: "write the user namespace maps", 12: "wait for the user namespace maps",
        13: "join the cgroup", 14: "make the mounts private", 15: "mount the root tmpfs",
        16: "build the worker's filesystem", 17: "pivot into the new root", 18: "make the root read-only",
        19: "set the hostname", 20: "drop capabilities", 21: "clear supplementary groups",
        22: "switch to the execution's gid", 23: "switch to the execution's uid", 24: "load the seccomp filter",
        25: "enter the Landlock domain",
    ]

    /// The most filesystem operations one spawn can perform (`FilesystemPlan.operations`).
    public static let maxMountOperations = Int(WJ_MAX_MOUNT_OPS)

    /// Spawns the process described by `spec`. Throws with the failed step and errno; on
    /// failure no child is left behind.
    public static func spawn(_ spec: SpawnSpec) throws(JailError) -> ChildProcess {
        precondition(spec.descriptors.count <= Int(WJ_MAX_FDS), "too many descriptors for the shim")
        precondition(spec.limits.count <= Int(WJ_MAX_RLIMITS), "too many rlimits for the shim")
        precondition((spec.filesystem?.operations.count ?? 0) <= Int(WJ_MAX_MOUNT_OPS), "too many mount operations")

        // All C memory is allocated here, before the call, and freed after it returns; the
        // child only reads its copy of it until exec. `arena` owns every C string.
        var arena = CStringArena()
        defer { arena.free() }

        var args = wj_spawn_args()
        args.path = arena.string(spec.executable)
        args.argv = UnsafePointer(arena.array(spec.arguments))
        args.envp = UnsafePointer(arena.array(spec.environment))
        args.cwd = spec.workingDirectory.map { arena.string($0) }
        args.n_fds = Int32(spec.descriptors.count)
        withUnsafeMutableBytes(of: &args.fds) { raw in
            let fds = raw.bindMemory(to: Int32.self)
            for index in fds.indices { fds[index] = index < spec.descriptors.count ? spec.descriptors[index] : -1 }
        }
        args.n_rlimits = Int32(spec.limits.count)
        withUnsafeMutableBytes(of: &args.rlimits) { raw in
            let limits = raw.bindMemory(to: wj_rlimit.self)
            for (index, limit) in spec.limits.enumerated() {
                limits[index] = wj_rlimit(resource: limit.resource, soft: limit.soft, hard: limit.hard)
            }
        }
        args.new_process_group = spec.newProcessGroup ? 1 : 0
        args.no_new_privs = spec.noNewPrivileges ? 1 : 0
        args.namespaces = spec.namespaces.rawValue
        args.uid_map = spec.userNamespaceMaps.map { arena.string($0.uid) }
        args.gid_map = spec.userNamespaceMaps.map { arena.string($0.gid) }
        args.allow_setgroups = spec.allowSetgroups ? 1 : 0

        args.cgroup_dir_fd = -1
        args.n_cgroup_procs_fds = 0
        switch spec.cgroup {
        case .directory(let fd):
            args.cgroup_dir_fd = fd
        case .procsFiles(let fds):
            precondition(fds.count <= Int(WJ_MAX_CGROUP_FDS), "too many cgroup.procs descriptors")
            args.n_cgroup_procs_fds = Int32(fds.count)
            withUnsafeMutableBytes(of: &args.cgroup_procs_fds) { raw in
                let slots = raw.bindMemory(to: Int32.self)
                for (index, fd) in fds.enumerated() { slots[index] = fd }
            }
        case nil:
            break
        }

        if let filesystem = spec.filesystem {
            args.new_root = arena.string(filesystem.newRoot)
            args.n_mount_ops = Int32(filesystem.operations.count)
            withUnsafeMutableBytes(of: &args.mount_ops) { raw in
                let ops = raw.bindMemory(to: wj_mount_op.self)
                for (index, operation) in filesystem.operations.enumerated() {
                    ops[index] = lower(operation, root: filesystem.newRoot, arena: &arena)
                }
            }
        }
        args.hostname = spec.hostname.map { arena.string($0) }
        if let identity = spec.identity {
            args.change_ids = 1
            args.uid = identity.uid
            args.gid = identity.gid
        }
        args.drop_capabilities = spec.dropCapabilities ? 1 : 0
        args.landlock_scoped = spec.landlock?.scoped ?? 0
        args.landlock_handled_net = spec.landlock?.handledNetwork ?? 0

        var result = wj_spawn_result()
        let rc: Int32
        if let filter = spec.seccompFilter {
            precondition(filter.count % 8 == 0 && filter.count / 8 <= Int(UInt16.max), "malformed seccomp program")
            rc = filter.withUnsafeBytes { bytes in
                args.seccomp_filter = bytes.baseAddress
                args.seccomp_instructions = UInt16(filter.count / 8)
                return wj_spawn(&args, &result)
            }
        } else {
            rc = wj_spawn(&args, &result)
        }
        if rc != 0 {
            var step = stepNames[result.failed_step] ?? "spawn (step \(result.failed_step))"
            if result.failed_op >= 0, let operations = spec.filesystem?.operations,
                Int(result.failed_op) < operations.count
            {
                step += " (\(operations[Int(result.failed_op)]))"
            }
            throw JailError(step: step, errno: result.error)
        }
        return ChildProcess(pid: result.pid, pidfd: result.pidfd)
    }

    private static func lower(_ operation: MountOperation, root: String, arena: inout CStringArena) -> wj_mount_op {
        func path(_ inside: String) -> UnsafePointer<CChar> { arena.string(root + inside) }
        switch operation {
        case .directory(let at):
            return wj_mount_op(kind: Int32(WJ_OP_MKDIR.rawValue), source: nil, target: path(at), data: nil)
        case .file(let at):
            return wj_mount_op(kind: Int32(WJ_OP_TOUCH.rawValue), source: nil, target: path(at), data: nil)
        case .symlink(let target, let at):
            return wj_mount_op(kind: Int32(WJ_OP_SYMLINK.rawValue), source: arena.string(target), target: path(at), data: nil)
        case .bindReadOnly(let source, let at):
            return wj_mount_op(kind: Int32(WJ_OP_BIND_RO.rawValue), source: arena.string(source), target: path(at), data: nil)
        case .bindReadWrite(let source, let at):
            return wj_mount_op(kind: Int32(WJ_OP_BIND_RW.rawValue), source: arena.string(source), target: path(at), data: nil)
        case .bindDevice(let source, let at):
            return wj_mount_op(kind: Int32(WJ_OP_BIND_DEV.rawValue), source: arena.string(source), target: path(at), data: nil)
        case .tmpfs(let at, let options):
            return wj_mount_op(kind: Int32(WJ_OP_TMPFS.rawValue), source: nil, target: path(at), data: arena.string(options))
        case .proc(let at):
            return wj_mount_op(kind: Int32(WJ_OP_PROC.rawValue), source: nil, target: path(at), data: nil)
        }
    }
}

/// Owns the C strings and arrays handed to the shim; freed in one place after the call.
struct CStringArena {
    private var strings: [UnsafeMutablePointer<CChar>] = []
    private var arrays: [UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>] = []

    mutating func string(_ value: String) -> UnsafePointer<CChar> {
        let copy = strdup(value)!
        strings.append(copy)
        return UnsafePointer(copy)
    }

    mutating func array(_ values: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: values.count + 1)
        for (index, value) in values.enumerated() {
            let copy = strdup(value)!
            strings.append(copy)
            array[index] = copy
        }
        array[values.count] = nil
        arrays.append(array)
        return array
    }

    mutating func free() {
        for string in strings { Glibc.free(string) }
        for array in arrays { array.deallocate() }
        strings.removeAll()
        arrays.removeAll()
    }
}

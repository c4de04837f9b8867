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
        10: "open a pidfd",
    ]

    /// Spawns the process described by `spec`. Throws with the failed step and errno; on
    /// failure no child is left behind.
    public static func spawn(_ spec: SpawnSpec) throws(JailError) -> ChildProcess {
        precondition(spec.descriptors.count <= Int(WJ_MAX_FDS), "too many descriptors for the shim")
        precondition(spec.limits.count <= Int(WJ_MAX_RLIMITS), "too many rlimits for the shim")

        // All C memory is allocated here, before the call, and freed after it returns; the
        // child only reads it (its copy of our address space) until exec.
        let path = strdup(spec.executable)!
        let cwd = spec.workingDirectory.map { strdup($0)! }
        let argv = cStringArray(spec.arguments)
        let envp = cStringArray(spec.environment)
        defer {
            free(path)
            if let cwd { free(cwd) }
            freeCStringArray(argv)
            freeCStringArray(envp)
        }

        var args = wj_spawn_args()
        args.path = UnsafePointer(path)
        args.argv = UnsafePointer(argv)
        args.envp = UnsafePointer(envp)
        args.cwd = cwd.map { UnsafePointer($0) }
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

        var result = wj_spawn_result()
        if wj_spawn(&args, &result) != 0 {
            throw JailError(step: stepNames[result.failed_step] ?? "spawn (step \(result.failed_step))", errno: result.error)
        }
        return ChildProcess(pid: result.pid, pidfd: result.pidfd)
    }

    private static func cStringArray(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { array[index] = strdup(string) }
        array[strings.count] = nil
        return array
    }

    private static func freeCStringArray(_ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        var index = 0
        while let string = array[index] {
            free(string)
            index += 1
        }
        array.deallocate()
    }
}

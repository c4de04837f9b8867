import Foundation
import Logging
import WardenJail
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The kernel layers this daemon applies to every worker, decided once at start from what the
/// host allows, and reported layer by layer (health, doctor, start-up log). Nothing is skipped
/// silently: a layer that is off says why.
struct Confinement: Sendable {
    enum Mode: Sendable, Equatable {
        /// Root: namespaces without a user namespace, and a uid/gid of its own per execution.
        case privileged
        /// Unprivileged: a user namespace maps the daemon's own uid; the other namespaces,
        /// seccomp, rlimits and the capability drop still apply.
        case userNamespace(uid: UInt32, gid: UInt32)
        /// Development only (WARDEN_ALLOW_UNCONFINED=1): process, rlimits, no_new_privs, seccomp.
        case unconfined(reason: String)
    }

    let mode: Mode
    let namespaces: Namespaces
    let cgroups: CgroupParent?
    let cgroupProblem: String?
    let stage1: SeccompProgram
    let stage2: SeccompProgram
    /// The zygotes' own filter (`SeccompPolicy.zygote()`), and what their workers add to it
    /// (`SeccompPolicy.zygoteWorker()`: the two rules of stage 1 it lacks).
    let zygoteFilter: SeccompProgram
    let zygoteWorkerFilter: SeccompProgram
    /// Empty directory the worker's root is built on (inside its own mount namespace).
    let rootfsDirectory: String
    /// Host directory holding harness.py, bound read-only at /run/warden.
    let harnessDirectory: String
    /// The executions' uids: the configured range but its first uid, which the zygotes run as.
    let identities: IdentityPool?
    /// Root only: the host uid (and gid) of the zygotes, the first of the configured range.
    let zygoteUID: UInt32?
    /// The Landlock domain every worker enters (nil: the kernel offers none; see `landlockProblem`).
    let landlock: LandlockRestriction?
    let landlockProblem: String?

    var isConfined: Bool {
        if case .unconfined = mode { return false }
        return true
    }

    /// Decides and prepares the layers. Throws when the host cannot confine workers and the
    /// operator did not explicitly allow running without.
    static func prepare(
        stateDirectory: String, harnessDirectory: String, uidBase: UInt32, uidCount: Int, allowUnconfined: Bool,
        forceUnconfined: Bool = false, logger: Logger
    ) throws -> Confinement {
        let stage1 = try SeccompCompiler.compile(.stage1(allowNetwork: false))
        let stage2 = try SeccompCompiler.compile(.stage2(allowSubprocess: false))
        let zygoteFilter = try SeccompCompiler.compile(.zygote())
        let zygoteWorkerFilter = try SeccompCompiler.compile(.zygoteWorker())
        let rootfs = stateDirectory + "/rootfs"
        if mkdir(rootfs, 0o755) != 0 && errno != EEXIST {
            throw JailError(step: "create the rootfs directory \(rootfs)", errno: errno)
        }

        var mode: Mode
        var identities: IdentityPool?
        if geteuid() == 0 {
            mode = .privileged
            identities = IdentityPool(base: uidBase + 1, count: uidCount - 1)
        } else {
            mode = .userNamespace(uid: getuid(), gid: getgid())
        }
        var namespaces: Namespaces = mode == .privileged ? .allButUser : Namespaces.allButUser.union(.user)
        let problem =
            forceUnconfined
            ? "disabled by the operator (WARDEN_ALLOW_UNCONFINED=force)"
            : probe(mode: mode, namespaces: namespaces, rootfs: rootfs, harness: harnessDirectory)
        if let problem {
            guard allowUnconfined || forceUnconfined else {
                throw JailError(
                    step: "confine workers on this host (\(problem)); set WARDEN_ALLOW_UNCONFINED=1 only for development",
                    errno: EPERM
                )
            }
            logger.critical("workers run WITHOUT namespaces: WARDEN_ALLOW_UNCONFINED is set", metadata: ["reason": "\(problem)"])
            mode = .unconfined(reason: problem)
            namespaces = []
            identities = nil
        }

        var cgroups: CgroupParent?
        var cgroupProblem: String?
        switch CgroupHost.detect().kind {
        case .unavailable(let reason):
            cgroupProblem = reason
        default:
            do {
                // One parent per state directory: a restarted daemon cleans up its own stale
                // executions, never those of another daemon on the same host.
                let parent = try CgroupHost.detect().prepare(parentName: cgroupParentName(stateDirectory: stateDirectory))
                for stale in parent.staleRemoved { logger.notice("removed a stale execution cgroup", metadata: ["cgroup": "\(stale)"]) }
                for stale in parent.staleLeft { logger.error("could not remove a stale execution cgroup", metadata: ["cgroup": "\(stale)"]) }
                cgroups = parent
            } catch {
                cgroupProblem = "\(error)"
            }
        }
        var landlock: LandlockRestriction?
        var landlockProblem: String?
        switch Landlock.abi() {
        case .success(let abi):
            landlock = LandlockRestriction.strongest(abi: abi)
            if landlock == nil { landlockProblem = "Landlock ABI \(abi) has neither network rules (ABI 4) nor scopes (ABI 6)" }
        case .failure(let error):
            landlockProblem = "\(error)"
        }
        return Confinement(
            mode: mode, namespaces: namespaces, cgroups: cgroups, cgroupProblem: cgroupProblem, stage1: stage1,
            stage2: stage2, zygoteFilter: zygoteFilter, zygoteWorkerFilter: zygoteWorkerFilter, rootfsDirectory: rootfs,
            harnessDirectory: harnessDirectory,
            identities: identities, zygoteUID: mode == .privileged ? uidBase : nil, landlock: landlock,
            landlockProblem: landlockProblem
        )
    }

    /// The uid and gid maps of a zygote's user namespace. Root: the zygote is uid 0 there,
    /// mapped to the first uid of the range, and the executions' uids are mapped one to one
    /// (namespace uid n is host uid `zygoteUID + n`). Nil unless the daemon is root: zygotes
    /// need a uid per execution apart from their own.
    var zygoteMaps: (uid: String, gid: String)? {
        guard mode == .privileged, let zygoteUID, let identities else { return nil }
        let map = "0 \(zygoteUID) 1\n1 \(identities.base) \(identities.count)\n"
        return (map, map)
    }

    /// The identity of an execution's host uid inside a zygote's user namespace.
    func zygoteNamespaceID(hostUID: UInt32?) -> UInt32 {
        guard let hostUID, let zygoteUID else { return 0 }
        return hostUID - zygoteUID
    }

    /// `warden-<hash of the state directory>`, stable across restarts of the same daemon.
    static func cgroupParentName(stateDirectory: String) -> String {
        let path = (stateDirectory as NSString).standardizingPath
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return "warden-" + String(hash, radix: 16)
    }

    /// Removes the (empty) v1 parent cgroups at shutdown, best effort.
    func releaseCgroupParents() {
        guard let cgroups, cgroups.version == .v1 else { return }
        for parent in cgroups.executionParents { _ = rmdir(parent) }
    }

    /// Spawns `/bin/true` with the namespaces and filesystem the workers get; nil when it works,
    /// else the reason.
    private static func probe(mode: Mode, namespaces: Namespaces, rootfs: String, harness: String) -> String? {
        let owner: (UInt32, UInt32) = {
            if case .userNamespace(let uid, let gid) = mode { return (uid, gid) }
            return (65534, 65534)
        }()
        var spec = SpawnSpec(
            executable: "/bin/true", arguments: ["true"], environment: [], workingDirectory: "/",
            descriptors: [], limits: [], namespaces: namespaces,
            filesystem: WorkerRootfs.plan(newRoot: rootfs, harnessSource: harness, workBytes: 1 << 20, owner: owner),
            hostname: "warden", dropCapabilities: true
        )
        if case .userNamespace(let uid, let gid) = mode {
            spec.userNamespaceMaps = ("\(uid) \(uid) 1\n", "\(gid) \(gid) 1\n")
        } else {
            spec.identity = (65534, 65534)
        }
        do {
            let child = try Spawner.spawn(spec)
            defer { child.close() }
            let exit = try child.reap()
            return exit.reason == .exited(0) ? nil : "a probe worker ended with \(exit.reason)"
        } catch {
            return "\(error)"
        }
    }

    /// The layers, for /v1/health, doctor and the start-up log.
    var layers: [HealthReport.Layer] {
        var layers: [HealthReport.Layer] = [
            .init(
                name: "process", active: true,
                detail: "a new worker process per execution, never reused (forked by a confined zygote when the daemon is root)"
            ),
            .init(name: "rlimits", active: true, detail: "address space, CPU, processes, file size, open files, no core dumps"),
            .init(name: "no_new_privs", active: true, detail: "set before exec (inherited by zygote workers)"),
            .init(
                name: "seccomp", active: true,
                detail: "stage 1 before exec (\(stage1.instructionCount) instructions), stage 2 before user code (execve denied)"
            ),
        ]
        switch mode {
        case .privileged:
            layers += [
                .init(name: "namespaces", active: true, detail: namespaces.names.joined(separator: ", ")),
                .init(name: "uid_separation", active: true, detail: "a uid/gid of its own per execution from \(identities!.base)"),
                .init(name: "capabilities", active: true, detail: "every set cleared, bounding set dropped"),
                .init(name: "filesystem", active: true, detail: "read-only system view, private /proc, size-capped tmpfs /work"),
            ]
        case .userNamespace(let uid, _):
            layers += [
                .init(name: "namespaces", active: true, detail: namespaces.names.joined(separator: ", ")),
                .init(
                    name: "uid_separation", active: false,
                    detail: "the daemon is not root: every execution runs as uid \(uid) inside its own user namespace"
                ),
                .init(name: "capabilities", active: true, detail: "every set cleared, bounding set dropped"),
                .init(name: "filesystem", active: true, detail: "read-only system view, private /proc, size-capped tmpfs /work"),
            ]
        case .unconfined(let reason):
            layers += [
                .init(name: "namespaces", active: false, detail: reason),
                .init(name: "uid_separation", active: false, detail: reason),
                .init(name: "capabilities", active: false, detail: reason),
                .init(name: "filesystem", active: false, detail: "workers see the host filesystem: \(reason)"),
            ]
        }
        if let cgroups {
            layers.append(
                .init(
                    name: "cgroups", active: true,
                    detail: "\(cgroups.version == .v2 ? "v2" : "v1") memory and pids cap per execution under \(cgroups.executionParents.joined(separator: ", "))"
                )
            )
        } else {
            layers.append(
                .init(
                    name: "cgroups", active: false,
                    detail: "\(cgroupProblem ?? "unavailable"); memory is capped by RLIMIT_AS and processes by RLIMIT_NPROC and PID-namespace teardown"
                )
            )
        }
        if let landlock {
            layers.append(.init(name: "landlock", active: true, detail: landlock.summary + " (the mount namespace is the filesystem layer)"))
        } else {
            layers.append(.init(name: "landlock", active: false, detail: landlockProblem ?? "unavailable"))
        }
        return layers
    }
}

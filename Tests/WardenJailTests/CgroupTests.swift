import Foundation
import Testing

@testable import WardenJail

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Helpers

/// The host's real cgroup situation, detected once.
private let realHost = CgroupHost.detect()

private var realHostIsV1: Bool {
    if case .v1 = realHost.kind { return true }
    return false
}

private func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
}

/// A private parent (never the daemon's "warden", which a running wardend may own), removed
/// with everything in it afterwards, even when the body fails.
private func withTestParent<T>(_ body: (CgroupParent) throws -> T) throws -> T {
    let parent = try realHost.prepare(parentName: uniqueName("warden-test"))
    defer {
        do { try parent.removeAll() } catch { Issue.record("could not clean up the test parent: \(error)") }
    }
    return try body(parent)
}

/// One execution cgroup, removed afterwards even when the body fails.
private func withExecution<T>(
    memory: Int = 50 << 20, pids: Int = 5, _ body: (ExecutionCgroup) throws -> T
) throws -> T {
    try withTestParent { parent in
        let cgroup = try parent.create(name: uniqueName("test"), memoryLimitBytes: memory, pidsLimit: pids)
        defer {
            do { try cgroup.remove() } catch { Issue.record("could not remove the test cgroup: \(error)") }
        }
        return try body(cgroup)
    }
}

/// A `/bin/sh -c script` child with a pipe on its stdin, stdout/stderr to /dev/null and
/// `extra` descriptors from fd 3 on; killed and reaped when the body is done.
private func withShell<T>(
    _ script: String, extra: [Int32] = [], cgroup: CgroupAttachment? = nil,
    _ body: (ChildProcess, _ stdin: Int32) throws -> T
) throws -> T {
    let input = try Descriptors.pipe()
    let devnull = open("/dev/null", O_RDWR | O_CLOEXEC)
    defer { Descriptors.close(devnull) }
    let spec = SpawnSpec(
        executable: "/bin/sh", arguments: ["sh", "-c", script], environment: ["PATH=/usr/bin:/bin"],
        workingDirectory: "/", descriptors: [input.read, devnull, devnull] + extra, limits: [], cgroup: cgroup
    )
    let child: ChildProcess
    do {
        child = try Spawner.spawn(spec)
    } catch {
        Descriptors.close(input.read)
        Descriptors.close(input.write)
        throw error
    }
    Descriptors.close(input.read)
    defer {
        Descriptors.close(input.write)
        child.signal(SIGKILL)
        _ = try? child.reap()
        child.close()
    }
    return try body(child, input.write)
}

private func writeLine(_ fd: Int32) {
    _ = "go\n".withCString { write(fd, $0, 3) }
}

/// Polls `condition` for up to two seconds.
private func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<200 {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

// MARK: - Real cgroup v1 on this host

@Suite(
    .timeLimit(.minutes(1)),
    .enabled(if: realHostIsV1, "needs writable cgroup v1 memory and pids hierarchies (this host: \(realHost.kind))")
)
struct CgroupV1Tests {
    @Test func detectFindsTheV1Hierarchies() {
        guard case .v1(let memory, let pids) = realHost.kind else {
            Issue.record("expected v1, got \(realHost.kind)")
            return
        }
        #expect(FileManager.default.fileExists(atPath: memory + "/memory.limit_in_bytes"))
        #expect(FileManager.default.fileExists(atPath: pids + "/cgroup.procs"))
    }

    @Test func createSetsTheLimitsAndRemoveDeletesBothDirectories() throws {
        let directories = try withExecution(memory: 50 << 20, pids: 5) { cgroup in
            #expect(cgroup.version == .v1)
            #expect(cgroup.directories.count == 2)
            #expect(cgroup.directoryFD == nil)
            #expect(cgroup.procsFDs.count == 2)
            #expect(CgroupFile.read(cgroup.directories[0] + "/memory.limit_in_bytes") == "\(50 << 20)\n")
            #expect(CgroupFile.read(cgroup.directories[1] + "/pids.max") == "5\n")
            if FileManager.default.fileExists(atPath: cgroup.directories[0] + "/memory.memsw.limit_in_bytes") {
                #expect(CgroupFile.read(cgroup.directories[0] + "/memory.memsw.limit_in_bytes") == "\(50 << 20)\n")
            }

            try withShell("exec sleep 30") { child, _ in
                try cgroup.addProcess(child.pid)
                #expect(cgroup.memberPIDs() == [child.pid])
                try cgroup.killAll()
                #expect(try child.reap().reason == .signaled(SIGKILL))
                #expect(cgroup.memberPIDs().isEmpty)
            }
            try cgroup.remove()
            for directory in cgroup.directories {
                #expect(!FileManager.default.fileExists(atPath: directory), "\(directory) is still there")
            }
            return cgroup.directories
        }
        #expect(directories.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
    }

    @Test func theMemoryLimitOOMKillsAndThePeakIsNearIt() throws {
        let limit = 30 << 20
        try withExecution(memory: limit, pids: 5) { cgroup in
            try withShell("read x; exec /usr/bin/python3 -c 'b = bytearray(200*1024*1024)'") { child, stdin in
                // Moved in before it allocates: the shell waits for a line first.
                try cgroup.addProcess(child.pid)
                writeLine(stdin)
                #expect(try child.reap().reason == .signaled(SIGKILL))
            }
            #expect(cgroup.oomKilled())
            let peak = try #require(cgroup.peakMemoryBytes())
            #expect(peak > limit * 8 / 10 && peak <= limit + (1 << 20), "peak \(peak) for a limit of \(limit)")
        }
    }

    @Test func aProcessThatStaysBelowTheLimitIsNotOOMKilled() throws {
        try withExecution(memory: 50 << 20, pids: 5) { cgroup in
            try withShell("read x; exec /usr/bin/python3 -c 'b = bytearray(5*1024*1024)'") { child, stdin in
                try cgroup.addProcess(child.pid)
                writeLine(stdin)
                #expect(try child.reap().reason == .exited(0))
            }
            #expect(!cgroup.oomKilled())
            #expect(!cgroup.pidsLimitHit())
            let peak = try #require(cgroup.peakMemoryBytes())
            #expect(peak > 5 << 20 && peak < 50 << 20)
        }
    }

    @Test func thePidsLimitStopsForksAndKillAllEndsTheSurvivors() throws {
        try withExecution(memory: 50 << 20, pids: 3) { cgroup in
            try withShell("read x; for i in 1 2 3 4 5 6 7 8 9 10; do sleep 30 & done; wait") { child, stdin in
                try cgroup.addProcess(child.pid)
                writeLine(stdin)
                #expect(eventually { cgroup.pidsLimitHit() })
                #expect(cgroup.memberPIDs().count <= 3)
                try cgroup.killAll()
                #expect(cgroup.memberPIDs().isEmpty)
            }
        }
    }

    @Test func aForkBombEndsWithKillAll() throws {
        try withExecution(memory: 50 << 20, pids: 8) { cgroup in
            // Every process keeps forking; pids.max holds the number down, killAll ends it.
            try withShell("read x; b() { b & b & wait; }; b") { child, stdin in
                try cgroup.addProcess(child.pid)
                writeLine(stdin)
                #expect(eventually { cgroup.pidsLimitHit() })
                try cgroup.killAll()
                #expect(cgroup.memberPIDs().isEmpty)
            }
        }
    }

    @Test func writingZeroToCgroupProcsMovesTheWriter() throws {
        try withExecution { cgroup in
            // fd 3 and 4 are the memory and the pids cgroup.procs; the shell's own builtin
            // echo writes "0", so the shell (which then execs sleep, same pid) must join.
            try withShell("echo 0 >&3 && echo 0 >&4 && exec sleep 30", extra: cgroup.procsFDs) { child, _ in
                #expect(eventually { cgroup.memberPIDs() == [child.pid] })
                for directory in cgroup.directories {
                    let pids = CgroupFile.read(directory + "/cgroup.procs").map(CgroupFile.pids) ?? []
                    #expect(pids == [child.pid], "\(directory)")
                }
            }
        }
    }

    @Test func theSpawnerJoinsThroughTheAttachment() throws {
        try withExecution { cgroup in
            try withShell("exec sleep 30", cgroup: cgroup.attachment) { child, _ in
                // The shim joined before exec: membership holds as soon as spawn returns.
                #expect(cgroup.memberPIDs() == [child.pid])
            }
        }
    }

    @Test func prepareRemovesStaleExecutionCgroupsAndTheirProcesses() throws {
        let parentName = uniqueName("warden-test")
        let first = try realHost.prepare(parentName: parentName)
        defer { try? first.removeAll() }
        let stale = try first.create(name: "stale-1", memoryLimitBytes: 50 << 20, pidsLimit: 5)
        try withShell("exec sleep 30") { child, _ in
            try stale.addProcess(child.pid)
            // A "restarted daemon" prepares the same parent: the stale cgroup and its member go.
            let second = try realHost.prepare(parentName: parentName)
            #expect(second.staleRemoved == ["stale-1"])
            #expect(second.staleLeft.isEmpty)
            #expect(try child.reap().reason == .signaled(SIGKILL))
            for directory in stale.directories { #expect(!FileManager.default.fileExists(atPath: directory)) }
        }
    }
}

// MARK: - The v2 logic and detection over fake trees

/// Unit tests of the logic only: regular files and directories in a temporary directory
/// stand in for cgroupfs (a fake `mkdir` creates the interface files the kernel would), so
/// these prove what is read and written where, not what the kernel does with it.
@Suite(.timeLimit(.minutes(1)))
struct CgroupLogicTests {
    static let interfaceFiles = [
        "cgroup.procs", "cgroup.controllers", "cgroup.subtree_control", "cgroup.kill", "cgroup.events",
        "memory.max", "memory.swap.max", "memory.oom.group", "memory.peak", "memory.events", "pids.max",
        "pids.events",
    ]

    /// mkdir that also creates the interface files (empty; cgroup.controllers "memory pids"),
    /// and an rmdir that removes them first.
    static let fakeDirectories = CgroupDirectories(
        make: { path in
            if mkdir(path, 0o755) != 0 { return errno }
            for file in interfaceFiles {
                let text = file == "cgroup.controllers" ? "memory pids\n" : ""
                _ = FileManager.default.createFile(atPath: path + "/" + file, contents: Data(text.utf8))
            }
            return 0
        },
        remove: { path in
            for file in interfaceFiles { unlink(path + "/" + file) }
            return rmdir(path) == 0 ? 0 : errno
        }
    )

    /// A temporary directory, removed afterwards.
    private func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let path = NSTemporaryDirectory() + uniqueName("cgroup-fake")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    private func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true
        )
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    private func read(_ path: String) -> String? { CgroupFile.read(path) }

    /// A pure-v2 host as systemd lays it out, with the service's cgroup delegated.
    private func makeV2Tree(_ base: String, controllers: String = "cpu memory pids\n", mountOptions: String = "rw")
        throws -> FakeTree
    {
        let root = base + "/sys/fs/cgroup"
        let subtree = root + "/system.slice/wardend.service"
        try write(controllers, subtree + "/cgroup.controllers")
        try write("", subtree + "/cgroup.subtree_control")
        try write("\(getpid())\n4242\n", subtree + "/cgroup.procs")
        try write("0::/system.slice/wardend.service\n", base + "/proc-self-cgroup")
        try write(
            "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
                + "30 23 0:26 / \(root) \(mountOptions),nosuid,nodev - cgroup2 cgroup2 rw,nsdelegate\n",
            base + "/mountinfo"
        )
        return (root, base + "/proc-self-cgroup", base + "/mountinfo", subtree)
    }

    typealias FakeTree = (root: String, procSelfCgroup: String, mountInfo: String, subtree: String)

    private func detect(_ tree: FakeTree) -> CgroupHost {
        CgroupHost.detect(root: tree.root, procSelfCgroup: tree.procSelfCgroup, mountInfo: tree.mountInfo)
    }

    @Test func detectFindsTheDelegatedV2Subtree() throws {
        try withTemporaryDirectory { base in
            let tree = try makeV2Tree(base)
            let host = detect(tree)
            #expect(host.kind == .v2(subtree: tree.subtree))
        }
    }

    @Test func prepareMovesTheDaemonIntoALeafAndEnablesTheControllers() throws {
        try withTemporaryDirectory { base in
            let tree = try makeV2Tree(base)
            var host = detect(tree)
            host.directories = Self.fakeDirectories
            // A per-execution cgroup left by a crashed daemon.
            _ = Self.fakeDirectories.make(tree.subtree + "/executions")
            _ = Self.fakeDirectories.make(tree.subtree + "/executions/old-run")

            let parent = try host.prepare()
            #expect(parent.version == .v2)
            #expect(parent.executionParents == [tree.subtree + "/executions"])
            #expect(read(tree.subtree + "/cgroup.subtree_control") == "+memory +pids")
            #expect(read(tree.subtree + "/executions/cgroup.subtree_control") == "+memory +pids")
            // Our pid first, then everything else that was in the service's cgroup.
            #expect(read(tree.subtree + "/supervisor/cgroup.procs") == "\(getpid())\n4242\n")
            #expect(parent.staleRemoved == ["old-run"])
            #expect(!FileManager.default.fileExists(atPath: tree.subtree + "/executions/old-run"))
            // Idempotent: a second prepare reuses what is there.
            #expect(try host.prepare().executionParents == parent.executionParents)
        }
    }

    @Test func createWritesTheV2LimitsAndOpensTheDescriptors() throws {
        try withTemporaryDirectory { base in
            let tree = try makeV2Tree(base)
            var host = detect(tree)
            host.directories = Self.fakeDirectories
            let parent = try host.prepare()
            let cgroup = try parent.create(name: "exec-1", memoryLimitBytes: 64 << 20, pidsLimit: 16)
            let leaf = tree.subtree + "/executions/exec-1"
            #expect(cgroup.directories == [leaf])
            #expect(read(leaf + "/memory.max") == "\(64 << 20)")
            #expect(read(leaf + "/memory.swap.max") == "0")
            #expect(read(leaf + "/pids.max") == "16")
            #expect(read(leaf + "/memory.oom.group") == "1")
            let fd = try #require(cgroup.directoryFD)
            #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
            #expect(cgroup.procsFDs.count == 1)
            #expect(cgroup.attachment == .directory(fd))

            // A name in use fails and leaves the existing cgroup alone.
            #expect(throws: JailError.self) {
                try parent.create(name: "exec-1", memoryLimitBytes: 1 << 20, pidsLimit: 1)
            }
            #expect(read(leaf + "/pids.max") == "16")

            try cgroup.remove()
            #expect(read(leaf + "/cgroup.kill") == nil)
            #expect(!FileManager.default.fileExists(atPath: leaf))
        }
    }

    @Test func killAllWritesCgroupKillWhenThereAreMembers() throws {
        try withTemporaryDirectory { base in
            let tree = try makeV2Tree(base)
            var host = detect(tree)
            host.directories = Self.fakeDirectories
            let cgroup = try host.prepare().create(name: "exec-2", memoryLimitBytes: 1 << 20, pidsLimit: 4)
            let leaf = cgroup.directories[0]
            // A fake member that never leaves (a pid that cannot exist): kill is written,
            // the wait is bounded and ends in EBUSY.
            try write("2147483646\n", leaf + "/cgroup.procs")
            #expect(cgroup.memberPIDs() == [2_147_483_646])
            #expect {
                try cgroup.killAll()
            } throws: { error in
                (error as? JailError)?.errno == EBUSY
            }
            #expect(read(leaf + "/cgroup.kill") == "1")
            try write("", leaf + "/cgroup.procs")
            try cgroup.remove()
        }
    }

    @Test func theV2CountersAreParsed() throws {
        try withTemporaryDirectory { base in
            let tree = try makeV2Tree(base)
            var host = detect(tree)
            host.directories = Self.fakeDirectories
            let cgroup = try host.prepare().create(name: "exec-3", memoryLimitBytes: 30 << 20, pidsLimit: 3)
            let leaf = cgroup.directories[0]
            // Fresh: nothing happened.
            #expect(cgroup.peakMemoryBytes() == nil)
            #expect(!cgroup.oomKilled())
            #expect(!cgroup.pidsLimitHit())

            try write("31457280\n", leaf + "/memory.peak")
            try write("low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 1\n", leaf + "/memory.events")
            try write("max 4\n", leaf + "/pids.events")
            try write("17\n18\n17\n", leaf + "/cgroup.procs")
            #expect(cgroup.peakMemoryBytes() == 31_457_280)
            #expect(cgroup.oomKilled())
            #expect(cgroup.pidsLimitHit())
            #expect(cgroup.memberPIDs() == [17, 18])

            try write("low 0\nhigh 0\nmax 3\noom 0\noom_kill 0\n", leaf + "/memory.events")
            try write("max 0\n", leaf + "/pids.events")
            #expect(!cgroup.oomKilled())
            #expect(!cgroup.pidsLimitHit())
            try write("", leaf + "/cgroup.procs")
            try cgroup.remove()
        }
    }

    @Test func aHybridHostWithoutV2ControllersFallsBackToV1() throws {
        try withTemporaryDirectory { base in
            let root = base + "/cgroup"
            for directory in ["unified", "memory", "pids"] {
                try FileManager.default.createDirectory(
                    atPath: root + "/" + directory, withIntermediateDirectories: true
                )
            }
            try write("hugetlb\n", root + "/unified/cgroup.controllers")
            try write("0::/\n4:memory:/\n8:pids:/\n", base + "/proc-self-cgroup")
            try write(
                "35 31 0:32 / \(root)/memory rw,relatime - cgroup cgroup rw,memory\n"
                    + "39 31 0:36 / \(root)/pids rw,relatime - cgroup cgroup rw,pids\n"
                    + "41 31 0:38 / \(root)/unified rw,relatime - cgroup2 cgroup2 rw\n"
                    + "50 31 0:40 / /elsewhere/memory rw - cgroup cgroup rw,memory\n",
                base + "/mountinfo"
            )
            let host = CgroupHost.detect(
                root: root, procSelfCgroup: base + "/proc-self-cgroup", mountInfo: base + "/mountinfo"
            )
            #expect(host.kind == .v1(memoryRoot: root + "/memory", pidsRoot: root + "/pids"))
        }
    }

    @Test func nothingWritableIsUnavailableWithAReason() throws {
        try withTemporaryDirectory { base in
            // Everything read-only (as in a container that mounts /sys/fs/cgroup ro); access()
            // honours that even for root.
            let tree = try makeV2Tree(base, mountOptions: "ro")
            let root = tree.root
            try write(
                "30 23 0:26 / \(root) ro,nosuid,nodev - cgroup2 cgroup2 rw,nsdelegate\n"
                    + "35 31 0:32 / \(root)/memory ro,relatime - cgroup cgroup rw,memory\n"
                    + "39 31 0:36 / \(root)/pids ro,relatime - cgroup cgroup rw,pids\n",
                tree.mountInfo
            )
            let host = CgroupHost.detect(root: root, procSelfCgroup: tree.procSelfCgroup, mountInfo: tree.mountInfo)
            guard case .unavailable(let reason) = host.kind else {
                Issue.record("expected unavailable, got \(host.kind)")
                return
            }
            #expect(reason.hasPrefix("no writable cgroup hierarchy: "))
            #expect(reason.contains("\(tree.subtree) is not writable"))
            #expect(reason.contains("memory hierarchy at \(root)/memory is not writable"))
            #expect(throws: JailError.self) { try host.prepare() }
        }
    }

    @Test func missingControllersAndMountsAreNamedInTheReason() throws {
        try withTemporaryDirectory { base in
            let tree = try makeV2Tree(base, controllers: "cpu io\n")
            let host = detect(tree)
            let reason =
                "no writable cgroup hierarchy: the cgroup2 hierarchy at \(tree.subtree) lacks the memory and pids "
                + "controllers; no cgroup v1 memory hierarchy is mounted; no cgroup v1 pids hierarchy is mounted"
            #expect(host.kind == .unavailable(reason: reason))
            let nothing = CgroupHost.detect(
                root: tree.root, procSelfCgroup: tree.procSelfCgroup, mountInfo: base + "/absent"
            )
            #expect(nothing.kind == .unavailable(reason: "no writable cgroup hierarchy: could not read \(base)/absent"))
        }
    }

    @Test func aDaemonAlreadyInItsSupervisorLeafFindsItsSubtree() throws {
        try withTemporaryDirectory { base in
            let tree = try makeV2Tree(base)
            try write("0::/system.slice/wardend.service/supervisor\n", tree.procSelfCgroup)
            let host = detect(tree)
            #expect(host.kind == .v2(subtree: tree.subtree))
        }
    }

    @Test func mountinfoFieldsAreParsedAndUnescaped() {
        let entries = MountInfoEntry.parse(
            "41 31 0:38 /a\\040b /sys/fs/cgroup/un\\134ified rw,relatime shared:9 master:2 - "
                + "cgroup2 cgroup2 rw,nsdelegate\nbroken line\n"
        )
        #expect(
            entries == [
                MountInfoEntry(
                    root: "/a b", mountPoint: "/sys/fs/cgroup/un\\ified", mountOptions: ["rw", "relatime"],
                    filesystemType: "cgroup2", superOptions: ["rw", "nsdelegate"]
                )
            ]
        )
        #expect(CgroupHost.unifiedCgroupPath("12:pids:/x\n0::/system.slice/a.service\n") == "/system.slice/a.service")
        #expect(CgroupHost.unifiedCgroupPath("4:memory:/x\n") == nil)
    }
}

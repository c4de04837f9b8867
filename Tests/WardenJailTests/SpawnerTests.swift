import Foundation
import Testing
import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// Every way a spawned process can end, and every set-up step of the shim, on real processes.
@Suite(.timeLimit(.minutes(1)))
struct SpawnerTests {
    /// Runs `/bin/sh -c script` with stdin on /dev/null; returns the exit and the output.
    private func shell(
        _ script: String, limits: [ResourceLimit] = [], extra: [Int32] = []
    ) throws -> (ChildExit, String) {
        let devnull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { Descriptors.close(devnull) }
        return try runShell(script, stdin: devnull, extra: extra) { $0.limits = limits }
    }

    @Test func exitStatusesAreReported() throws {
        #expect(try shell("exit 0").0.reason == .exited(0))
        #expect(try shell("exit 1").0.reason == .exited(1))
        #expect(try shell("exit 3").0.reason == .exited(3))
    }

    @Test(arguments: [SIGTERM, SIGKILL, SIGSEGV, SIGSYS, SIGXCPU])
    func signalsAreReported(signal: Int32) throws {
        let (exit, _) = try shell("kill -\(signal) $$")
        #expect(exit.reason == .signaled(signal))
    }

    @Test func missingExecutableFailsWithItsStep() {
        let spec = SpawnSpec(
            executable: "/nonexistent/python", arguments: ["python"], environment: [], workingDirectory: nil,
            descriptors: [], limits: []
        )
        #expect {
            try Spawner.spawn(spec)
        } throws: { error in
            let jail = error as? JailError
            return jail?.errno == ENOENT && jail?.step == "execute the interpreter"
        }
    }

    @Test func nonExecutableFileFailsWithEACCES() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wj-noexec-\(getpid())").path
        try "#!/bin/sh\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        defer { unlink(path) }
        let spec = SpawnSpec(
            executable: path, arguments: ["x"], environment: [], workingDirectory: nil, descriptors: [], limits: []
        )
        #expect {
            try Spawner.spawn(spec)
        } throws: { error in
            (error as? JailError)?.errno == EACCES
        }
    }

    @Test func missingWorkingDirectoryFailsWithItsStep() {
        let spec = SpawnSpec(
            executable: "/bin/true", arguments: ["true"], environment: [], workingDirectory: "/nonexistent-dir",
            descriptors: [], limits: []
        )
        #expect {
            try Spawner.spawn(spec)
        } throws: { error in
            (error as? JailError)?.step == "enter the work directory"
        }
    }

    @Test func onlyTheHandedDescriptorsReachTheChild() throws {
        // Open a descriptor without CLOEXEC in the parent: it must still not leak.
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        let (_, output) = try shell("ls /proc/self/fd | sort -n | tr '\\n' ' '")
        // 0, 1, 2, and the directory ls itself opened.
        let fds = output.split(separator: " ").compactMap { Int($0) }
        #expect(fds.filter { $0 > 2 }.count <= 1, "descriptors in the child: \(output)")
        #expect(!fds.contains(Int(leaked)) || Int(leaked) <= 3)
    }

    @Test func descriptorsArePlacedAtTheirSlots() throws {
        let extra = try Descriptors.pipe()
        defer { Descriptors.close(extra.read) }
        let (exit, _) = try shell("echo report >&3", extra: [extra.write])
        Descriptors.close(extra.write)
        #expect(exit.reason == .exited(0))
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { read(extra.read, $0.baseAddress, $0.count) }
        #expect(String(decoding: buffer[0..<max(0, count)], as: UTF8.self) == "report\n")
    }

    @Test func memfdIsSealedAndReadable() throws {
        let fd = try Descriptors.sealedMemfd(name: "test", bytes: Array("input".utf8))
        defer { Descriptors.close(fd) }
        #expect(write(fd, "x", 1) < 0)
        let (_, output) = try shell("cat <&3", extra: [fd])
        #expect(output == "input")
    }

    @Test func resourceLimitsAreApplied() throws {
        let (_, files) = try shell("ulimit -n", limits: [.openFiles(37)])
        #expect(files == "37\n")
        let (_, core) = try shell("ulimit -c", limits: [.noCoreDumps])
        #expect(core == "0\n")
        let (_, cpu) = try shell("ulimit -t", limits: [.cpu(seconds: 5)])
        #expect(cpu == "5\n")
        // Writing past RLIMIT_FSIZE raises SIGXFSZ in a shell that does not ignore it.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wj-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (exit, _) = try shell("exec head -c 100000 /dev/zero > \(directory.path)/big", limits: [.fileSize(bytes: 1000)])
        #expect(exit.reason == .signaled(SIGXFSZ))
        let size = (try FileManager.default.attributesOfItem(atPath: directory.path + "/big")[.size] as? Int) ?? -1
        #expect(size == 1000)
    }

    @Test func cpuLimitEndsABusyLoop() throws {
        let (exit, _) = try shell("while :; do :; done", limits: [.cpu(seconds: 1)])
        #expect(exit.reason == .signaled(SIGXCPU) || exit.reason == .signaled(SIGKILL))
        #expect(exit.userSeconds + exit.systemSeconds >= 0.9)
    }

    @Test func childLeadsItsOwnProcessGroup() throws {
        let (_, output) = try shell("echo $$ $(cut -d' ' -f5 /proc/$$/stat)")
        let parts = output.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(parts.count == 2 && parts[0] == parts[1], "pid and pgid: \(output)")
    }

    @Test func groupSignalEndsDescendants() throws {
        let output = try Descriptors.pipe()
        defer { Descriptors.close(output.read) }
        let spec = SpawnSpec(
            executable: "/bin/sh", arguments: ["sh", "-c", "sleep 30 & echo $!; wait"],
            environment: ["PATH=/usr/bin:/bin"], workingDirectory: "/", descriptors: [-1, output.write, -1], limits: []
        )
        let child = try Spawner.spawn(spec)
        defer { child.close() }
        Descriptors.close(output.write)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { read(output.read, $0.baseAddress, $0.count) }
        let sleeper = try #require(Int32(String(decoding: buffer[0..<max(0, count)], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        child.signalGroup(SIGKILL)
        _ = try child.reap()
        // The grandchild is gone too (give the kernel a moment to reap it through init).
        var alive = true
        for _ in 0..<100 where alive {
            alive = kill(sleeper, 0) == 0 && !isZombie(sleeper)
            if alive { usleep(10_000) }
        }
        #expect(!alive)
    }

    private func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true
    }
}

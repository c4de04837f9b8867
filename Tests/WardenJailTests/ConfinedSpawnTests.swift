import Foundation
import Testing
import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// The kernel layers of a worker, observed from inside a real confined shell.
@Suite(.timeLimit(.minutes(1)))
struct ConfinedSpawnTests {
    static let uid: UInt32 = 2_000_000_123

    /// Runs `script` in /bin/sh with every layer the daemon uses as root; returns exit and output.
    private func confined(_ script: String, namespaces: Namespaces = .allButUser) throws -> (ChildExit, String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("wj-root-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let root = scratch.appendingPathComponent("root").path
        let harness = scratch.appendingPathComponent("harness").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: harness, withIntermediateDirectories: true)
        try "print('harness')\n".write(toFile: harness + "/harness.py", atomically: true, encoding: .utf8)
        // The worker's uid reads it whatever umask the test process has.
        chmod(harness + "/harness.py", 0o644)
        chmod(harness, 0o755)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let plan = WorkerRootfs.plan(
            newRoot: root, harnessSource: harness, workBytes: 1 << 20, owner: (Self.uid, Self.uid)
        )
        return try runShell(script, workingDirectory: WorkerRootfs.workDirectory) { spec in
            spec.namespaces = namespaces
            spec.filesystem = plan
            spec.hostname = "warden"
            spec.identity = (Self.uid, Self.uid)
            spec.dropCapabilities = true
        }
    }

    private var isRoot: Bool { geteuid() == 0 }

    @Test func runsAsItsOwnUidWithoutCapabilities() throws {
        try #require(isRoot, "needs root to switch uid; run the suite as root (CI does)")
        let (exit, output) = try confined("id -u; id -g; grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status; grep NoNewPrivs /proc/self/status")
        #expect(exit.reason == .exited(0), "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(Self.uid)")
        #expect(lines.dropFirst().first == "\(Self.uid)")
        for line in lines where line.hasPrefix("Cap") {
            #expect(line.hasSuffix("0000000000000000"), "\(line)")
        }
        #expect(lines.contains { $0.hasPrefix("NoNewPrivs:") && $0.hasSuffix("1") })
    }

    @Test func isPIDOneOfItsOwnNamespaceAndSeesNothingElse() throws {
        try #require(isRoot, "needs root for namespaces without a user namespace")
        let (_, output) = try confined("echo $$; ls /proc | grep -E '^[0-9]+$' | wc -l; hostname")
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "1", "\(output)")
        // sh itself and the ls/grep/wc pipeline: a handful, never the host's processes.
        #expect((Int(lines.dropFirst().first ?? "") ?? 999) < 8, "\(output)")
        #expect(lines.last == "warden")
    }

    @Test func seesOnlyTheMinimalFilesystem() throws {
        try #require(isRoot, "needs root for mount namespaces without a user namespace")
        let (_, output) = try confined("ls / | tr '\\n' ' '; ls /etc | tr '\\n' ' '")
        let entries = Set(output.split(separator: " ").map(String.init))
        #expect(!entries.contains("home"))
        #expect(!entries.contains("root"))
        #expect(!entries.contains("var"))
        #expect(!entries.contains("shadow"))
        #expect(!entries.contains("passwd"))
        #expect(entries.contains("usr"))
        #expect(entries.contains("work"))
    }

    @Test func onlyTheWorkDirectoryIsWritable() throws {
        try #require(isRoot, "needs root for mount namespaces without a user namespace")
        let (_, output) = try confined(
            "echo x > /work/ok && echo work-ok; echo x > /usr/evil 2>/dev/null || echo usr-denied; "
                + "echo x > /evil 2>/dev/null || echo root-denied; echo x > /run/warden/evil 2>/dev/null || echo harness-denied; "
                + "cat /run/warden/harness.py; echo x > /dev/null && echo devnull-ok"
        )
        #expect(output.contains("work-ok"), "\(output)")
        #expect(output.contains("usr-denied"))
        #expect(output.contains("root-denied"))
        #expect(output.contains("harness-denied"))
        #expect(output.contains("print('harness')"))
        #expect(output.contains("devnull-ok"))
    }

    @Test func workDirectoryHasASizeCap() throws {
        try #require(isRoot, "needs root for mount namespaces without a user namespace")
        let (_, output) = try confined("(head -c 2000000 /dev/zero > /work/big) 2>&1; echo status=$?")
        #expect(output.contains("No space left on device"), "\(output)")
    }

    @Test func hasNoNetwork() throws {
        try #require(isRoot, "needs root for network namespaces without a user namespace")
        let (_, output) = try confined("cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '")
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "lo", "\(output)")
    }
}

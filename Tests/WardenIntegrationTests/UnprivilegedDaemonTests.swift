import Foundation
import Testing
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The daemon run as an unprivileged user (`setpriv --reuid=nobody`) still contains its
/// workers: user namespace, own PID/mount/network namespaces, seccomp, rlimits.
@Suite(.timeLimit(.minutes(2)))
struct UnprivilegedDaemonTests {
    @Test func workersStayConfinedWithoutRoot() async throws {
        try #require(geteuid() == 0, "needs root to start the daemon as another user")
        try await withDaemon(asUser: "nobody") { daemon in
            let identity = try run(
                daemon, "import os\nprint(os.getpid(), os.getuid() != 0, sorted(os.listdir('/')))",
                extra: ["security_level": "permissive"]
            )
            #expect(identity.success, "\(identity.errorSummary ?? "")")
            #expect(identity.executionResult.stdout.hasPrefix("1 True "), "\(identity.executionResult.stdout)")
            #expect(!identity.executionResult.stdout.contains("home"))

            let network = try run(daemon, "import socket\nsocket.socket()", extra: ["security_level": "permissive"])
            #expect(network.errorCategory == .securityError)

            let memory = try run(daemon, "x = bytearray(10**9)", extra: ["limits": ["memory_mb": 100]])
            #expect(memory.errorCategory == .memoryError)

            let timeout = try run(daemon, "while True:\n    pass", extra: ["limits": ["timeout_seconds": 1]])
            #expect(timeout.errorCategory == .timeoutError)
            #expect(daemon.workerProcesses().isEmpty)

            let health = try daemon.client.get("/v1/health")
            let report = try JSONDecoder().decode(HealthReport.self, from: Data(health.body))
            #expect(report.layers.contains { $0.name == "uid_separation" && !$0.active })
            #expect(report.layers.contains { $0.name == "namespaces" && $0.active })
        }
    }
}

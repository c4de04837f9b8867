import Foundation
import Testing
import WardenClient
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The circuit breaker through the real daemon. Worker start-up is made to fail for real: the
/// daemon's interpreter is a symlink under /usr (which workers see read-only) that the test
/// moves away after the start and puts back later; each (cold) spawn then fails at exec.
@Suite(.timeLimit(.minutes(2)))
struct CircuitBreakerIntegrationTests {
    @Test(.enabled(if: getuid() == 0, "needs root to place an interpreter link under /usr/local/lib"))
    func failingWorkerStartsOpenTheCircuitAndItClosesWhenTheyStartAgain() async throws {
        let directory = "/usr/local/lib/warden-breaker-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let python = directory + "/python3"
        let away = directory + "/python3.away"
        try FileManager.default.createSymbolicLink(atPath: python, withDestinationPath: "/usr/bin/python3")
        let environment = [
            // Cold spawns only: a zygote already runs its interpreter, so it would go on forking.
            "WARDEN_WORKERS_WARM": "0", "WARDEN_WORKERS_ZYGOTES": "0", "WARDEN_WORKERS_BREAKER_FAILURES": "2",
            "WARDEN_WORKERS_BREAKER_OPEN_SECONDS": "1",
        ]
        try await withDaemon(arguments: ["--python", python], environment: environment) { daemon in
            #expect(try run(daemon, "print('up')").success)

            // Workers can no longer start: each request is a retryable system_error...
            #expect(rename(python, away) == 0)
            for _ in 0..<2 {
                let result = try run(daemon, "print(1)")
                #expect(result.errorCategory == .systemError)
                #expect(result.retryable)
            }
            // ...until the circuit opens: refused at once, 503 with Retry-After.
            let refused = try post(daemon, ["code": "print(1)"])
            #expect(refused.status == 503)
            #expect(Int(refused.headers["retry-after"] ?? "").map { (1...1).contains($0) } == true, "\(refused.headers)")
            let error = try errorBody(refused).error
            #expect(error.type == .systemError)
            #expect(error.retryable)
            var metrics = try daemon.metrics()
            #expect(metricValue(metrics, "warden_circuit_state") == 2)
            #expect(metricValue(metrics, "warden_rejections_total", labels: #"reason="circuit_open""#) == 1)
            #expect(metricValue(metrics, "warden_worker_start_failures_total") == 2)

            // Half-open: after the open time one request probes; it fails, so it opens again.
            usleep(1_200_000)
            let probe = try run(daemon, "print(1)")
            #expect(probe.errorCategory == .systemError)
            #expect(try post(daemon, ["code": "print(1)"]).status == 503)

            // Workers start again: the next probe closes the circuit.
            #expect(rename(away, python) == 0)
            var recovered: ExecutionResult?
            let deadline = Date().addingTimeInterval(15)
            while recovered == nil && Date() < deadline {
                let answer = try post(daemon, ["code": "print('back')"])
                if answer.status == 200 {
                    let result = try JSONDecoder().decode(ExecutionResult.self, from: Data(answer.body))
                    if result.success { recovered = result }
                } else {
                    #expect(answer.status == 503)
                    usleep(200_000)
                }
            }
            #expect(recovered?.executionResult.stdout == "back\n")
            metrics = try daemon.metrics()
            #expect(metricValue(metrics, "warden_circuit_state") == 0)
            #expect(try run(daemon, "print('again')").success)
            #expect(daemon.log.contains("circuit open: workers fail to start"))
            #expect(daemon.log.contains("circuit closed: workers start again"))
        }
    }
}

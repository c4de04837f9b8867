import Foundation
import Testing
import WardenClient
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Admission control through the real daemon: a flood past the queue is refused with 429 and
/// `Retry-After` while the accepted executions complete and are recorded.
@Suite(.timeLimit(.minutes(3)))
struct AdmissionLoadTests {
    static func body(_ code: String) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: ["code": code]))
    }

    @Test func aFloodPastTheQueueGets429WhileAcceptedExecutionsComplete() async throws {
        let environment = ["WARDEN_WORKERS_MAX_CONCURRENT": "2", "WARDEN_WORKERS_QUEUE_LENGTH": "2"]
        try await withDaemon(environment: environment) { daemon in
            let socket = daemon.socketPath
            let payload = Self.body("import time\ntime.sleep(1)\nprint('done')")
            let answers = concurrently(12) { _ in
                try? UnixHTTPClient(socketPath: socket, timeoutSeconds: 60).post("/v1/executions", body: payload)
            }
            #expect(answers.allSatisfy { $0 != nil }, "every request gets an answer")
            let accepted = answers.compactMap { $0 }.filter { $0.status == 200 }
            let refused = answers.compactMap { $0 }.filter { $0.status == 429 }
            #expect(accepted.count + refused.count == 12, "only 200 and 429: \(answers.compactMap { $0?.status })")
            // 2 run and 2 wait; a request that arrives after one finished may be accepted too.
            #expect(accepted.count >= 4)
            #expect(refused.count >= 1)
            var ids: Set<String> = []
            for answer in accepted {
                #expect(SchemaValidator.result.violations(ofJSON: answer.body).isEmpty)
                let result = try JSONDecoder().decode(ExecutionResult.self, from: Data(answer.body))
                #expect(result.success && result.executionResult.stdout == "done\n")
                ids.insert(result.executionId)
            }
            for answer in refused {
                #expect(Int(answer.headers["retry-after"] ?? "").map { $0 >= 1 } == true, "Retry-After: \(answer.headers)")
                let error = try errorBody(answer).error
                #expect(error.type == .transient)
                #expect(error.retryable)
                #expect(error.message.contains("queue is full"))
                #expect(!error.suggestedAction.isEmpty)
            }
            // Every accepted execution has its record; no refused one has any.
            #expect(try daemon.historyIDs() == ids)
            let metrics = try daemon.metrics()
            #expect(metricValue(metrics, "warden_rejections_total", labels: #"reason="queue_full""#) == Double(refused.count))
            #expect(metricValue(metrics, "warden_queue_depth") == 0)
            #expect(metricValue(metrics, "warden_workers_busy") == 0)
            // The daemon still serves.
            #expect(try run(daemon, "print('after')").success)
        }
    }

    @Test func oneCallerCannotTakeEveryWaitingPlace() async throws {
        let environment = [
            "WARDEN_WORKERS_MAX_CONCURRENT": "1", "WARDEN_WORKERS_QUEUE_LENGTH": "4",
            "WARDEN_WORKERS_MAX_QUEUED_PER_UID": "1",
        ]
        try await withDaemon(environment: environment) { daemon in
            let socket = daemon.socketPath
            let payload = Self.body("import time\ntime.sleep(1)")
            let answers = concurrently(4) { _ in
                try? UnixHTTPClient(socketPath: socket, timeoutSeconds: 60).post("/v1/executions", body: payload)
            }
            let statuses = answers.map { $0?.status ?? 0 }
            // One runs, one waits (this uid's share); the others are refused although the
            // queue has room for other callers.
            #expect(statuses.filter { $0 == 200 }.count >= 2)
            let refused = answers.compactMap { $0 }.filter { $0.status == 429 }
            #expect(refused.count >= 1, "statuses: \(statuses)")
            for answer in refused {
                let error = try errorBody(answer).error
                #expect(error.message.contains("share of the queue"))
            }
        }
    }

    @Test func aCallersOwnLimitMakesItsExtraRequestsWait() async throws {
        // The test runs as root: a [[policy]] for uid 0 that allows one execution at a time.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wlimit-\(getpid()).toml").path
        try "[workers]\nmax_concurrent = 4\n[[policy]]\nuid = \(getuid())\nmax_concurrent = 1\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await withDaemon(arguments: ["--config", file]) { daemon in
            let socket = daemon.socketPath
            let payload = Self.body("import time\ntime.sleep(1)\nprint('done')")
            let started = Date()
            let answers = concurrently(2) { _ in
                try? UnixHTTPClient(socketPath: socket, timeoutSeconds: 60).post("/v1/executions", body: payload)
            }
            let elapsed = Date().timeIntervalSince(started)
            // Both run (the second waits, it is not refused), one after the other although three
            // worker slots were free: a lower bound only, the machine may be slower.
            #expect(answers.map { $0?.status } == [200, 200])
            #expect(elapsed >= 1.9, "elapsed \(elapsed) s")
            let metrics = try daemon.metrics()
            #expect((metricValue(metrics, "warden_queue_wait_seconds_sum") ?? 0) >= 0.9)
            #expect(!daemon.log.contains("configuration key is reserved"))
        }
    }
}

import Foundation
import Testing
import WardenClient
import WardenProtocol

/// `GET /metrics` through the real daemon: Prometheus text that counts what happened.
@Suite(.timeLimit(.minutes(2)))
struct MetricsTests {
    @Test func executionsAreCountedByCategoryAndSecurityLevel() async throws {
        try await withDaemon { daemon in
            #expect(try run(daemon, "print('ok')").success)
            #expect(try run(daemon, "1/0").errorCategory == .runtimeError)
            #expect(try run(daemon, "print('x')", extra: ["security_level": "standard"]).success)
            let response = try daemon.client.get("/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            let executions = "warden_executions_total"
            #expect(metricValue(text, executions, labels: #"category="success",security_level="strict""#) == 1)
            #expect(metricValue(text, executions, labels: #"category="runtime_error",security_level="strict""#) == 1)
            #expect(metricValue(text, executions, labels: #"category="success",security_level="standard""#) == 1)
            #expect(metricValue(text, executions, labels: #"category="timeout_error",security_level="strict""#) == 0)
            #expect(metricValue(text, "warden_execution_duration_seconds_count") == 3)
            #expect(metricValue(text, "warden_queue_wait_seconds_count") == 3)
            #expect(metricValue(text, "warden_execution_peak_memory_bytes_count") == 3)
            #expect((metricValue(text, "warden_execution_peak_memory_bytes_sum") ?? 0) > 0)
            #expect(metricValue(text, "warden_history_write_failures_total") == 0)
            #expect(metricValue(text, "warden_circuit_state") == 0)
            #expect(metricValue(text, "warden_workers_busy") == 0)
            #expect(metricValue(text, "warden_queue_depth") == 0)
            #expect(metricValue(text, "warden_workers_idle") != nil)
            #expect(text.contains("# TYPE warden_execution_duration_seconds histogram"))
        }
    }
}

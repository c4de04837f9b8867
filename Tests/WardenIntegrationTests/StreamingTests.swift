import Foundation
import Synchronization
import Testing
import WardenClient
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// NDJSON streaming (SPEC §4) through the real daemon: with curl, with the client library,
/// with `warden run --follow`, and a client that disconnects mid-stream.
@Suite(.timeLimit(.minutes(3)))
struct StreamingTests {
    static let ticker = "import time\nfor i in range(6):\n    print('tick', i, flush=True)\n    time.sleep(0.1)\n"

    /// curl, reading its output as it comes: (seconds since start, line).
    static func curlStream(socket: String, code: String, until stop: ((String) -> Bool)? = nil) throws -> [(Double, String)] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["code": code]), as: UTF8.self)
        process.arguments = [
            "-sN", "--max-time", "60", "--unix-socket", socket, "-H", "Accept: application/x-ndjson",
            "-H", "Content-Type: application/json", "-d", body, "http://localhost/v1/executions",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer {
            // SIGKILL: a child started from a test thread may inherit a mask that blocks SIGTERM.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        let start = Date()
        var lines: [(Double, String)] = []
        var pending: [UInt8] = []
        let handle = output.fileHandleForReading
        while true {
            let data = handle.availableData
            if data.isEmpty { break }
            pending.append(contentsOf: data)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeFirst(newline + 1)
                lines.append((Date().timeIntervalSince(start), line))
                if let stop, stop(line) { return lines }
            }
        }
        return lines
    }

    static func object(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    @Test func curlSeesEachPrintAboutAHundredMillisecondsApart() async throws {
        try await withDaemon { daemon in
            let lines = try Self.curlStream(socket: daemon.socketPath, code: Self.ticker)
            let stdout = lines.filter { Self.object($0.1)["event"] as? String == "stdout" }
            #expect(stdout.count >= 5, "\(lines.map(\.1))")
            // Buffered until the end, the chunks would arrive together; live, they span the
            // ~0.5 s the script takes, about 0.1 s apart (generous bounds: a shared machine).
            let gaps = zip(stdout.dropFirst(), stdout).map { $0.0 - $1.0 }.sorted()
            #expect((stdout.last?.0 ?? 0) - (stdout.first?.0 ?? 0) >= 0.3)
            if !gaps.isEmpty {
                let median = gaps[gaps.count / 2]
                #expect(median > 0.05 && median < 0.4, "gaps: \(gaps)")
            }
            #expect(Self.object(lines.first?.1 ?? "")["event"] as? String == "started")
            #expect(Self.object(lines.last?.1 ?? "")["event"] as? String == "result")
        }
    }

    @Test func eventsComeInOrderWithWarningsAndEndWithTheResult() async throws {
        let code = "import warnings\nprint(total if False else 'first', flush=True)\nwarnings.warn('careful')\ntotal = 3\nprint(total)\n"
        try await withDaemon { daemon in
            var events: [[String: Any]] = []
            var resultLine = ""
            let response = try daemon.client.streamLines(
                path: "/v1/executions", body: Array(JSONSerialization.data(withJSONObject: ["code": code])),
                headers: ["Accept": "application/x-ndjson"]
            ) { line in
                events.append(Self.object(line))
                resultLine = line
            }
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/x-ndjson")
            let kinds = events.map { $0["event"] as? String ?? "?" }
            #expect(kinds.first == "started")
            #expect(kinds.last == "result")
            #expect(kinds.filter { $0 == "started" || $0 == "result" }.count == 2)
            let check = events.first { $0["level"] as? String == "check" }
            #expect(check?["category"] as? String == "UseBeforeAssignment")
            #expect(check?["line"] as? Int == 2)
            #expect((check?["message"] as? String)?.contains("name 'total' is used on line 2 before it is assigned") == true)
            let warning = events.first { $0["level"] as? String == "warning" }
            #expect(warning?["category"] as? String == "UserWarning")
            #expect(warning?["message"] as? String == "careful")
            #expect(warning?["line"] as? Int == 3)
            #expect(warning?["timestamp"] is String)
            let output = events.filter { $0["event"] as? String == "stdout" }.compactMap { $0["data"] as? String }.joined()
            #expect(output == "first\n3\n")

            // The result line is the whole result (schema-valid without its "event" key).
            var result = Self.object(resultLine)
            result["event"] = nil
            let bytes = try JSONSerialization.data(withJSONObject: result)
            #expect(SchemaValidator.result.violations(ofJSON: Array(bytes)).isEmpty)
            let decoded = try JSONDecoder().decode(ExecutionResult.self, from: bytes)
            #expect(decoded.executionId == events.first?["execution_id"] as? String)
            #expect(decoded.success)
            #expect(decoded.executionResult.warnings.map(\.message) == ["careful"])
        }
    }

    /// A warning whose record would pass the supervisor's 8 KiB bound (4,000 three-byte
    /// characters) is shortened by the harness, not taken for the start of the report.
    @Test func aLongWarningStillStreamsAndTheResultFollows() async throws {
        let code = "import warnings\nwarnings.warn('字' * 4000)\nx = 5\nprint('after')\n"
        try await withDaemon { daemon in
            var events: [[String: Any]] = []
            let response = try daemon.client.streamLines(
                path: "/v1/executions", body: Array(JSONSerialization.data(withJSONObject: ["code": code])),
                headers: ["Accept": "application/x-ndjson"]
            ) { line in
                events.append(Self.object(line))
            }
            #expect(response.status == 200)
            let warning = events.first { $0["level"] as? String == "warning" }
            #expect((warning?["message"] as? String)?.hasPrefix("字字字") == true)
            let result = events.last
            #expect(result?["event"] as? String == "result")
            #expect(result?["success"] as? Bool == true, "\(result ?? [:])")
            #expect(result?["error_category"] is NSNull || result?["error_category"] == nil)
            // The report itself arrived: its warnings and variables are in the result.
            let execution = result?["execution_result"] as? [String: Any]
            #expect((execution?["warnings"] as? [Any])?.count == 1, "\(execution ?? [:])")
            #expect((execution?["variables"] as? [String: Any])?["x"] != nil, "\(execution ?? [:])")
        }
    }

    @Test func aRefusedStreamGetsTheOrdinaryErrorAnswer() async throws {
        try await withDaemon { daemon in
            let response = try daemon.client.streamLines(
                path: "/v1/executions", body: Array(#"{"code": 5}"#.utf8), headers: ["Accept": "application/x-ndjson"]
            ) { _ in }
            #expect(response.status == 400)
            #expect(try errorBody(response).error.field == "code")
        }
    }

    @Test func aClientThatDisconnectsHasItsExecutionKilledAndRecordedAsCancelled() async throws {
        try await withDaemon { daemon in
            let code = "import time\nprint('waiting', flush=True)\ntime.sleep(60)\n"
            let lines = try Self.curlStream(socket: daemon.socketPath, code: code) { $0.contains("waiting") }
            let id = try #require(Self.object(lines.first?.1 ?? "")["execution_id"] as? String)
            // curl is gone (terminated on return): the worker is killed and the record closed.
            var record: [String: Any] = [:]
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline {
                let response = try daemon.client.get("/v1/executions/\(id)")
                record = Self.object(response.text)
                if response.status == 200, (record["status"] as? String) != "running" { break }
                usleep(100_000)
            }
            #expect(record["status"] as? String == "failed", "\(record)")
            let result = record["result"] as? [String: Any]
            #expect(result?["error_category"] as? String == "system_error")
            #expect((result?["error_summary"] as? String)?.contains("cancelled") == true, "\(result ?? [:])")
            #expect((result?["error_details"] as? [String: Any])?["error_type"] as? String == "Cancelled")
            #expect(result?["retryable"] as? Bool == true)
            #expect(record["error_pattern"] as? String == "system error: cancelled by the client")
            #expect(((record["duration_seconds"] as? Double) ?? 60) < 30)
            var leftovers = daemon.workerProcesses()
            while !leftovers.isEmpty && Date() < deadline {
                usleep(100_000)
                leftovers = daemon.workerProcesses()
            }
            #expect(leftovers.isEmpty)
            #expect(daemon.log.contains("execution cancelled: the client disconnected"))
            #expect(metricValue(try daemon.metrics(), "warden_executions_cancelled_total") == 1)
            #expect(try run(daemon, "print('still here')").success)
        }
    }

    @Test func wardenRunFollowShowsTheOutputLive() async throws {
        try await withDaemon { daemon in
            let script = daemon.directory + "/follow.py"
            try "print(x if False else 'one')\nx = 1\nprint('two')\n".write(toFile: script, atomically: true, encoding: .utf8)
            let (status, output) = try runProgram(
                RunningDaemon.executable("warden"), ["run", "--socket", daemon.socketPath, "--follow", script]
            )
            #expect(status == 0, "\(output)")
            #expect(output.contains("one\ntwo\n"))
            #expect(output.contains("check: line 1: name 'x' is used on line 1 before it is assigned (on line 2)"))
            #expect(output.contains("ok  exec_"))
            let (jsonStatus, json) = try runProgram(
                RunningDaemon.executable("warden"), ["run", "--socket", daemon.socketPath, "--follow", "--json", script]
            )
            #expect(jsonStatus == 0)
            let kinds = json.split(separator: "\n").map { Self.object(String($0))["event"] as? String ?? "?" }
            #expect(kinds.first == "started" && kinds.last == "result", "\(kinds)")
        }
    }
}

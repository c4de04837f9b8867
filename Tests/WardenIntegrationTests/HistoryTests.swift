import Foundation
import Testing
import WardenClient
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The history through the real daemon: what a client sees over the socket.
@Suite(.serialized) struct HistoryTests {
    private func get<T: Decodable>(_ daemon: RunningDaemon, _ path: String, as type: T.Type = T.self) throws -> T {
        let response = try daemon.client.get(path)
        #expect(response.status == 200, "GET \(path): \(response.status) \(response.text)")
        return try JSONDecoder().decode(T.self, from: Data(response.body))
    }

    @Test(.timeLimit(.minutes(2))) func aFailureAndItsFixShowUpResolvedInErrors() async throws {
        try await withDaemon { daemon in
            let failing = try run(daemon, "total = 10\nprint(totl)\n", extra: ["client": "ray"])
            #expect(!failing.success)
            #expect(failing.historyError == nil)
            let fixed = try run(daemon, "total = 10\nprint(total)\n", extra: ["client": "ray", "retry_of": failing.executionId])
            #expect(fixed.success)

            let page: ErrorPage = try get(daemon, "/v1/errors?client=ray")
            let entry = try #require(page.errorHistory.first { $0.executionId == failing.executionId })
            #expect(entry.errorType == "NameError")
            #expect(entry.errorPattern == "NameError with undefined variables")
            let resolution = try #require(entry.resolution)
            #expect(resolution.executionId == fixed.executionId)
            #expect(resolution.description == "line 2: `print(totl)` → `print(total)`")
            // The diagnostics suggested the name the fix used.
            #expect(entry.learning?.contains("total") == true, "learning: \(entry.learning ?? "nil")")

            let record: ExecutionRecord = try get(daemon, "/v1/executions/\(failing.executionId)")
            #expect(record.status == .failed)
            #expect(record.request.code == "total = 10\nprint(totl)\n")
            #expect(record.result?.errorDetails?.errorType == "NameError")
            #expect(record.result?.executionId == failing.executionId)
            #expect(record.retries == [fixed.executionId])
            #expect(record.caller.uid == getuid())
            let fixRecord: ExecutionRecord = try get(daemon, "/v1/executions/\(fixed.executionId)")
            #expect(fixRecord.retryOf == failing.executionId)
            #expect(fixRecord.result?.executionResult.stdout == "10\n")

            let unknown = try daemon.client.get("/v1/executions/exec_0000000000ZZZZZZZZZZZZZZZZ")
            #expect(unknown.status == 404)
            #expect(try errorBody(unknown).error.type == .userError)
        }
    }

    @Test(.timeLimit(.minutes(2))) func theCommandLineShowsHistoryRecordsAndErrors() async throws {
        try await withDaemon { daemon in
            let warden = RunningDaemon.executable("warden")
            let socket = ["--socket", daemon.socketPath]
            let (failedStatus, failedOutput) = try runProgram(warden, ["run"] + socket + ["--client", "cli", "-"], stdin: "total = 3\nprint(totl)\n")
            #expect(failedStatus == 1)
            let failedID = try #require(failedOutput.split(separator: " ").first { $0.hasPrefix("exec_") }.map(String.init))
            let (fixedStatus, _) = try runProgram(
                warden, ["run"] + socket + ["--client", "cli", "--retry-of", failedID, "-"], stdin: "total = 3\nprint(total)\n"
            )
            #expect(fixedStatus == 0)

            let (historyStatus, history) = try runProgram(warden, ["history"] + socket + ["--client", "cli", "--status", "failed"])
            #expect(historyStatus == 0, "\(history)")
            let lines = history.split(separator: "\n")
            #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("STATUS") == true, "\(history)")
            #expect(lines.count == 2 && lines[1].contains(failedID) && lines[1].contains("NameError"), "\(history)")

            let (showStatus, show) = try runProgram(warden, ["show"] + socket + [failedID])
            #expect(showStatus == 0, "\(show)")
            #expect(show.contains("   2  print(totl)") && show.contains("pattern   NameError with undefined variables"), "\(show)")

            let (errorsStatus, errors) = try runProgram(warden, ["errors"] + socket + ["--client", "cli"])
            #expect(errorsStatus == 0, "\(errors)")
            #expect(errors.contains("resolved by exec_") && errors.contains("line 2: `print(totl)` → `print(total)`"), "\(errors)")

            let (commonStatus, common) = try runProgram(warden, ["errors", "--common"] + socket + ["--since", "1h"])
            #expect(commonStatus == 0, "\(common)")
            #expect(common.hasPrefix("1 failed execution since ") && common.contains("NameError with undefined variables"), "\(common)")

            let (badStatus, bad) = try runProgram(warden, ["history"] + socket + ["--since", "last tuesday"])
            #expect(badStatus == 2, "\(bad)")
            #expect(bad.contains("since"), "\(bad)")
            let (missingStatus, _) = try runProgram(warden, ["show"] + socket + ["exec_0000000000ZZZZZZZZZZZZZZZZ"])
            #expect(missingStatus == 2)
        }
    }

    @Test(.timeLimit(.minutes(2))) func filtersPaginationAndCommonErrorsOverHTTP() async throws {
        try await withDaemon { daemon in
            let start = HistoryTime.string(Date().addingTimeInterval(-1))
            let ok = try run(daemon, "print('alpha ok')", extra: ["client": "alpha"])
            let zero = try run(daemon, "ratio = 1 / 0", extra: ["client": "beta"])
            let zero2 = try run(daemon, "count = 0\nprint(10 / count)", extra: ["client": "beta"])
            let syntax = try run(daemon, "if x = 5:\n    pass", extra: ["client": "alpha"])
            #expect(ok.success && !zero.success && !zero2.success && !syntax.success)
            let all = [syntax, zero2, zero, ok].map(\.executionId)

            func ids(_ query: String) throws -> [String] {
                let page: ExecutionPage = try get(daemon, "/v1/executions" + query)
                return page.executions.map(\.executionId)
            }
            #expect(try ids("") == all)
            #expect(try ids("?status=succeeded") == [ok.executionId])
            #expect(try ids("?status=failed&client=beta") == [zero2.executionId, zero.executionId])
            #expect(try ids("?category=syntax_error") == [syntax.executionId])
            #expect(try ids("?error_type=ZeroDivisionError") == [zero2.executionId, zero.executionId])
            #expect(try ids("?client=alpha") == [syntax.executionId, ok.executionId])
            #expect(try ids("?uid=\(getuid())").count == 4)
            #expect(try ids("?since=\(start)&until=\(QueryEncoding.encode(HistoryTime.string(Date())))") == all)
            #expect(try ids("?until=2020-01-01").isEmpty)
            #expect(try ids("?q=ratio") == [zero.executionId])
            #expect(try ids("?q=division+zero") == [zero2.executionId, zero.executionId])

            // Pages of one, newest first, to the end.
            var seen: [String] = []
            var path = "/v1/executions?limit=1"
            while true {
                let page: ExecutionPage = try get(daemon, path)
                seen += page.executions.map(\.executionId)
                guard let next = page.nextCursor else { break }
                path = "/v1/executions?limit=1&cursor=\(next)"
            }
            #expect(seen == all)

            let common: CommonErrorsReport = try get(daemon, "/v1/errors/common?since=1h")
            #expect(common.totalFailures == 3)
            #expect(common.commonErrors.first?.errorPattern == "ZeroDivisionError")
            #expect(common.commonErrors.first?.frequency == 2)
            #expect(common.commonErrors.first?.exampleIds == [zero2.executionId, zero.executionId])
            #expect(common.commonErrors.first?.typicalCauses.isEmpty == false)

            for (query, field) in [
                ("/v1/executions?status=done", "status"), ("/v1/executions?limit=500", "limit"),
                ("/v1/executions?since=yesterday", "since"), ("/v1/executions?cursor=abc", "cursor"),
                ("/v1/executions?colour=red", "colour"), ("/v1/errors?status=failed", "status"),
                ("/v1/errors/common?q=x", "q"), ("/v1/executions/\(ok.executionId)?verbose=1", "verbose"),
            ] {
                let response = try daemon.client.get(query)
                #expect(response.status == 400, "\(query): \(response.status)")
                #expect(try errorBody(response).error.field == field, "\(query): \(response.text)")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func aHistoryWriteFailureIsReportedInTheAnswerAndTheLog() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else {
            Issue.record("sqlite3 is not installed (Scripts/setup installs it)")
            return
        }
        try await withDaemon { daemon in
            let database = daemon.stateDirectory + "/history.sqlite"
            func sql(_ statement: String) throws {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
                process.arguments = [database, statement]
                try process.run()
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
            }
            // Every write to the history now fails, as on a full or broken disk.
            try sql(
                "CREATE TRIGGER broken_insert BEFORE INSERT ON execution BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;"
            )
            let result = try run(daemon, "print('still runs')")
            #expect(result.success)
            #expect(result.executionResult.stdout == "still runs\n")
            let problem = try #require(result.historyError)
            #expect(problem.contains("could not be written to the history") && problem.contains("disk on fire"), "\(problem)")
            #expect(daemon.log.contains("could not write the execution to the history"))
            #expect(daemon.log.contains(result.executionId))
            #expect(try daemon.client.get("/v1/executions/\(result.executionId)").status == 404)

            try sql("DROP TRIGGER broken_insert;")
            let after = try run(daemon, "print('recorded again')")
            #expect(after.historyError == nil)
            #expect(try daemon.client.get("/v1/executions/\(after.executionId)").status == 200)
        }
    }

    /// The daemon killed with SIGKILL while 8 clients run executions: after a restart on the
    /// same state directory, every execution that was accepted has exactly one terminal record.
    @Test(.timeLimit(.minutes(3))) func aKilledDaemonLosesNoAcceptedExecution() async throws {
        try await withDaemon { daemon in
            let answered = AnswerLog()
            let stop = Flag()
            let threads = (0..<8).map { client in
                Thread {
                    var sequence = 0
                    while !stop.isSet {
                        sequence += 1
                        let tag = "c\(client)-\(sequence)"
                        let slow = (client + sequence) % 3 != 0
                        let body: [String: Any] = [
                            "code": slow ? "import time\ntime.sleep(0.5)\nprint('\(tag)')" : "print('\(tag)')",
                            "metadata": ["tag": tag], "client": "crash-test",
                        ]
                        answered.sent(tag)
                        guard let response = try? post(daemon, body), response.status == 200,
                            let result = try? JSONDecoder().decode(ExecutionResult.self, from: Data(response.body))
                        else { break }  // the daemon is gone
                        answered.record(tag: tag, id: result.executionId, success: result.success)
                    }
                    answered.finish()
                }
            }
            threads.forEach { $0.start() }
            // Let executions pile up, slow ones among them, then kill mid-flight.
            try await Task.sleep(for: .milliseconds(2500))
            daemon.kill()
            stop.set()
            while answered.finished < 8 { try await Task.sleep(for: .milliseconds(20)) }
            try daemon.restart()

            var records: [ExecutionSummary] = []
            var path = "/v1/executions?client=crash-test&limit=200"
            while true {
                let page: ExecutionPage = try get(daemon, path)
                records += page.executions
                guard let next = page.nextCursor else { break }
                path = "/v1/executions?client=crash-test&limit=200&cursor=\(next)"
            }
            let answers = answered.answers
            #expect(answers.count >= 8, "too few answers before the kill: \(answers.count)")
            let byID = Dictionary(grouping: records, by: \.executionId)
            #expect(byID.values.allSatisfy { $0.count == 1 })
            #expect(records.allSatisfy { $0.status != .running }, "records still running after the restart")
            for answer in answers {
                let record = try #require(byID[answer.id]?.first, "answered execution \(answer.id) has no record")
                #expect(record.status == (answer.success ? .succeeded : .failed))
            }
            // Requests whose answer was lost: at most one record each, and those interrupted say so.
            let answeredIDs = Set(answers.map(\.id))
            let unanswered = records.filter { !answeredIDs.contains($0.executionId) }
            let lost = answered.sentCount - answers.count
            #expect(unanswered.count <= lost, "\(unanswered.count) records for \(lost) lost requests")
            var interrupted = 0
            for summary in unanswered {
                let record: ExecutionRecord = try get(daemon, "/v1/executions/\(summary.executionId)")
                let tag = record.metadata["tag"]?.stringValue
                #expect(tag != nil && !answered.answeredTags.contains(tag!))
                if record.result?.errorCategory == .systemError {
                    #expect(record.result?.errorDetails?.errorMessage == "interrupted by daemon restart")
                    #expect(record.errorPattern == "system error: interrupted by daemon restart")
                    interrupted += 1
                } else {
                    // Finished just before the kill; only its answer was lost.
                    #expect(record.status == .succeeded)
                }
            }
            #expect(interrupted >= 1, "no execution was in flight at the kill (records: \(records.count), answers: \(answers.count))")
            #expect(daemon.log.contains("executions interrupted by the restart closed as system_error"))
        }
    }

    @Test(.timeLimit(.minutes(2))) func aCallerSeesOnlyItsOwnExecutions() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"),
            FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), getpwnam("nobody") != nil
        else {
            Issue.record("needs root, curl, setpriv and the user nobody to act as a second caller")
            return
        }
        try await withDaemon(environment: ["WARDEN_SOCKET_MODE": "0666"]) { daemon in
            _ = chmod(daemon.directory, 0o711)
            let mine = try run(daemon, "print('root was here')")
            let nobody = getpwnam("nobody")!.pointee.pw_uid

            func curl(_ arguments: [String]) throws -> (status: Int, body: Data) {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
                process.arguments = ["--reuid=nobody", "--regid=\(getpwnam("nobody")!.pointee.pw_gid)", "--clear-groups",
                    "/usr/bin/curl", "-s", "-w", "\n%{http_code}", "--unix-socket", daemon.socketPath] + arguments
                let output = Pipe()
                process.standardOutput = output
                try process.run()
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                let text = String(decoding: data, as: UTF8.self)
                let split = text.lastIndex(of: "\n").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) } ?? (text, "0")
                return (Int(split.1) ?? 0, Data(split.0.utf8))
            }

            let empty = try curl(["http://warden/v1/executions"])
            #expect(empty.status == 200)
            #expect(try JSONDecoder().decode(ExecutionPage.self, from: empty.body).executions.isEmpty)
            #expect(try curl(["http://warden/v1/executions/\(mine.executionId)"]).status == 404)
            #expect(try curl(["http://warden/v1/executions?uid=0"]).status == 403)

            let ran = try curl(["-H", "Content-Type: application/json", "-d", #"{"code": "print('nobody here')"}"#, "http://warden/v1/executions"])
            #expect(ran.status == 200)
            let theirs = try JSONDecoder().decode(ExecutionResult.self, from: ran.body)
            let own = try JSONDecoder().decode(ExecutionPage.self, from: try curl(["http://warden/v1/executions"]).body)
            #expect(own.executions.map(\.executionId) == [theirs.executionId])
            #expect(own.executions.first?.caller.uid == nobody)

            // Root (an admin) sees both.
            let everything: ExecutionPage = try get(daemon, "/v1/executions")
            #expect(everything.executions.map(\.executionId) == [theirs.executionId, mine.executionId])
        }
    }
}

/// What the crash test's clients sent and got back.
final class AnswerLog: @unchecked Sendable {
    // @unchecked: every field is guarded by `lock`.
    struct Answer {
        var tag: String
        var id: String
        var success: Bool
    }

    private let lock = NSLock()
    private var list: [Answer] = []
    private var sentTags = 0
    private var done = 0

    func sent(_ tag: String) { lock.withLock { sentTags += 1 } }
    func record(tag: String, id: String, success: Bool) { lock.withLock { list.append(Answer(tag: tag, id: id, success: success)) } }
    func finish() { lock.withLock { done += 1 } }
    var answers: [Answer] { lock.withLock { list } }
    var answeredTags: Set<String> { lock.withLock { Set(list.map(\.tag)) } }
    var sentCount: Int { lock.withLock { sentTags } }
    var finished: Int { lock.withLock { done } }
}

final class Flag: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

enum QueryEncoding {
    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

import Foundation
import Synchronization
import Testing
import WardenClient
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM: stop accepting, let running executions finish (or end them at the grace time), and
/// every one still gets its answer; exit 0.
@Suite struct SystemdGracefulStopTests {
    static func execute(_ socketPath: String, _ code: String) -> Result<ExecutionResult, DaemonError> {
        let client = UnixHTTPClient(socketPath: socketPath, timeoutSeconds: 60)
        do {
            let body = try JSONSerialization.data(withJSONObject: ["code": code, "security_level": "standard"])
            let response = try client.post("/v1/executions", body: Array(body))
            guard response.status == 200 else { return .failure(DaemonError("status \(response.status): \(response.text)")) }
            return .success(try JSONDecoder().decode(ExecutionResult.self, from: Data(response.body)))
        } catch {
            return .failure(DaemonError("\(error)"))
        }
    }

    /// Waits until the log shows `count` executions accepted (the daemon logs at debug).
    static func waitForAccepted(_ daemon: SystemdDaemon, count: Int) -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if daemon.log.components(separatedBy: "msg=\"execution accepted\"").count - 1 >= count { return true }
            usleep(20_000)
        }
        return false
    }

    @Test(.timeLimit(.minutes(1)))
    func sigtermLetsFourRunningExecutionsFinish() async throws {
        try await SystemdSupport.withDirectory { directory in
            let daemon = try SystemdDaemon(directory: directory)
            defer { daemon.stop() }
            let socketPath = daemon.socketPath
            let stopped = Mutex<Date?>(nil)
            let answers = await SystemdSupport.onThreads(4 + 1) { index -> Result<ExecutionResult, DaemonError>? in
                if index == 4 {
                    guard Self.waitForAccepted(daemon, count: 4) else { return nil }
                    usleep(200_000)  // all of them are sleeping in their workers now
                    daemon.terminate()
                    stopped.withLock { $0 = Date() }
                    return nil
                }
                return Self.execute(socketPath, "import time\ntime.sleep(1.5)\nprint('done')")
            }
            let results = answers.compactMap { $0 }
            #expect(results.count == 4)
            _ = try #require(stopped.withLock { $0 }, "the executions never ran together: \(daemon.log)")
            for result in results {
                switch result {
                case .success(let result):
                    #expect(result.success, "\(result)")
                    #expect(result.executionResult.stdout == "done\n")
                case .failure(let error):
                    Issue.record("an execution got no answer: \(error)\n\(daemon.log)")
                }
            }
            #expect(daemon.waitExit(timeout: 30) == 0, "\(daemon.log)")
            // After SIGTERM the socket took no new connection and is gone.
            #expect(!FileManager.default.fileExists(atPath: socketPath))
            Self.expectExecutionLinesCarryTheirID(daemon.log)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func pastTheGraceTimeRunningExecutionsAreEndedAndStillAnswer() async throws {
        try await SystemdSupport.withDirectory { directory in
            let daemon = try SystemdDaemon(directory: directory, environment: ["WARDEN_SHUTDOWN_GRACE_SECONDS": "0.5"])
            defer { daemon.stop() }
            let socketPath = daemon.socketPath
            let stopped = Mutex<Date?>(nil)
            let answered = Mutex(Date.distantPast)
            let answers = await SystemdSupport.onThreads(2 + 1) { index -> Result<ExecutionResult, DaemonError>? in
                if index == 2 {
                    guard Self.waitForAccepted(daemon, count: 2) else { return nil }
                    usleep(200_000)  // all of them are sleeping in their workers now
                    daemon.terminate()
                    stopped.withLock { $0 = Date() }
                    return nil
                }
                let answer = Self.execute(socketPath, "import time\ntime.sleep(20)\nprint('never')")
                answered.withLock { $0 = max($0, Date()) }
                return answer
            }
            let results = answers.compactMap { $0 }
            #expect(results.count == 2)
            let sigterm = try #require(stopped.withLock { $0 }, "the executions never ran together: \(daemon.log)")
            for result in results {
                switch result {
                case .success(let result):
                    #expect(result.errorCategory == .systemError, "\(result)")
                    #expect(result.executionResult.stdout != "never\n")
                case .failure(let error):
                    Issue.record("an execution got no answer: \(error)\n\(daemon.log)")
                }
            }
            // The sleeps would end 20 s after they began; the grace time is 0.5 s (the bound
            // leaves room for a loaded machine).
            #expect(answered.withLock { $0 }.timeIntervalSince(sigterm) < 15, "the grace time was not enforced: \(daemon.log)")
            #expect(daemon.waitExit(timeout: 30) == 0, "\(daemon.log)")
            #expect(daemon.log.contains("msg=\"stop grace time over: killing the running executions\""))
            Self.expectExecutionLinesCarryTheirID(daemon.log)
        }
    }

    /// SPEC §7 / STYLE: one line per event, and every line about an execution names it.
    static func expectExecutionLinesCarryTheirID(_ log: String) {
        let lines = log.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("ts=") }, "a log line that is not one logfmt event")
        for line in lines where line.contains("msg=\"execution") || line.contains("msg=\"worker") {
            #expect(line.contains(" execution.id=exec_"), "no execution.id: \(line)")
        }
    }
}

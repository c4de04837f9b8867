import Foundation
import Synchronization
import Testing
import WardenClient
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Socket activation: wardend serves on a socket it did not create, and a restart on the same
/// socket drops no connection.
@Suite struct SystemdActivationTests {
    static let activate = "/usr/bin/systemd-socket-activate"

    static func decode(_ response: HTTPClientResponse) -> ExecutionResult? {
        try? JSONDecoder().decode(ExecutionResult.self, from: Data(response.body))
    }

    @Test(.timeLimit(.minutes(1)))
    func servesOnTheSocketSystemdSocketActivateCreated() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.activate), "systemd-socket-activate is missing: Scripts/setup installs systemd")
        try await SystemdSupport.withDirectory { directory in
            let socketPath = directory + "/activated.sock"
            let logPath = directory + "/wardend.log"
            // systemd-socket-activate passes only the variables named with -E.
            let pid = try SystemdSupport.spawn(
                wrapper: [Self.activate, "-l", socketPath, "-E", "PATH"],
                arguments: ["--state-dir", directory + "/state", "--log-level", "debug"],
                logPath: logPath
            )
            var exited = false
            defer {
                if !exited {
                    kill(pid, SIGTERM)
                    if SystemdSupport.wait(pid, timeout: 15) == nil { kill(pid, SIGKILL); _ = SystemdSupport.wait(pid, timeout: 5) }
                }
            }
            #expect(SystemdSupport.waitUntilServing(socketPath))
            let client = UnixHTTPClient(socketPath: socketPath, timeoutSeconds: 60)
            let body = try JSONSerialization.data(withJSONObject: ["code": "print(6 * 7)"])
            let result = Self.decode(try client.post("/v1/executions", body: Array(body)))
            #expect(result?.executionResult.stdout == "42\n")
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            #expect(log.contains("msg=\"adopting the socket systemd passed\" socket.fd=3 socket.name="), "\(log)")
            #expect(log.contains("msg=\"listening on an inherited socket\""))
            #expect(!log.contains("msg=listening "), "wardend created a socket of its own")
            // The daemon leaves the socket file alone when it stops: it belongs to systemd.
            kill(pid, SIGTERM)
            let status = SystemdSupport.wait(pid, timeout: 15)
            exited = status != nil
            #expect(status == 0)
            #expect(FileManager.default.fileExists(atPath: socketPath))
        }
    }

    /// Daemon A serves while clients keep sending; A gets SIGTERM and B starts on the same
    /// listening socket (as systemd restarts a socket-activated service): every request is
    /// answered, by A or by B.
    @Test(.timeLimit(.minutes(2)))
    func aRestartOnTheSameSocketDropsNoConnection() async throws {
        try await SystemdSupport.withDirectory { directory in
            let socketPath = directory + "/kept.sock"
            let listening = try SystemdSupport.listeningSocket(socketPath)
            defer { close(listening) }
            let first = try SystemdDaemon(directory: directory, listening: listening, socketPath: socketPath)
            defer { first.stop() }

            let clients = 4
            let perClient = 12
            let restarted = Mutex<(status: Int32?, second: SystemdDaemon?)>((nil, nil))
            let outcomes = await SystemdSupport.onThreads(clients + 1) { index -> [String] in
                if index == clients {
                    // Some requests land on A, the rest during the stop and on B.
                    usleep(400_000)
                    first.terminate()
                    let status = first.waitExit(timeout: 30)
                    let second = try? SystemdDaemon(directory: directory, listening: listening, socketPath: socketPath, waitUntilServing: false)
                    restarted.withLock { $0 = (status, second) }
                    return second == nil ? ["B did not start"] : []
                }
                let client = UnixHTTPClient(socketPath: socketPath, timeoutSeconds: 60)
                var failures: [String] = []
                for request in 0..<perClient {
                    let code = "import time\ntime.sleep(0.05)\nprint(\(index * 100 + request))"
                    let body = (try? JSONSerialization.data(withJSONObject: ["code": code])) ?? Data()
                    do {
                        let response = try client.post("/v1/executions", body: Array(body))
                        let stdout = Self.decode(response)?.executionResult.stdout
                        if stdout != "\(index * 100 + request)\n" { failures.append("client \(index) request \(request): \(response.status) \(response.text.prefix(200))") }
                    } catch {
                        failures.append("client \(index) request \(request): \(error)")
                    }
                }
                return failures
            }
            let (firstStatus, started) = restarted.withLock { $0 }
            let second = try #require(started, "\(outcomes)")
            defer { second.stop() }
            #expect(firstStatus == 0, "A: \(first.log)")
            #expect(outcomes.flatMap { $0 }.isEmpty, "\(outcomes.flatMap { $0 })\nA:\n\(first.log.suffix(3000))\nB:\n\(second.log.suffix(3000))")
            let answeredByA = first.log.components(separatedBy: "msg=\"execution finished\"").count - 1
            let answeredByB = second.log.components(separatedBy: "msg=\"execution finished\"").count - 1
            #expect(answeredByA > 0 && answeredByB > 0, "A answered \(answeredByA), B \(answeredByB)")
            #expect(answeredByA + answeredByB == clients * perClient)
        }
    }
}

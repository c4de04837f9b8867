import Foundation
import Testing
import WardenProtocol

/// The daemon through curl and through the `warden` CLI, as a person would use them.
@Suite(.timeLimit(.minutes(2)))
struct CommandLineTests {
    private func capture(_ executable: String, _ arguments: [String], stdin: String = "") throws -> (Int32, String) {
        try runProgram(executable, arguments, stdin: stdin)
    }

    @Test func curlOverTheUnixSocket() async throws {
        try await withDaemon { daemon in
            let (status, output) = try capture(
                "/usr/bin/curl",
                ["-sS", "--unix-socket", daemon.socketPath, "-H", "Content-Type: application/json",
                 "-d", #"{"code": "print(\"hello\")"}"#, "http://localhost/v1/executions"]
            )
            #expect(status == 0, "\(output)")
            let result = try JSONDecoder().decode(ExecutionResult.self, from: Data(output.utf8))
            #expect(result.success)
            #expect(result.executionResult.stdout == "hello\n")
        }
    }

    @Test func wardenRunReadsStandardInput() async throws {
        try await withDaemon { daemon in
            let warden = RunningDaemon.executable("warden")
            let (ok, okOutput) = try capture(warden, ["run", "--socket", daemon.socketPath, "-"], stdin: "print(6 * 7)\n")
            #expect(ok == 0, "\(okOutput)")
            #expect(okOutput.hasPrefix("42\nok  exec_"))

            let (failed, failedOutput) = try capture(
                warden, ["run", "--socket", daemon.socketPath, "-"], stdin: "x = 1\nprint(y)\n"
            )
            #expect(failed == 1)
            #expect(failedOutput.contains("NameError"))
            #expect(failedOutput.contains("runtime_error"))

            let (json, jsonOutput) = try capture(warden, ["run", "--json", "--socket", daemon.socketPath, "-"], stdin: "1 + 1")
            #expect(json == 0)
            let result = try JSONDecoder().decode(ExecutionResult.self, from: Data(jsonOutput.utf8))
            #expect(result.executionResult.returnValue == .int(2))
        }
    }

    @Test func wardenHealthListsTheLayers() async throws {
        try await withDaemon { daemon in
            let (status, output) = try capture(RunningDaemon.executable("warden"), ["health", "--socket", daemon.socketPath])
            #expect(status == 0, "\(output)")
            #expect(output.contains("rlimits"))
            #expect(output.contains("python 3."))
        }
    }

    @Test func wardenDoctorShowsHostAndDaemonLayers() async throws {
        try await withDaemon { daemon in
            let (status, output) = try capture(RunningDaemon.executable("warden"), ["doctor", "--socket", daemon.socketPath])
            #expect(status == 0, "\(output)")
            #expect(output.contains("[ok ] seccomp"))
            #expect(output.contains("[on ] seccomp"))
            #expect(output.contains("[on ] namespaces"))
            #expect(output.contains("[on ] filesystem"))
        }
    }

    @Test func wardenReportsAnUnreachableDaemon() throws {
        let (status, output) = try capture(RunningDaemon.executable("warden"), ["health", "--socket", "/tmp/no-such-warden.sock"])
        #expect(status != 0)
        #expect(output.contains("could not connect"))
    }
}

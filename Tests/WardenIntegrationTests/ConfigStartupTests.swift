import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A bad configuration stops wardend at once, before it listens, with the file, the key and
/// the reason; a good one runs.
@Suite struct ConfigStartupTests {
    /// Runs wardend with `arguments` and `environment`; its exit status and stderr.
    static func wardend(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunningDaemon.executable("wardend"))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            ("[workers]\nmax_concurrent = \"eight\"\n", "workers.max_concurrent: expected an integer, got a string"),
            ("[socket]\npath = \"/tmp/x.sock\"\nowner = \"root\"\n", "socket.owner: unknown key; [socket] takes path, mode, group"),
            ("[limits.maximum]\ntimeout_seconds = 10\n", "limits.maximum.timeout_seconds: the default (30) is above the maximum"),
            ("[limits.default]\nmemory_mb = 4096\n", "limits.default.memory_mb: the default (4096) is above the maximum limits.maximum.memory_mb (2048"),
            ("[log]\nlevel = \"chatty\"\n", "log.level: must be one of"),
            ("[workers\n", "line 1, column"),
        ]
    )
    func aBadFileStopsTheStartNamingFileAndKey(file: String, message: String) async throws {
        try await SystemdSupport.withDirectory { directory in
            let path = directory + "/wardend.toml"
            try file.write(toFile: path, atomically: true, encoding: .utf8)
            let socket = directory + "/w.sock"
            let started = Date()
            let result = try Self.wardend(["--config", path, "--socket", socket, "--state-dir", directory + "/state"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("invalid configuration: \(path): \(message)"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(!FileManager.default.fileExists(atPath: socket), "it listened before failing")
            #expect(!FileManager.default.fileExists(atPath: directory + "/state"), "it touched the state before failing")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aBadEnvironmentVariableOrMissingFileIsNamed() throws {
        let variable = try Self.wardend(["--check-config"], environment: ["WARDEN_LIMITS_DEFAULT_TIMEOUT_SECONDS": "soon"])
        #expect(variable.status == 2)
        #expect(variable.stderr.contains("environment variable WARDEN_LIMITS_DEFAULT_TIMEOUT_SECONDS: limits.default.timeout_seconds: expected a number, got 'soon'"))
        let missing = try Self.wardend(["--check-config"], environment: ["WARDEN_CONFIG": "/nonexistent/wardend.toml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("invalid configuration: /nonexistent/wardend.toml: no such file"))
    }

    @Test(.timeLimit(.minutes(1)))
    func theShippedFileChecksAndItsValuesApply() async throws {
        let shipped = SystemdSupport.repository + "/Config/wardend.toml"
        let check = try Self.wardend(["--check-config", "--config", shipped])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("configuration OK: \(shipped)"))
        // A value from the file reaches the daemon: the default limit is the file's.
        try await SystemdSupport.withDirectory { directory in
            let path = directory + "/wardend.toml"
            try "[limits.default]\nmemory_mb = 77\n[log]\nlevel = \"info\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            let daemon = try SystemdDaemon(directory: directory, arguments: ["--config", path])
            defer { daemon.stop() }
            let body = try JSONSerialization.data(withJSONObject: ["code": "print(1)"])
            let response = try daemon.client.post("/v1/executions", body: Array(body))
            let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            let limits = object?["limits"] as? [String: Any]
            #expect(limits?["memory_mb"] as? Int == 77, "\(response.text)")
            #expect(daemon.log.contains("msg=\"configuration read\" config.file=\(path)"))
        }
    }

    /// The flags operators use are a contract.
    @Test(.timeLimit(.minutes(1)))
    func helpNamesTheConfigurationFlags() throws {
        let help = try Self.wardend(["--help"])
        #expect(help.status == 0)
        for flag in ["--config <config>", "--check-config", "--socket <socket>", "--state-dir <state-dir>", "--python <python>", "--log-level <log-level>"] {
            #expect(help.stderr.contains(flag), "wardend --help lacks \(flag):\n\(help.stderr)")
        }
        #expect(help.stderr.contains("/etc/warden/wardend.toml"))
    }
}

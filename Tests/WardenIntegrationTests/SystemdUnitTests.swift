import Foundation
import Testing
import WardenClient
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The unit files: `systemd-analyze verify` passes, they agree with the daemon, and the
/// capability bounding set and NoNewPrivileges of wardend.service still let it confine.
@Suite struct SystemdUnitTests {
    static let analyze = "/usr/bin/systemd-analyze"

    /// `[Section] Key=value` lines of a unit file (later lines win).
    static func settings(_ name: String) throws -> [String: String] {
        let text = try String(contentsOfFile: SystemdSupport.repository + "/systemd/" + name, encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("[") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            result[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return result
    }

    @Test(.timeLimit(.minutes(1)))
    func systemdAnalyzeVerifyPasses() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.analyze), "systemd-analyze is missing: Scripts/setup installs the systemd package")
        try await SystemdSupport.withDirectory { directory in
            // verify wants ExecStart= to exist: the same units, ExecStart pointing at the built wardend.
            for name in ["wardend.service", "wardend.socket"] {
                var text = try String(contentsOfFile: SystemdSupport.repository + "/systemd/" + name, encoding: .utf8)
                text = text.replacingOccurrences(
                    of: "ExecStart=/usr/local/bin/wardend", with: "ExecStart=" + RunningDaemon.executable("wardend")
                )
                try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
            }
            let result = try runProgram(
                "/bin/sh", ["-c", "cd '\(directory)' && \(Self.analyze) verify ./wardend.service ./wardend.socket"]
            )
            #expect(result.status == 0, "systemd-analyze verify: \(result.output)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "systemd-analyze verify said: \(result.output)")
        }
    }

    @Test func theUnitsAgreeWithTheDaemon() throws {
        let socket = try Self.settings("wardend.socket")
        #expect(socket["ListenStream"] == "/run/warden/warden.sock")
        #expect(socket["SocketMode"] == "0660")
        #expect(socket["SocketGroup"] == "warden")
        #expect(socket["Accept"] == "no")
        let service = try Self.settings("wardend.service")
        #expect(service["Type"] == "notify")
        #expect(service["ExecStart"] == "/usr/local/bin/wardend --config /etc/warden/wardend.toml")
        #expect(service["RuntimeDirectory"] == "warden")
        #expect(service["StateDirectory"] == "warden")
        #expect(service["Restart"] == "on-failure")
        #expect(service["Delegate"] == "yes")
        #expect(service["KillMode"] == "mixed", "SIGTERM must reach wardend only, not the workers it lets finish")
        #expect(service["WatchdogSec"] != nil)
        // The stop grace time (30 s by default) must end before systemd's SIGKILL.
        let stopTimeout = Double((service["TimeoutStopSec"] ?? "").replacingOccurrences(of: "s", with: "")) ?? 0
        #expect(stopTimeout > 30)
    }

    /// The daemon under exactly the unit's capability bounding set and NoNewPrivileges (via
    /// setpriv): every confinement layer it has without them is still active, executions run,
    /// and SIGTERM (which must kill the pre-started workers: CAP_KILL) ends it with status 0.
    @Test(.timeLimit(.minutes(2)), .enabled(if: getuid() == 0, "needs root: the bounding set only matters for a root daemon"))
    func theCapabilityBoundingSetStillConfines() async throws {
        let service = try Self.settings("wardend.service")
        let capabilities = try #require(service["CapabilityBoundingSet"]).split(separator: " ").map {
            "+" + $0.lowercased().replacingOccurrences(of: "cap_", with: "")
        }
        #expect(service["NoNewPrivileges"] == "yes")
        let reference = try RunningDaemon.start()
        let referenceLayers = try Self.activeLayers(reference.client)
        reference.stop()

        try await SystemdSupport.withDirectory { directory in
            let daemon = try SystemdDaemon(
                directory: directory,
                wrapper: ["/usr/bin/setpriv", "--bounding-set", "-all," + capabilities.joined(separator: ","), "--no-new-privs"]
            )
            defer { daemon.stop() }
            #expect(try Self.activeLayers(daemon.client) == referenceLayers)
            // The worker's uid as the host sees it (a zygote worker's own is its user namespace's).
            let code = """
                import os
                uid = os.getuid()
                host = [int(o) + uid - int(i) for i, o, n in (line.split() for line in open('/proc/self/uid_map')) if int(i) <= uid < int(i) + int(n)][0]
                print(host >= 2000000000, open('/work/f', 'w').write('x'))
                """
            let body = try JSONSerialization.data(withJSONObject: ["code": code, "security_level": "standard"])
            let answer = try daemon.client.post("/v1/executions", body: Array(body))
            let result = try JSONDecoder().decode(ExecutionResult.self, from: Data(answer.body))
            #expect(result.executionResult.stdout == "True 1\n", "\(answer.text)")
            daemon.terminate()
            #expect(daemon.waitExit(timeout: 20) == 0, "wardend log:\n\(daemon.log)")
        }
    }

    static func activeLayers(_ client: UnixHTTPClient) throws -> [String] {
        let health = try client.get("/v1/health")
        let object = try JSONSerialization.jsonObject(with: Data(health.body)) as? [String: Any]
        let layers = object?["layers"] as? [[String: Any]] ?? []
        return layers.filter { $0["active"] as? Bool == true }.compactMap { $0["name"] as? String }.sorted()
    }
}

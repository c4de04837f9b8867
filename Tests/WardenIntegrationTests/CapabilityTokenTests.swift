import Foundation
import Testing
import WardenClient
import WardenPolicy
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Capability tokens through the real daemon: refusals with their reason, and each grant
/// widening exactly its kernel layer (issue 5).
@Suite(.timeLimit(.minutes(3)))
struct CapabilityTokenTests {
    /// POST with tokens; returns the status and the decoded error body when not 200.
    private func refusal(_ daemon: RunningDaemon, tokens: [String], level: String = "strict") throws -> ErrorBody.Detail? {
        let response = try post(daemon, ["code": "print(1)", "capabilities": tokens, "security_level": level])
        if response.status == 200 { return nil }
        #expect(response.status == 403, "\(response.text)")
        return try errorBody(response).error
    }

    @Test func refusedTokensSayWhy() async throws {
        let revokedID = String(repeating: "ab", count: 16)
        try await withDaemon(environment: ["WARDEN_SECURITY_REVOKED_TOKENS": revokedID]) { daemon in
            let mint = try TokenMint(daemon: daemon)
            let valid = try mint.token(["import:socket"])
            #expect(try refusal(daemon, tokens: [valid]) == nil, "a valid token of the caller is accepted")

            let forged = try #require(try refusal(daemon, tokens: [try mint.token(["subprocess"], signingKey: mint.forgedKey)]))
            #expect(forged.message.contains("invalid_signature"))
            #expect(forged.message.contains("forged or altered"))
            #expect(forged.field == "capabilities[0]")

            // Tampered: the payload of a valid token swapped for one granting more.
            let parts = valid.split(separator: ".")
            let other = try mint.token(["subprocess", "network:*"]).split(separator: ".")
            let tampered = [parts[0], parts[1], other[2], parts[3]].joined(separator: ".")
            let altered = try #require(try refusal(daemon, tokens: [tampered]))
            #expect(altered.message.contains("invalid_signature"))

            let expired = try #require(try refusal(daemon, tokens: [try mint.token(["subprocess"], issuedAt: TokenMint.now - 7200, lifetime: 3600)]))
            #expect(expired.message.contains("(expired)"))
            #expect(expired.message.contains("expired 3"))

            let revoked = try #require(try refusal(daemon, tokens: [try mint.token(["subprocess"], id: revokedID)]))
            #expect(revoked.message.contains("(revoked)"))
            #expect(revoked.message.contains(revokedID))

            let foreign = try #require(try refusal(daemon, tokens: [try mint.token(["subprocess"], subject: .uid(getuid() &+ 4242))]))
            #expect(foreign.message.contains("(wrong_subject)"))
            #expect(foreign.message.contains("uid:\(getuid() &+ 4242)"))

            // A second token in the list is checked as strictly as the first, and named.
            let second = try #require(try refusal(daemon, tokens: [valid, "wdn1.x.e30.AAAA"]))
            #expect(second.field == "capabilities[1]")
            #expect(second.message.contains("malformed"))

            let grantsTheState = try #require(try refusal(daemon, tokens: [try mint.token(["file.read:\(daemon.stateDirectory)/*"])]))
            #expect(grantsTheState.message.contains("forbidden_grant"))
            #expect(grantsTheState.message.contains("daemon's own files"))
            let grantsProc = try #require(try refusal(daemon, tokens: [try mint.token(["file.read:/proc/1/*"])]))
            #expect(grantsProc.message.contains("/proc"))

            // More binds than the shim can make is a refusal, not a crash.
            let many = (0..<20).map { "file.read:/var/tmp/w\($0)/a/b/c/*" }
            let tooMany = try #require(try refusal(daemon, tokens: [try mint.token(many)]))
            #expect(tooMany.message.contains("mount operations"))
            #expect(try refusal(daemon, tokens: [valid]) == nil, "the daemon still serves")

            // Every refusal was logged once, with its reason.
            #expect(daemon.log.components(separatedBy: "request refused").count - 1 == 9)
        }
    }

    @Test func networkNeedsAGrantForItsEndpoint() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let code = "import socket\nport = \(listener.port)\nconnection = socket.create_connection(('127.0.0.1', port), timeout=5)\nprint('connected')\nconnection.close()\n"
        try await withDaemon { daemon in
            let without = try run(daemon, code, extra: ["security_level": "permissive"])
            #expect(!without.success)
            #expect(without.errorCategory == .securityError)
            #expect(without.errorDetails?.violationType == "network_access")

            // Issued with the real CLI, as an administrator would.
            let token = try issue(daemon, ["--cap", "network:127.0.0.1:\(listener.port)", "--for-uid", "\(getuid())"])
            let with = try run(daemon, code, extra: ["capabilities": [token]])
            #expect(with.success, "\(with.errorSummary ?? "")")
            #expect(with.executionResult.stdout == "connected\n")
            #expect(with.errorDetails == nil)
            // The history keeps the token's id, never the token (a bearer credential).
            let stored = try daemon.client.get("/v1/executions/\(with.executionId)")
            #expect(stored.status == 200)
            #expect(!stored.text.contains(token))
            #expect(stored.text.contains("redacted:"))

            // A host name resolves in the worker (its /etc/hosts) and matches its addresses.
            let named = try issue(daemon, ["--cap", "network:localhost:\(listener.port)", "--for-uid", "\(getuid())"])
            let byName = try run(daemon, code.replacingOccurrences(of: "'127.0.0.1'", with: "'localhost'"), extra: ["capabilities": [named]])
            #expect(byName.success, "\(byName.errorSummary ?? "")")

            // Another port is refused (in user space: the harness's audit hook).
            let elsewhere = try run(daemon, code.replacingOccurrences(of: "port = \(listener.port)", with: "port = \(listener.port == 65535 ? 1 : listener.port + 1)"), extra: ["capabilities": [token]])
            #expect(elsewhere.errorCategory == .securityError)
            #expect(elsewhere.errorDetails?.violationType == "network_access")
            #expect(elsewhere.errorDetails?.availableCapabilities == ["network:127.0.0.1:\(listener.port)"])
        }
    }

    @Test func fileGrantsBindTheirDirectory() async throws {
        try await withGrantableDirectory { directory in
            let read = "print(open('\(directory)/input.txt').read(), end='')\n"
            let write = "open('\(directory)/output.txt', 'w').write('from the sandbox')\nprint('written')\n"
            try await withDaemon { daemon in
                let mint = try TokenMint(daemon: daemon)
                let without = try run(daemon, read)
                #expect(!without.success)
                #expect(without.executionResult.exceptionInfo?.type == "FileNotFoundError")

                let reader = try mint.token(["file.read:\(directory)/*"])
                let granted = try run(daemon, read, extra: ["capabilities": [reader]])
                #expect(granted.success, "\(granted.errorSummary ?? "")")
                #expect(granted.executionResult.stdout == "granted data\n")

                let readOnly = try run(daemon, write, extra: ["capabilities": [reader]])
                #expect(readOnly.errorCategory == .securityError)
                #expect(readOnly.errorDetails?.violationType == "file_write")
                #expect(readOnly.errorDetails?.requiredCapability == "file.write:\(directory)/output.txt")
                #expect(readOnly.recoveryOptions?.first { $0.option == .requestCapability }?.capability == "file.write:\(directory)/output.txt")
                #expect(!FileManager.default.fileExists(atPath: directory + "/output.txt"))

                let writer = try mint.token(["file.write:\(directory)/*"])
                let written = try run(daemon, write, extra: ["capabilities": [writer]])
                #expect(written.success, "\(written.errorSummary ?? "")")
                #expect((try? String(contentsOfFile: directory + "/output.txt", encoding: .utf8)) == "from the sandbox")
            }
        }
    }

    @Test func strictImportGrantDoesNotOpenTheNetwork() async throws {
        let code = "import socket\nprint('imported')\nsocket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
        try await withDaemon { daemon in
            let blocked = try run(daemon, code, extra: ["security_level": "strict"])
            #expect(blocked.errorCategory == .securityError)
            #expect(blocked.errorDetails?.violationType == "blocked_import")
            #expect(blocked.errorDetails?.requiredCapability == "import:socket")
            #expect(blocked.errorDetails?.availableModules?.contains("json") == true)
            #expect(blocked.errorDetails?.availableModules?.contains("socket") == false)
            #expect(blocked.errorDetails?.availableCapabilities == [])
            #expect(blocked.recoveryOptions?.first { $0.option == .requestCapability }?.capability == "import:socket")

            let mint = try TokenMint(daemon: daemon)
            let imported = try run(daemon, code, extra: ["capabilities": [try mint.token(["import:socket"])]])
            #expect(imported.executionResult.stdout == "imported\n")
            #expect(imported.errorCategory == .securityError)
            #expect(imported.errorDetails?.violationType == "network_access")
            #expect(imported.errorDetails?.availableCapabilities == ["import:socket"])
        }
    }

    @Test func subprocessNeedsItsGrant() async throws {
        let code = "import subprocess\nprint(subprocess.run(['/bin/true']).returncode)\n"
        try await withDaemon { daemon in
            // Enough processes to fork, so that the refusal is the execve itself.
            let without = try run(daemon, code, extra: ["security_level": "permissive", "limits": ["max_processes": 4]])
            #expect(!without.success)
            #expect(without.errorCategory == .securityError)
            #expect(without.errorDetails?.violationType == "process_spawn")
            #expect(without.errorDetails?.requiredCapability == "subprocess")

            let mint = try TokenMint(daemon: daemon)
            let with = try run(daemon, code, extra: ["capabilities": [try mint.token(["subprocess"])]])
            #expect(with.success, "\(with.errorSummary ?? "")")
            #expect(with.executionResult.stdout == "0\n")
            #expect(with.limits.maxProcesses == CapabilityGrants.subprocessProcesses)
        }
    }

    @Test func standingPolicyGrantsAndRestrictsLevels() async throws {
        let directory = try temporaryConfigurationDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/wardend.toml"
        try """
            [[policy]]
            uid = \(getuid())
            levels = ["strict"]
            capabilities = ["import:socket", "limits.memory_mb:300"]

            [security]
            max_memory_mb = 150
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try await withDaemon(arguments: ["--config", config]) { daemon in
            let imported = try run(daemon, "import socket\nprint('ok')\n", extra: ["limits": ["memory_mb": 1000]])
            #expect(imported.success)
            #expect(imported.limits.memoryMB == 300)
            let permissive = try post(daemon, ["code": "print(1)", "security_level": "permissive"])
            #expect(permissive.status == 403)
            let body = try errorBody(permissive)
            #expect(body.error.field == "security_level")
            #expect(body.error.message.contains("may not use security level 'permissive'"))
        }
    }

    @Test func cliInspectsTokens() async throws {
        try await withDaemon { daemon in
            let token = try issue(daemon, ["--cap", "import:numpy", "--cap", "file.read:/srv/data/*", "--for-gid", "100"])
            let valid = try warden(["token", "inspect", "--state-dir", daemon.stateDirectory, token])
            #expect(valid.status == 0)
            #expect(valid.output.contains("subject:      gid:100"))
            #expect(valid.output.contains("signature:    valid"))
            #expect(valid.output.contains("  file.read:/srv/data/*"))
            let parts = token.split(separator: ".")
            let forged = [parts[0], parts[1], parts[2], Substring(String(repeating: "A", count: 43))].joined(separator: ".")
            let invalid = try warden(["token", "inspect", "--state-dir", daemon.stateDirectory, forged])
            #expect(invalid.status == 1)
            #expect(invalid.output.contains("signature:    INVALID"))
            let refused = try warden(["token", "issue", "--state-dir", daemon.stateDirectory, "--cap", "file.read:relative", "--for-anyone"])
            #expect(refused.status != 0)
            #expect(refused.output.contains("the path must be absolute"))
        }
    }

    /// Runs the `warden` CLI; its exit status and stdout + stderr.
    private func warden(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunningDaemon.executable("warden"))
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `warden token issue` against the daemon's state directory; the token on stdout.
    private func issue(_ daemon: RunningDaemon, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunningDaemon.executable("warden"))
        process.arguments = ["token", "issue", "--state-dir", daemon.stateDirectory, "--ttl", "10m"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw DaemonError("warden token issue exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func temporaryConfigurationDirectory() throws -> String {
        var template = Array("/tmp/wcfg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw DaemonError("mkdtemp") }
        return String(cString: made)
    }
}

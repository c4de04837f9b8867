import Foundation
import Testing
import WardenClient
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The hostile-script suite of `Tests/Adversarial/` (issue 3): each script, through a real
/// daemon, must get the verdict its header states; afterwards the daemon answers and runs code
/// again, no process of the execution remains, nothing was written outside its work
/// directory, and neither the canary nor "ESCAPE:" shows up in any output.
///
/// One daemon serves the whole suite, as one daemon serves a host in production: its uid pool
/// gives every execution a uid of its own, and daemons started side by side would hand out the
/// same uids (and meet each other's process limits). The cases run one after the other, so
/// that every process of an execution the daemon has belongs to the case at hand.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct AdversarialTests {
    static let scripts = AdversarialScript.standaloneNames()

    @Test(arguments: AdversarialTests.scripts)
    func hostileScript(_ name: String) async throws {
        let report = await AdversarialHost.onThread {
            defer { AdversarialDaemon.shared.caseFinished(of: AdversarialTests.scripts.count) }
            return AdversarialCase(name: name).run()
        }
        AdversarialCase.log(name: name, report: report)
        for problem in report.problems {
            Issue.record("\(name): \(problem)\n  actual: \(report.actual.joined(separator: "\n  actual: "))")
        }
    }

    /// Every script parses, says what it expects, is sent after the guard (or says why not and
    /// has no copy of its own), names an existing partner, and is listed in the README.
    @Test func scriptsAreWellFormed() throws {
        let names = AdversarialScript.allNames()
        #expect(names.count >= 40, "Tests/Adversarial has \(names.count) scripts")
        #expect(!names.contains(AdversarialScript.guardFileName), "the guard is listed as a script")
        #expect(!AdversarialScript.standaloneNames().contains(AdversarialScript.guardFileName))
        let readme = try String(
            contentsOf: AdversarialScript.directory.appendingPathComponent("README.md"), encoding: .utf8)
        // The guard: one file, plain code, with no placeholder (so what is sent begins with it
        // exactly), ending in a newline (so the script's first line stays a line of its own).
        let confinementGuard = try AdversarialScript.confinementGuard()
        #expect(confinementGuard.contains("ESCAPE: not confined") && confinementGuard.contains("raise SystemExit(0)"))
        #expect(confinementGuard.hasSuffix("\n") && !confinementGuard.contains("@"))
        let substitutions = ["@TOKEN@": "abcd1234", "@STATE_DIR@": "/x", "@PARTNER_PIDS@": "[]", "@ZYGOTE_PIDS@": "[]"]
        for name in names {
            let script = try AdversarialScript.load(name)
            #expect(!script.expectations.isEmpty, "\(name) has no # expect: line")
            // The runner sends `sentCode`: the guard first, then the script; no script keeps a copy.
            let sent = script.sentCode(substitutions)
            #expect(!script.source.contains("_guard_os"), "\(name) has a pasted copy of the guard")
            switch script.guardExemption?.split(separator: " ").first {
            case nil:
                #expect(sent.hasPrefix(confinementGuard), "\(name) is not sent after the guard")
                #expect(script.code == confinementGuard + script.source)
                #expect(!script.source.contains("ESCAPE: not confined"), "\(name) has a check of its own")
            case "none":
                #expect(script.code == script.source && !script.source.contains("ESCAPE: not confined"))
            case "own":
                #expect(script.code == script.source)
                #expect(script.source.contains("ESCAPE: not confined"), "\(name) says it checks, but does not")
            case let other:
                Issue.record("\(name): '# guard: \(other ?? "")…' is neither 'none (why)' nor 'own (why)'")
            }
            if script.requestJSON != nil {
                #expect(throws: Never.self, "\(name): bad # request:") {
                    _ = try script.requestBody(["@TOKEN@": "abcd1234", "@STATE_DIR@": "/x"])
                }
            }
            if let partner = script.partner {
                let partnerScript = try AdversarialScript.load(partner)
                #expect(partnerScript.isPartner, "\(name)'s partner \(partner) lacks '# role: partner'")
            }
            #expect(readme.contains("`\(name)`"), "README.md does not list \(name)")
        }
    }
}

/// The suite's daemon: started on first use, started again if a case killed it, stopped after
/// the last case (and at exit, whatever happened).
final class AdversarialDaemon: @unchecked Sendable {
    // @unchecked: every field is guarded by `lock`.
    static let shared = AdversarialDaemon()

    private let lock = NSLock()
    private var daemon: RunningDaemon?
    private var finished = 0
    private var exitHookInstalled = false

    /// The running daemon, starting one (with the canary file in its state directory) if needed.
    func current() throws -> RunningDaemon {
        lock.lock()
        defer { lock.unlock() }
        if let daemon, daemon.process.isRunning { return daemon }
        daemon?.stop()
        let started = try RunningDaemon.start(environment: ["WARDEN_ADVERSARIAL_CANARY": AdversarialHost.canary])
        FileManager.default.createFile(
            atPath: started.stateDirectory + "/" + AdversarialHost.canaryFileName,
            contents: Data(AdversarialHost.canary.utf8), attributes: [.posixPermissions: 0o600])
        daemon = started
        if !exitHookInstalled {
            exitHookInstalled = true
            atexit { AdversarialDaemon.shared.stop() }
        }
        return started
    }

    /// Stops the daemon once every case has finished.
    func caseFinished(of total: Int) {
        lock.lock()
        finished += 1
        let last = finished >= total
        lock.unlock()
        if last { stop() }
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        daemon?.stop()
        daemon = nil
    }
}

/// What one test case found.
struct AdversarialReport: Sendable {
    var problems: [String] = []
    var actual: [String] = []
}

/// One test case on the suite's daemon: the script (and its partner), then the checks.
struct AdversarialCase {
    let name: String

    static let reportLock = NSLock()

    /// Prints one line per case; with WARDEN_ADVERSARIAL_REPORT=path, appends it there too.
    static func log(name: String, report: AdversarialReport) {
        let verdict = report.problems.isEmpty ? "PASS" : "FAIL"
        let line = "adversarial \(verdict) \(name): " + report.actual.joined(separator: " || ")
            + (report.problems.isEmpty ? "" : " || problems: " + report.problems.joined(separator: "; "))
        print(line)
        guard let path = ProcessInfo.processInfo.environment["WARDEN_ADVERSARIAL_REPORT"] else { return }
        reportLock.lock()
        defer { reportLock.unlock() }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            handle.closeFile()
        }
    }

    func run() -> AdversarialReport {
        var report = AdversarialReport()
        let script: AdversarialScript
        let partner: AdversarialScript?
        do {
            script = try AdversarialScript.load(name)
            partner = try script.partner.map(AdversarialScript.load)
        } catch {
            report.problems.append("cannot load: \(error)")
            return report
        }
        let daemon: RunningDaemon
        do {
            daemon = try AdversarialDaemon.shared.current()
        } catch {
            report.problems.append("daemon did not start: \(error)")
            return report
        }

        let token = AdversarialHost.token()
        var substitutions = [
            "@TOKEN@": token,
            "@STATE_DIR@": daemon.stateDirectory,
            "@DAEMON_PID@": String(daemon.process.processIdentifier),
            "@RUNNER_PID@": String(getpid()),
            "@PARTNER_PIDS@": "[]",
        ]
        let zygotes = AdversarialHost.zygotes(of: daemon)
        substitutions["@ZYGOTE_PIDS@"] = "[" + zygotes.sorted().map(String.init).joined(separator: ", ") + "]"
        let canaryPath = daemon.stateDirectory + "/" + AdversarialHost.canaryFileName

        // A trivial execution first: the daemon works.
        let warmUp = Self.execute(daemon, script: "warm-up", code: "print('ready')", body: [:])
        guard warmUp.result?.success == true, warmUp.result?.executionResult.stdout == "ready\n" else {
            report.problems.append("the daemon cannot run print('ready'): \(warmUp.summary)")
            return report
        }
        // Whatever the daemon keeps running between executions (pre-started workers waiting
        // for a job) is not counted by `workerProcesses()`; anything else is an execution's.
        // (A worker being spawned shows up for a moment as a copy of the daemon: wait it out.)
        var before = daemon.workerProcesses()
        let settled = Date().addingTimeInterval(2)
        while !before.isEmpty && Date() < settled {
            usleep(50_000)
            before = daemon.workerProcesses()
        }
        if !before.isEmpty {
            report.problems.append(
                "processes of earlier executions are still there before this one: "
                    + before.map(AdversarialHost.describe).joined(separator: "; "))
        }

        // The partner first (it listens, creates, holds), then the script itself.
        var outcomes: [(AdversarialScript, AdversarialOutcome)] = []
        var partnerRun: AdversarialHost.Background<AdversarialOutcome>?
        if let partner, script.partnerRunsFirst {
            do {
                let body = try partner.requestBody(substitutions)
                outcomes.append((partner, Self.execute(daemon, script: partner.name, code: partner.sentCode(substitutions), body: body)))
            } catch {
                report.problems.append("\(error)")
                return report
            }
        } else if let partner {
            let partnerCode = partner.sentCode(substitutions)
            let partnerBody: [String: Any]
            do { partnerBody = try partner.requestBody(substitutions) } catch {
                report.problems.append("\(error)")
                return report
            }
            let body = AdversarialBody(partnerBody)
            partnerRun = AdversarialHost.Background {
                Self.execute(daemon, script: partner.name, code: partnerCode, body: body.value)
            }
            // Its processes, for the scripts that aim at them by host pid.
            let deadline = Date().addingTimeInterval(2)
            var pids: Set<Int32> = []
            repeat {
                usleep(100_000)
                pids = AdversarialHost.workers(of: daemon)
            } while pids.isEmpty && Date() < deadline
            usleep(400_000)  // let it set up (it holds for 4 s)
            pids.formUnion(AdversarialHost.workers(of: daemon))
            if pids.isEmpty { report.problems.append("no process of the partner \(partner.name) was found") }
            substitutions["@PARTNER_PIDS@"] = "[" + pids.sorted().map(String.init).joined(separator: ", ") + "]"
        }
        let code = script.sentCode(substitutions)
        do {
            let body = try script.requestBody(substitutions)
            outcomes.append((script, Self.execute(daemon, script: script.name, code: code, body: body)))
        } catch {
            report.problems.append("\(error)")
        }
        if let partner, let partnerRun { outcomes.insert((partner, partnerRun.wait()), at: 0) }

        // The zygotes are untouchable: every one that was there before is still there.
        let lostZygotes = zygotes.filter { kill($0, 0) != 0 }
        if !lostZygotes.isEmpty { report.problems.append("zygotes ended during the case: \(lostZygotes.sorted())") }

        // The verdicts.
        for (script, outcome) in outcomes {
            report.actual.append("\(script.name): \(outcome.summary)")
            for problem in outcome.unmet(script.expectations, substitutions: substitutions) {
                report.problems.append("\(script.name): \(problem)")
            }
            let output = (outcome.result?.executionResult.stdout ?? "") + (outcome.result?.executionResult.stderr ?? "")
            // Scripts print "ESCAPE: …" at the start of a line (a traceback quotes code indented).
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("ESCAPE:") }) {
                report.problems.append("\(script.name) reported an escape: \(line.prefix(400))")
            }
            if outcome.body.contains(AdversarialHost.canary) {
                report.problems.append("\(script.name): the daemon's canary appears in the answer")
            }
        }

        // The daemon survived and still works.
        if !daemon.process.isRunning {
            report.problems.append("the daemon died (log: \(daemon.log.suffix(800)))")
            return report
        }
        let health = try? daemon.client.get("/v1/health")
        if health?.status != 200 { report.problems.append("GET /v1/health answered \(health?.status ?? -1)") }
        let again = Self.execute(daemon, script: "follow-up", code: "print('still-ok')", body: [:])
        if again.result?.success != true || again.result?.executionResult.stdout != "still-ok\n" {
            report.problems.append("the daemon no longer runs print('still-ok'): \(again.summary)")
        }

        // No process of the executions remains.
        let marker = "wadv-" + token
        var leftovers: Set<Int32> = []
        let deadline = Date().addingTimeInterval(2)
        repeat {
            leftovers = Set(daemon.workerProcesses()).union(AdversarialHost.processes(named: marker))
            if leftovers.isEmpty { break }
            usleep(50_000)
        } while Date() < deadline
        if !leftovers.isEmpty {
            report.problems.append(
                "processes remain after the execution: "
                    + leftovers.sorted().map(AdversarialHost.describe).joined(separator: "; "))
            for pid in leftovers { kill(pid, SIGKILL) }
        }

        // Nothing was written outside the work directory.
        let declared = ([script] + (partner.map { [$0] } ?? [])).flatMap(\.sentinels)
            .map { AdversarialScript.substitute($0, substitutions) }
        let found = AdversarialHost.sentinelsFound(
            declared: declared, token: token,
            directories: AdversarialHost.scanDirectories(
                stateDirectory: daemon.stateDirectory, daemonDirectory: daemon.directory))
        if !found.isEmpty { report.problems.append("written outside the work directory (removed now): \(found)") }
        let ipc = AdversarialHost.sysvObjects(key: AdversarialHost.sysvKey(token: token))
        if !ipc.isEmpty { report.problems.append("SysV objects of the execution exist on the host: \(ipc)") }
        let canaryNow = try? String(contentsOfFile: canaryPath, encoding: .utf8)
        if canaryNow != AdversarialHost.canary {
            report.problems.append("the canary file in the daemon's state directory was removed or changed")
        }
        return report
    }

    /// POSTs one execution and decodes the answer; never throws (a transport failure is an outcome).
    static func execute(
        _ daemon: RunningDaemon, script: String, code: String, body: [String: Any]
    ) -> AdversarialOutcome {
        var body = body
        body["code"] = code
        let started = Date()
        let response: HTTPClientResponse
        do {
            response = try post(daemon, body)
        } catch {
            return AdversarialOutcome(
                script: script, status: -1, body: "transport failure: \(error)", result: nil, decodeProblem: nil,
                seconds: Date().timeIntervalSince(started))
        }
        let seconds = Date().timeIntervalSince(started)
        var result: ExecutionResult?
        var problem: String?
        if response.status == 200 {
            do { result = try JSONDecoder().decode(ExecutionResult.self, from: Data(response.body)) } catch {
                let valid = (try? JSONSerialization.jsonObject(with: Data(response.body))) != nil
                problem = "\(error) (\(response.body.count) bytes, \(valid ? "valid" : "invalid") JSON, ends with "
                    + "\(String(decoding: response.body.suffix(120), as: UTF8.self)))"
            }
        }
        return AdversarialOutcome(
            script: script, status: response.status, body: response.text, result: result, decodeProblem: problem,
            seconds: seconds)
    }
}

/// A request body handed to another thread (JSON values only).
struct AdversarialBody: @unchecked Sendable {
    // @unchecked: built from JSONSerialization output, never mutated after init.
    let value: [String: Any]
    init(_ value: [String: Any]) { self.value = value }
}

import Foundation
import WardenClient

#if canImport(Glibc)
import Glibc
#endif

/// A real `wardend` on a temporary socket and state directory, stopped and removed by `stop()`.
final class RunningDaemon: @unchecked Sendable {
    // @unchecked: `process` is only touched by start/stop/kill/restart, which the owning test
    // calls in order.
    let directory: String
    let socketPath: String
    let stateDirectory: String
    private(set) var process: Process
    let logPath: String
    private let arguments: [String]
    private let environment: [String: String]
    private let asUser: String?

    var client: UnixHTTPClient { UnixHTTPClient(socketPath: socketPath, timeoutSeconds: 120) }

    /// Directory of the built products: the test binary sits beside wardend and warden.
    static var productsDirectory: String {
        if let override = ProcessInfo.processInfo.environment["WARDEN_BIN_DIR"] { return override }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    static func executable(_ name: String) -> String {
        productsDirectory + "/" + name
    }

    private init(directory: String, arguments: [String], environment: [String: String], asUser: String?) throws {
        self.directory = directory
        self.socketPath = directory + "/w.sock"
        self.stateDirectory = directory + "/state"
        self.logPath = directory + "/wardend.log"
        self.arguments = arguments
        self.environment = environment
        self.asUser = asUser
        FileManager.default.createFile(atPath: logPath, contents: nil)
        self.process = Process()
        self.process = try makeProcess()
    }

    /// A `wardend` process on this directory's socket and state, not yet started; its output
    /// is appended to the log.
    private func makeProcess() throws -> Process {
        let process = Process()
        // The embedded defaults unless the test names a file: a host where Scripts/install put
        // /etc/warden/wardend.toml must not change what the tests see.
        let configuration = arguments.contains("--config") || environment["WARDEN_CONFIG"] != nil ? [] : ["--config", "/dev/null"]
        let daemonArguments =
            ["--socket", socketPath, "--state-dir", stateDirectory, "--log-level", "debug"] + configuration + arguments
        if let asUser {
            // The daemon as an unprivileged user: it owns its temporary directory.
            guard let entry = getpwnam(asUser) else { throw DaemonError("no user \(asUser) on this host") }
            _ = chown(directory, entry.pointee.pw_uid, entry.pointee.pw_gid)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = [
                "--reuid=\(entry.pointee.pw_uid)", "--regid=\(entry.pointee.pw_gid)", "--clear-groups",
                Self.executable("wardend"),
            ] + daemonArguments
        } else {
            process.executableURL = URL(fileURLWithPath: Self.executable("wardend"))
            process.arguments = daemonArguments
        }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let log = FileHandle(forWritingAtPath: logPath)!
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        return process
    }

    /// Starts a daemon and waits until its socket answers (at most 30 s).
    static func start(
        arguments: [String] = [], environment: [String: String] = [:], asUser: String? = nil
    ) throws -> RunningDaemon {
        // Short paths: sun_path holds 108 bytes.
        var template = Array("/tmp/wt-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw DaemonError("could not create a temporary directory") }
        // Searchable (not listable) by others, as /var/lib is: the zygotes run as a sandbox uid
        // and reach their root and the harness through the state directory's ancestors.
        _ = chmod(made, 0o711)
        let daemon = try RunningDaemon(
            directory: String(cString: made), arguments: arguments, environment: environment, asUser: asUser
        )
        do {
            try daemon.launch()
        } catch {
            daemon.stop()
            throw error
        }
        return daemon
    }

    /// Runs `process` and waits until its socket answers (at most 30 s).
    private func launch() throws {
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let response = try? client.get("/v1/health"), response.status == 200 { return }
            if !process.isRunning {
                throw DaemonError("wardend exited during start-up: \(log)")
            }
            usleep(20_000)
        }
        throw DaemonError("wardend did not answer within 30 s")
    }

    /// SIGKILL, as a crash would end the daemon: no graceful shutdown, no cleanup. The
    /// directory (socket, state) stays for `restart()`.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Starts a new daemon on the same socket and state directory (after `kill()` or a stop
    /// of the process), with the same arguments, and waits until it answers.
    func restart() throws {
        if process.isRunning { kill() }
        process = try makeProcess()
        try launch()
    }

    /// SIGTERM, then SIGKILL after 10 s; removes the temporary directory.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// A pre-started worker that has not been given a job yet: started with `--warm` or forked
    /// by a zygote, still holding its job pipe on fd 4 (the harness closes it on reading the
    /// job, before any user code runs, so no descendant of user code has it).
    static func isWaitingWarmWorker(_ pid: Int32) -> Bool {
        guard let command = commandLine(pid), command.contains("--warm") || command.contains("--zygote"),
            let job = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/4")
        else { return false }
        // A pipe: waiting for its job. /dev/null: forked by a zygote a moment ago and not yet
        // holding its own descriptors (the zygote's fd 4) — before its job all the same.
        return job.hasPrefix("pipe:") || job == "/dev/null"
    }

    /// A zygote (`--zygote`, the daemon's child): it forks workers and never runs user code.
    static func isZygote(_ pid: Int32) -> Bool {
        commandLine(pid)?.contains("--zygote") == true
    }

    static func commandLine(_ pid: Int32) -> String? {
        FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map {
            String(decoding: $0.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
        }
    }

    /// Live processes that belong to this daemon's executions: its descendants (workers and
    /// whatever they started), plus any process whose command line mentions its state
    /// directory (unconfined workers that escaped their parent). Zombies, the zygotes and the
    /// pre-started workers still waiting for a job are not counted.
    func workerProcesses() -> [Int32] {
        let daemonPID = process.processIdentifier
        var parents: [Int32: Int32] = [:]
        var mentions: Set<Int32> = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != daemonPID,
                let status = try? String(contentsOfFile: "/proc/\(entry)/status", encoding: .utf8)
            else { continue }
            let fields = Dictionary(
                status.split(separator: "\n").compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                },
                uniquingKeysWith: { first, _ in first }
            )
            if fields["State"]?.hasPrefix("Z") == true { continue }
            parents[pid] = Int32(fields["PPid"] ?? "") ?? 0
            if let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(stateDirectory)
            {
                mentions.insert(pid)
            }
        }
        let zygotes = Set(parents.keys.filter { parents[$0] == daemonPID && Self.isZygote($0) })
        return parents.keys.filter { pid in
            if zygotes.contains(pid) { return false }
            if let parent = parents[pid], parent == daemonPID || zygotes.contains(parent), Self.isWaitingWarmWorker(pid) {
                return false
            }
            if mentions.contains(pid) { return true }
            var current = pid
            for _ in 0..<64 {
                guard let parent = parents[current] else { return false }
                if parent == daemonPID { return true }
                current = parent
            }
            return false
        }.sorted()
    }
}

/// Runs `body` against a fresh daemon and always stops it.
func withDaemon<T>(
    arguments: [String] = [], environment: [String: String] = [:], asUser: String? = nil,
    _ body: (RunningDaemon) async throws -> T
) async throws -> T {
    let daemon = try RunningDaemon.start(arguments: arguments, environment: environment, asUser: asUser)
    defer { daemon.stop() }
    return try await body(daemon)
}

struct DaemonError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

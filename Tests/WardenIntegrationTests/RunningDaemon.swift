import Foundation
import WardenClient

#if canImport(Glibc)
import Glibc
#endif

/// A real `wardend` on a temporary socket and state directory, stopped and removed by `stop()`.
final class RunningDaemon: @unchecked Sendable {
    // @unchecked: `process` is only touched by start/stop, which the owning test calls in order.
    let directory: String
    let socketPath: String
    let stateDirectory: String
    let process: Process
    let logPath: String

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

    private init(directory: String, arguments: [String]) throws {
        self.directory = directory
        self.socketPath = directory + "/w.sock"
        self.stateDirectory = directory + "/state"
        self.logPath = directory + "/wardend.log"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable("wardend"))
        process.arguments = ["--socket", socketPath, "--state-dir", stateDirectory, "--log-level", "debug"] + arguments
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)!
        process.standardError = log
        process.standardOutput = log
        self.process = process
    }

    /// Starts a daemon and waits until its socket answers (at most 30 s).
    static func start(arguments: [String] = []) throws -> RunningDaemon {
        // Short paths: sun_path holds 108 bytes.
        var template = Array("/tmp/wt-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw DaemonError("could not create a temporary directory") }
        let daemon = try RunningDaemon(directory: String(cString: made), arguments: arguments)
        try daemon.process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let response = try? daemon.client.get("/v1/health"), response.status == 200 { return daemon }
            if !daemon.process.isRunning {
                let log = (try? String(contentsOfFile: daemon.logPath, encoding: .utf8)) ?? ""
                daemon.stop()
                throw DaemonError("wardend exited during start-up: \(log)")
            }
            usleep(20_000)
        }
        daemon.stop()
        throw DaemonError("wardend did not answer within 30 s")
    }

    /// SIGTERM, then SIGKILL after 10 s; removes the temporary directory.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Processes whose command line mentions this daemon's state directory (its workers).
    func workerProcesses() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != process.processIdentifier,
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            let commandLine = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return commandLine.contains(stateDirectory) ? pid : nil
        }
    }
}

/// Runs `body` against a fresh daemon and always stops it.
func withDaemon<T>(arguments: [String] = [], _ body: (RunningDaemon) async throws -> T) async throws -> T {
    let daemon = try RunningDaemon.start(arguments: arguments)
    defer { daemon.stop() }
    return try await body(daemon)
}

struct DaemonError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

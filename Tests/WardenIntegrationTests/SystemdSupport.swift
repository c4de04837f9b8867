import Foundation
import Synchronization
import WardenClient

#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the systemd tests: temporary directories, a listening socket the test owns, a
/// daemon spawned with that socket as fd 3 (as systemd passes it), a datagram socket standing
/// in for systemd's `NOTIFY_SOCKET`, and blocking requests on threads of their own.
enum SystemdSupport {
    /// A short temporary directory (sun_path holds 108 bytes), removed after `body`.
    static func withDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        var template = Array("/tmp/ws-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw DaemonError("could not create a temporary directory") }
        let directory = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func unixAddress(_ path: String) -> (sockaddr_un, socklen_t) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (index, byte) in bytes.enumerated() { raw[index] = byte } }
        return (address, socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1)))
    }

    /// A listening Unix stream socket at `path`, as `wardend.socket` makes it.
    static func listeningSocket(_ path: String, mode: mode_t = 0o660) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DaemonError("socket: errno \(errno)") }
        var (address, length) = unixAddress(path)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 256) == 0 else {
            close(fd)
            throw DaemonError("bind/listen \(path): errno \(errno)")
        }
        chmod(path, mode)
        return fd
    }

    /// A bound datagram socket that receives what the daemon sends to `NOTIFY_SOCKET`.
    static func notifySocket(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DaemonError("socket: errno \(errno)") }
        var (address, length) = unixAddress(path)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw DaemonError("bind \(path): errno \(errno)") }
        return fd
    }

    /// The next notification, or nil after `timeout` seconds.
    static func receive(_ fd: Int32, timeout: Double) -> String? {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count >= 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    /// Spawns `wardend` (behind `wrapper`, e.g. setpriv) with `arguments` and `environment`
    /// added to the test's own, its output appended to `logPath`. With `listening`, that socket
    /// is fd 3 with `LISTEN_FDS=1` and `LISTEN_PID` its own pid (set by a shell that then execs
    /// the daemon, keeping the pid): what systemd does.
    static func spawn(
        wrapper: [String] = [], arguments: [String], environment: [String: String] = [:], listening: Int32? = nil,
        logPath: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var moved: Int32?
        if let listening {
            // dup2 onto itself would keep close-on-exec: move it away from 3 first.
            let source = listening == 3 ? fcntl(listening, F_DUPFD_CLOEXEC, 4) : listening
            if source != listening { moved = source }
            posix_spawn_file_actions_adddup2(&actions, source, 3)
        }
        defer { if let moved { close(moved) } }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv = wrapper + [RunningDaemon.executable("wardend")] + arguments
        if listening != nil {
            argv = ["/bin/sh", "-c", "LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=wardend.socket exec \"$@\"", "sh"] + argv
        }
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        let merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LISTEN_") }.merging(environment) { $1 }
        var cEnvironment = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cEnvironment { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, &cEnvironment)
        guard status == 0 else { throw DaemonError("posix_spawn \(argv[0]): \(status)") }
        return pid
    }

    /// Waits for `pid` to exit (at most `timeout` seconds); its exit status, or nil.
    static func wait(_ pid: pid_t, timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            let result = waitpid(pid, &status, WNOHANG)
            if result < 0 && errno == ECHILD { return nil }  // not (or no longer) our child
            if result == pid {
                // WIFEXITED / WEXITSTATUS; a signal death is reported as 128 + signal.
                return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            usleep(10_000)
        }
        return nil
    }

    /// Waits until `socketPath` answers /v1/health (at most 30 s).
    static func waitUntilServing(_ socketPath: String) -> Bool {
        let client = UnixHTTPClient(socketPath: socketPath, timeoutSeconds: 10)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let response = try? client.get("/v1/health"), response.status == 200 { return true }
            usleep(20_000)
        }
        return false
    }

    /// Runs `count` blocking calls at once, each on a thread of its own (blocking calls do not
    /// belong on the cooperative pool), and returns their results in order.
    static func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) async -> [T] {
        let results = Mutex<[Int: T]>([:])
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let remaining = Mutex(count)
            for index in 0..<count {
                let thread = Thread {
                    let value = body(index)
                    results.withLock { $0[index] = value }
                    let last = remaining.withLock { count -> Bool in
                        count -= 1
                        return count == 0
                    }
                    if last { continuation.resume() }
                }
                thread.start()
            }
        }
        return results.withLock { stored in (0..<count).map { stored[$0]! } }
    }
}

/// A `wardend` started the way the systemd tests need: behind a wrapper, with extra
/// environment, or on a socket it did not create. Stopped and removed by `stop()`.
final class SystemdDaemon: @unchecked Sendable {
    // @unchecked: `exitStatus` is only touched by waitExit/stop, which the owning test calls in order.
    let directory: String
    let socketPath: String
    let stateDirectory: String
    let logPath: String
    let pid: pid_t
    private var exitStatus: Int32?

    var client: UnixHTTPClient { UnixHTTPClient(socketPath: socketPath, timeoutSeconds: 120) }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Starts wardend in `directory` (its socket `w.sock` unless `listening` is given, its state
    /// `state/`); waits until it answers unless `waitUntilServing` is false.
    init(
        directory: String, wrapper: [String] = [], arguments: [String] = [], environment: [String: String] = [:],
        listening: Int32? = nil, socketPath: String? = nil, waitUntilServing: Bool = true
    ) throws {
        self.directory = directory
        self.socketPath = socketPath ?? directory + "/w.sock"
        self.stateDirectory = directory + "/state"
        self.logPath = directory + "/wardend-\(UInt32.random(in: 0...UInt32.max)).log"
        var daemonArguments = ["--state-dir", stateDirectory, "--log-level", "debug"]
        // Embedded defaults, whatever /etc/warden/wardend.toml holds on this machine.
        if !arguments.contains("--config") { daemonArguments += ["--config", "/dev/null"] }
        if listening == nil { daemonArguments += ["--socket", self.socketPath] }
        pid = try SystemdSupport.spawn(
            wrapper: wrapper, arguments: daemonArguments + arguments, environment: environment, listening: listening,
            logPath: logPath
        )
        if waitUntilServing && !SystemdSupport.waitUntilServing(self.socketPath) {
            let log = self.log
            stop()
            throw DaemonError("wardend did not serve within 30 s: \(log)")
        }
    }

    func terminate() { kill(pid, SIGTERM) }

    /// The exit status (128 + signal for a signal death), or nil when it is still running.
    func waitExit(timeout: Double) -> Int32? {
        if exitStatus == nil { exitStatus = SystemdSupport.wait(pid, timeout: timeout) }
        return exitStatus
    }

    /// SIGTERM, then SIGKILL after 15 s; keeps the directory (the test owns it).
    func stop() {
        guard exitStatus == nil else { return }
        terminate()
        if waitExit(timeout: 15) == nil {
            kill(pid, SIGKILL)
            _ = waitExit(timeout: 5)
        }
    }
}

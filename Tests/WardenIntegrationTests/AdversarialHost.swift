import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the runner inspects on the host around a hostile script: processes, sentinel files,
/// SysV objects, the canary. Read-only, except for removing what a failed sandbox left behind.
enum AdversarialHost {
    /// A secret only the daemon's environment (`WARDEN_ADVERSARIAL_CANARY`) and a file in its
    /// state directory hold. No execution may ever print it.
    static let canary: String = {
        var generator = SystemRandomNumberGenerator()
        return "wadv-canary-" + String(generator.next() as UInt64, radix: 16)
    }()

    static let canaryFileName = "warden-adversarial-canary"

    /// A fresh 8-hex-digit token for one test case.
    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = String(UInt32.random(in: 0x1000_0000...UInt32.max, using: &generator), radix: 16)
        return value
    }

    struct ProcessEntry {
        let pid: Int32
        let parent: Int32
        let name: String
    }

    /// Every process on the host: pid, parent, comm (from /proc/PID/stat).
    static func processes() -> [ProcessEntry] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/stat")
            else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
            let name = String(text[text.index(after: open)..<close])
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let parent = Int32(fields[1]) else { return nil }
            return ProcessEntry(pid: pid, parent: parent, name: name)
        }
    }

    /// Processes whose name (comm) is `name`: scripts that detach rename themselves `wadv-TOKEN`.
    static func processes(named name: String) -> Set<Int32> {
        Set(processes().filter { $0.name == name }.map(\.pid))
    }

    /// The daemon's zygotes (its children started with `--zygote`).
    static func zygotes(of daemon: RunningDaemon) -> Set<Int32> {
        let daemonPID = daemon.process.processIdentifier
        return Set(processes().filter { $0.parent == daemonPID && RunningDaemon.isZygote($0.pid) }.map(\.pid))
    }

    /// `workerProcesses()` without a worker being spawned (for a moment a copy of the daemon).
    static func workers(of daemon: RunningDaemon) -> Set<Int32> {
        let daemonExecutable = (try? FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/\(daemon.process.processIdentifier)/exe"))
        return Set(daemon.workerProcesses().filter { pid in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) != daemonExecutable
        })
    }

    static func describe(_ pid: Int32) -> String {
        let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            .map { String(decoding: $0.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self) } ?? "?"
        let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        return "\(pid) [\(name)] \(command.prefix(160))"
    }

    /// Host places where a broken sandbox would leave a file named with the token.
    static func scanDirectories(stateDirectory: String, daemonDirectory: String) -> [String] {
        [
            "/", "/tmp", "/var/tmp", "/dev/shm", "/dev", "/etc", "/run", "/root", "/home", "/opt", "/srv", "/mnt",
            "/var/lib", "/usr/lib", "/usr/local", daemonDirectory, stateDirectory, stateDirectory + "/work",
            stateDirectory + "/runtime",
        ]
    }

    /// Files that must not exist: the declared sentinels and anything named with the token in
    /// the scanned places. Each found one is removed (it is the test's own leftover) and named.
    static func sentinelsFound(declared: [String], token: String, directories: [String]) -> [String] {
        var found: [String] = []
        var seen: Set<String> = []
        func take(_ path: String) {
            guard seen.insert(path).inserted else { return }
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            found.append(path)
            try? FileManager.default.removeItem(atPath: path)
        }
        for path in declared { take(path) }
        for directory in directories {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for entry in entries where entry.contains(token) {
                take(directory == "/" ? "/" + entry : directory + "/" + entry)
            }
        }
        return found
    }

    /// The SysV key the IPC pair scripts derive from the token (0x5741xxxx).
    static func sysvKey(token: String) -> Int32 {
        Int32(bitPattern: 0x5741_0000 &+ UInt32(token.prefix(4), radix: 16)!)
    }

    /// SysV objects on the host with `key` ("msg 123", "shm 45"); a sandbox without its own IPC
    /// namespace would leave them here. They are removed when ipcrm is there.
    static func sysvObjects(key: Int32) -> [String] {
        var found: [String] = []
        for (kind, flag) in [("msg", "-Q"), ("shm", "-M"), ("sem", "-S")] {
            guard let text = try? String(contentsOfFile: "/proc/sysvipc/\(kind)", encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 1, Int32(fields[0]) == key else { continue }
                found.append("\(kind) id \(fields[1])")
                let remover = Process()
                remover.executableURL = URL(fileURLWithPath: "/usr/bin/ipcrm")
                remover.arguments = [flag, String(key)]
                try? remover.run()
                remover.waitUntilExit()
            }
        }
        return found
    }

    /// Runs blocking `work` on a thread of its own, so that many test cases can wait on
    /// sockets and daemons at once without holding the cooperative pool's few threads.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    /// Starts `work` on a thread; `wait()` returns its value.
    final class Background<T: Sendable>: @unchecked Sendable {
        // @unchecked: `value` is written once before `done` is signalled and read after.
        private var value: T?
        private let done = DispatchSemaphore(value: 0)

        init(_ work: @escaping @Sendable () -> T) {
            let thread = Thread { [self] in
                value = work()
                done.signal()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }

        func wait() -> T {
            done.wait()
            done.signal()
            return value!
        }
    }
}

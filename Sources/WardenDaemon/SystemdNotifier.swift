#if canImport(Glibc)
import Glibc
#endif

/// The sd_notify datagram protocol, without libsystemd: each message is one datagram of
/// `KEY=VALUE` lines sent to the `AF_UNIX` socket named by `NOTIFY_SOCKET` (a path, or an
/// abstract name written with a leading `@`). Without `NOTIFY_SOCKET` every call does nothing.
public struct SystemdNotifier: Sendable {
    /// The `sockaddr_un` bytes of the notification socket and their length; nil: disabled.
    private let address: (bytes: [UInt8], length: Int)?
    /// How often systemd expects `WATCHDOG=1` (half of `WATCHDOG_USEC`); nil: no watchdog.
    public let watchdogInterval: Duration?

    public static let disabled = SystemdNotifier(address: nil, watchdogInterval: nil)

    private init(address: (bytes: [UInt8], length: Int)?, watchdogInterval: Duration?) {
        self.address = address
        self.watchdogInterval = watchdogInterval
    }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` (which, when set, must be
    /// this process) as `sd_notify` and `sd_watchdog_enabled` do.
    public init(environment: [String: String], pid: pid_t = getpid()) {
        var address: (bytes: [UInt8], length: Int)?
        if let name = environment["NOTIFY_SOCKET"], name.hasPrefix("/") || name.hasPrefix("@"), name.utf8.count > 1 {
            var path = Array(name.utf8)
            let pathCapacity = MemoryLayout<sockaddr_un>.size - MemoryLayout<sa_family_t>.size
            if path[0] == UInt8(ascii: "@") { path[0] = 0 }  // abstract namespace
            if path.count < pathCapacity {
                var bytes = [UInt8](repeating: 0, count: MemoryLayout<sockaddr_un>.size)
                let family = sa_family_t(AF_UNIX)
                withUnsafeBytes(of: family) { raw in for (index, byte) in raw.enumerated() { bytes[index] = byte } }
                let offset = MemoryLayout<sa_family_t>.size
                for (index, byte) in path.enumerated() { bytes[offset + index] = byte }
                // A path socket counts its terminating NUL; an abstract name is exactly its bytes.
                let length = offset + path.count + (path[0] == 0 ? 0 : 1)
                address = (bytes, length)
            }
        }
        var interval: Duration?
        if let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 {
            let pidMatches = environment["WATCHDOG_PID"].map { Int32($0) == pid } ?? true
            if pidMatches { interval = .microseconds(Int64(microseconds / 2)) }
        }
        self.init(address: address, watchdogInterval: interval)
    }

    public var isEnabled: Bool { address != nil }

    /// Sends one notification (`READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`, several
    /// joined by newlines). Returns false when disabled or the datagram could not be sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let address else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let message = Array(state.utf8)
        var target = sockaddr_un()
        withUnsafeMutableBytes(of: &target) { raw in
            for (index, byte) in address.bytes.enumerated() { raw[index] = byte }
        }
        let sent = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                message.withUnsafeBytes { payload in
                    sendto(fd, payload.baseAddress, payload.count, Int32(MSG_NOSIGNAL), generic, socklen_t(address.length))
                }
            }
        }
        return sent == message.count
    }
}

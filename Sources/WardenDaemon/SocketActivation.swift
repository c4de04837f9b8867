#if canImport(Glibc)
import Glibc
#endif

/// systemd socket activation with `sd_listen_fds` semantics, without libsystemd: the
/// descriptors start at 3, `LISTEN_FDS` counts them, `LISTEN_PID` must be this process (else
/// they are meant for someone else), `LISTEN_FDNAMES` optionally names them; the three
/// variables are removed afterwards so that no child process takes them for its own.
public enum SocketActivation {
    /// The first descriptor systemd passes (`SD_LISTEN_FDS_START`).
    public static let firstDescriptor: Int32 = 3

    public struct InheritedSocket: Sendable, Equatable {
        public var descriptor: Int32
        /// From `LISTEN_FDNAMES` (`wardend.socket` unless the unit sets `FileDescriptorName=`).
        public var name: String?
        /// The path it is bound to, for the logs (nil for an abstract socket).
        public var path: String?
    }

    public struct ActivationError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The descriptors passed to this process, or [] when it was not socket-activated.
    /// Marks each close-on-exec and unsets the variables.
    public static func listenDescriptors(environment: [String: String], pid: pid_t = getpid()) -> [(Int32, String?)] {
        defer {
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_FDNAMES")
        }
        guard let pidText = environment["LISTEN_PID"], let listenPID = pid_t(pidText), listenPID == pid,
            let countText = environment["LISTEN_FDS"], let count = Int32(countText), count > 0
        else { return [] }
        let names: [String] = environment["LISTEN_FDNAMES"].map {
            $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        } ?? []
        var result: [(Int32, String?)] = []
        for index in 0..<Int(count) {
            let descriptor = firstDescriptor + Int32(index)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            result.append((descriptor, index < names.count && !names[index].isEmpty ? names[index] : nil))
        }
        return result
    }

    /// The listening socket to serve on when systemd passed one: exactly one listening
    /// `AF_UNIX` stream socket. Throws when descriptors were passed but none fits.
    public static func inheritedSocket(environment: [String: String], pid: pid_t = getpid()) throws -> InheritedSocket? {
        let passed = listenDescriptors(environment: environment, pid: pid)
        if passed.isEmpty { return nil }
        guard passed.count == 1, let (descriptor, name) = passed.first else {
            throw ActivationError(
                description: "could not adopt the sockets systemd passed: expected one listening socket, got \(passed.count) (LISTEN_FDS)"
            )
        }
        if let problem = unsuitability(of: descriptor) {
            throw ActivationError(description: "could not adopt socket descriptor \(descriptor) from systemd: \(problem)")
        }
        return InheritedSocket(descriptor: descriptor, name: name, path: boundPath(of: descriptor))
    }

    /// Why the descriptor cannot be served on, or nil: it must be a listening Unix stream socket.
    static func unsuitability(of descriptor: Int32) -> String? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return "not open (\(String(cString: strerror(errno))))" }
        guard info.st_mode & S_IFMT == S_IFSOCK else { return "not a socket" }
        var type: Int32 = 0
        var listening: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else { return "SO_TYPE failed" }
        guard type == Int32(SOCK_STREAM.rawValue) else { return "not a stream socket (ListenStream=)" }
        length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0, listening == 1 else {
            return "not listening (Accept=yes is not supported)"
        }
        var address = sockaddr_un()
        var addressLength = socklen_t(MemoryLayout<sockaddr_un>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &addressLength) }
        }
        guard named == 0, address.sun_family == sa_family_t(AF_UNIX) else { return "not an AF_UNIX socket" }
        return nil
    }

    static func boundPath(of descriptor: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { return nil }
        return withUnsafeBytes(of: address.sun_path) { raw -> String? in
            guard let first = raw.first, first != 0 else { return nil }
            let end = raw.firstIndex(of: 0) ?? raw.count
            return String(decoding: raw[0..<end], as: UTF8.self)
        }
    }
}

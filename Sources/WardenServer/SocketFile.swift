#if canImport(Glibc)
import Glibc
#endif

/// Creating the listening socket's path safely.
enum SocketFile {
    struct InUse: Error, CustomStringConvertible {
        let path: String
        var description: String { "could not listen on \(path): another daemon is serving it" }
    }

    struct NotASocket: Error, CustomStringConvertible {
        let path: String
        var description: String { "could not listen on \(path): a file that is not a socket is in the way" }
    }

    /// Creates the parent directory (0755) and removes a stale socket file; refuses a path that
    /// a live daemon still answers on, and any file that is not a socket.
    static func prepare(path: String) throws {
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !parent.isEmpty { try makeDirectories(parent) }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else { throw NotASocket(path: path) }
        if isLive(path) { throw InUse(path: path) }
        unlink(path)
    }

    private static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            _ = mkdir(current, 0o755)
        }
    }

    /// True when something accepts connections on the socket.
    private static func isLive(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}

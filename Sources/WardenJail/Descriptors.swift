import CWardenJail

#if canImport(Glibc)
import Glibc
#endif

/// Small owned-descriptor helpers for the supervisor's pipes and memfds.
public enum Descriptors {
    /// A close-on-exec pipe: (read end, write end).
    public static func pipe() throws(JailError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let rc = wj_pipe_cloexec(&fds)
        if rc != 0 { throw JailError(step: "create a pipe", errno: -rc) }
        return (fds[0], fds[1])
    }

    /// A sealed, read-only memfd holding `bytes`, positioned at 0: handed to a worker as
    /// its stdin or its job, it needs no writer thread and cannot be changed.
    public static func sealedMemfd(name: String, bytes: [UInt8]) throws(JailError) -> Int32 {
        let fd = wj_memfd(name)
        if fd < 0 { throw JailError(step: "create a memfd", errno: -fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let saved = errno
                _ = Glibc.close(fd)
                throw JailError(step: "write a memfd", errno: saved)
            }
            offset += written
        }
        let sealed = wj_seal_memfd(fd)
        if sealed != 0 || lseek(fd, 0, SEEK_SET) != 0 {
            let saved = sealed != 0 ? -sealed : errno
            _ = Glibc.close(fd)
            throw JailError(step: "seal a memfd", errno: saved)
        }
        return fd
    }

    public static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    public static func close(_ fd: Int32) {
        if fd >= 0 { _ = Glibc.close(fd) }
    }
}

extension Descriptors {
    /// A close-on-exec SOCK_SEQPACKET pair; `parent` receives senders' credentials
    /// (SO_PASSCRED), translated by the kernel into the daemon's PID namespace.
    public static func seqpacketPair() throws(JailError) -> (parent: Int32, child: Int32) {
        var fds: [Int32] = [-1, -1]
        let rc = wj_socketpair_seqpacket(&fds)
        if rc != 0 { throw JailError(step: "create a control socket pair", errno: -rc) }
        return (fds[0], fds[1])
    }
}

/// Descriptors owned by one scope: each tracked one is closed by `closeAll()` (call it in a
/// `defer`), so no path out of the scope leaks one.
public struct OwnedDescriptors {
    private var fds: [Int32] = []

    public init() {}

    /// Tracks `fd`; throws (naming `step` and errno) when it is negative, as open(2) reports.
    @discardableResult
    public mutating func track(_ fd: Int32, step: String = "open a descriptor") throws(JailError) -> Int32 {
        if fd < 0 { throw JailError(step: step, errno: errno) }
        fds.append(fd)
        return fd
    }

    /// Tracks a descriptor known to be valid.
    public mutating func adopt(_ fd: Int32) {
        fds.append(fd)
    }

    public mutating func closeAll() {
        for fd in fds { Descriptors.close(fd) }
        fds.removeAll()
    }
}

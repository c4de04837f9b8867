#if canImport(Glibc)
import Glibc
#endif

/// A confinement step that failed, with the step and the errno: "could not <verb>: <cause>".
public struct JailError: Error, Sendable, CustomStringConvertible {
    public var step: String
    public var errno: Int32

    public init(step: String, errno: Int32) {
        self.step = step
        self.errno = errno
    }

    public var description: String {
        "could not \(step): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

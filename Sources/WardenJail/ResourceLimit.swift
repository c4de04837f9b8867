#if canImport(Glibc)
import Glibc
#endif

/// One rlimit to set in the child before exec.
public struct ResourceLimit: Sendable, Equatable {
    public var resource: Int32
    public var soft: UInt64
    public var hard: UInt64

    public init(resource: Int32, soft: UInt64, hard: UInt64) {
        self.resource = resource
        self.soft = soft
        self.hard = hard
    }

    public static func addressSpace(bytes: UInt64) -> ResourceLimit {
        ResourceLimit(resource: Int32(RLIMIT_AS.rawValue), soft: bytes, hard: bytes)
    }

    /// CPU seconds: SIGXCPU at the soft limit (the harness reports the line), SIGKILL one second later.
    public static func cpu(seconds: UInt64) -> ResourceLimit {
        ResourceLimit(resource: Int32(RLIMIT_CPU.rawValue), soft: seconds, hard: seconds + 1)
    }

    public static func processes(_ count: UInt64) -> ResourceLimit {
        ResourceLimit(resource: 6 /* RLIMIT_NPROC, hidden by Glibc without _GNU_SOURCE */, soft: count, hard: count)
    }

    public static func fileSize(bytes: UInt64) -> ResourceLimit {
        ResourceLimit(resource: Int32(RLIMIT_FSIZE.rawValue), soft: bytes, hard: bytes)
    }

    public static func openFiles(_ count: UInt64) -> ResourceLimit {
        ResourceLimit(resource: Int32(RLIMIT_NOFILE.rawValue), soft: count, hard: count)
    }

    public static let noCoreDumps = ResourceLimit(resource: Int32(RLIMIT_CORE.rawValue), soft: 0, hard: 0)
}

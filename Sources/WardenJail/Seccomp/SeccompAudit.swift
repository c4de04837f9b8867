#if canImport(Glibc)
import Glibc
#endif

/// Names the system call that made seccomp kill a worker, from the kernel's own audit record.
///
/// A `SECCOMP_RET_KILL_PROCESS` is logged by the kernel (`kill_process` is in
/// `/proc/sys/kernel/seccomp/actions_logged` by default) as an `audit: type=1326` record with
/// the host pid, uid, signal and syscall number. Reading `/dev/kmsg` needs CAP_SYSLOG; where the
/// record is missing (no permission, rate limiting, auditd consuming it) the answer is nil and
/// the result says only that a system call was refused.
public enum SeccompAudit {
    /// The syscall number of the kill of `pid` (running as `uid`), or nil when no record says.
    public static func killedSyscall(pid: Int32, uid: UInt32?, kmsg: String = "/dev/kmsg") -> Int? {
        let fd = open(kmsg, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var found: Int?
        var record = [UInt8](repeating: 0, count: 8192)
        // /dev/kmsg returns one record per read; EAGAIN at the end of the buffer. Bounded.
        for _ in 0..<100_000 {
            let count = record.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EPIPE { continue }  // a record was overwritten while reading
                break
            }
            if count == 0 { break }
            let line = String(decoding: record[0..<count], as: UTF8.self)
            if let number = parse(line, pid: pid, uid: uid) { found = number }
        }
        return found
    }

    /// The syscall number of a seccomp kill record for `pid` (and `uid`, when given).
    static func parse(_ line: String, pid: Int32, uid: UInt32?) -> Int? {
        guard line.contains("type=1326"), line.contains(" sig=31 ") else { return nil }
        var fields: [Substring: Substring] = [:]
        for token in line.split(separator: " ") {
            guard let equals = token.firstIndex(of: "=") else { continue }
            fields[token[..<equals]] = token[token.index(after: equals)...]
        }
        guard fields["pid"].flatMap({ Int32($0) }) == pid else { return nil }
        if let uid, fields["uid"].flatMap({ UInt32($0) }) != uid { return nil }
        return fields["syscall"].flatMap { Int($0) }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Small synchronous reads and writes of cgroupfs interface files.
///
/// cgroupfs acts on each `write(2)` separately (one pid per write to `cgroup.procs`, one
/// value per write to a limit), so every value here goes out in exactly one call.
enum CgroupFile {
    /// The file's text, at most `limit` bytes; nil when it cannot be opened or read.
    static func read(_ path: String, limit: Int = 1 << 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { _ = close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to the file at `path` in one call. Returns 0 or the errno.
    /// O_TRUNC is what a shell's `>` does; cgroupfs accepts it, and a fake tree of regular
    /// files then holds exactly the last value written.
    static func write(_ text: String, to path: String) -> Int32 {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        if fd < 0 { return errno }
        defer { _ = close(fd) }
        return write(text, fd: fd)
    }

    /// Writes `text` to an open descriptor in one call. Returns 0 or the errno.
    static func write(_ text: String, fd: Int32) -> Int32 {
        let bytes = Array(text.utf8)
        while true {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            return count == bytes.count ? 0 : EIO
        }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// access(2) with W_OK: honours read-only mounts (EROFS) even for root.
    static func isWritable(_ path: String) -> Bool { access(path, W_OK) == 0 }

    /// The names of the subdirectories of `path` (not "." or ".."); empty when unreadable.
    static func subdirectories(of path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            var info = stat()
            if lstat(path + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                names.append(name)
            }
        }
        return names.sorted()
    }

    /// Parses a flat keyed file ("key value" per line: memory.events, pids.events,
    /// memory.oom_control). Lines that do not parse are skipped.
    static func keyedValues(_ text: String) -> [String: Int] {
        var values: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2, let value = Int(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }

    /// Parses `cgroup.procs`: one pid per line.
    static func pids(_ text: String) -> [Int32] {
        text.split(separator: "\n").compactMap { Int32(trimmed($0)) }
    }

    /// `text` without leading and trailing whitespace.
    static func trimmed(_ text: Substring) -> Substring {
        var result = text
        while let first = result.first, first.isWhitespace { result.removeFirst() }
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }

    /// Parses a single integer file (memory.peak, memory.max_usage_in_bytes, memory.failcnt).
    static func integer(_ text: String) -> Int? {
        Int(trimmed(text[...]))
    }
}

/// How cgroup directories are made and removed.
///
/// The kernel's cgroupfs creates every interface file on `mkdir` and lets `rmdir` remove a
/// directory that still shows them. The unit tests of the v2 logic run over a fake tree of
/// regular files and directories, so they substitute a version that does both by hand; the
/// production code always uses `.kernel`.
struct CgroupDirectories: Sendable {
    /// mkdir; returns 0 or the errno.
    var make: @Sendable (String) -> Int32
    /// rmdir; returns 0 or the errno.
    var remove: @Sendable (String) -> Int32

    static let kernel = CgroupDirectories(
        make: { mkdir($0, 0o755) == 0 ? 0 : errno },
        remove: { rmdir($0) == 0 ? 0 : errno }
    )
}

/// Small reads of kernel interface files outside cgroupfs (`/proc/PID/status`, …), in the same
/// one-buffer-at-a-time way.
public enum ProcFile {
    /// The file's text (at most 64 KiB); nil when it cannot be opened or read.
    public static func read(_ path: String) -> String? {
        CgroupFile.read(path, limit: 64 << 10)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Plans the filesystem a worker sees: a read-only view of what the interpreter needs, a fresh
/// `/proc` for its PID namespace, a minimal `/dev`, the harness read-only at `/run/warden`, and
/// one writable place: a size-capped tmpfs at `/work` owned by the execution's uid. Nothing
/// else of the host — no `/home`, `/root`, `/var`, `/etc/shadow`, the daemon's state directory
/// or another execution's files — exists in it.
public enum WorkerRootfs {
    /// Where the worker finds the harness and works.
    public static let harnessDirectory = "/run/warden"
    public static let workDirectory = "/work"

    /// Top-level system directories bound read-only (or recreated as the same symlink, on
    /// merged-/usr hosts where /bin, /lib… point into /usr).
    static let systemDirectories = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]
    /// Single files of /etc that the interpreter and libc read.
    static let etcFiles = ["/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf", "/etc/host.conf"]
    static let devices = ["null", "zero", "full", "random", "urandom"]

    /// - Parameters:
    ///   - newRoot: an empty directory of the daemon's to build the root on.
    ///   - harnessSource: the host directory holding `harness.py`.
    ///   - workBytes: the size cap of the `/work` tmpfs.
    ///   - owner: uid/gid that own `/work` (the execution's identity inside the sandbox).
    ///   - extraReadOnly / extraReadWrite: host paths granted by capabilities, bound at the same path.
    ///   - workTmpfs: false for a zygote: `/work` stays an empty mount point, each forked worker
    ///     mounts its own tmpfs there.
    public static func plan(
        newRoot: String, harnessSource: String, workBytes: Int, owner: (uid: UInt32, gid: UInt32),
        extraReadOnly: [String] = [], extraReadWrite: [String] = [], workTmpfs: Bool = true
    ) -> FilesystemPlan {
        var operations: [MountOperation] = []
        for path in systemDirectories {
            switch HostPath.kind(of: path) {
            case .symlink(let target): operations.append(.symlink(target: target, at: path))
            case .directory: operations += [.directory(path), .bindReadOnly(source: path, at: path)]
            case .file, .missing: break
            }
        }
        operations.append(.directory("/etc"))
        for path in etcFiles {
            switch HostPath.kind(of: path) {
            case .symlink(let target): operations.append(.symlink(target: target, at: path))
            case .file: operations += [.file(path), .bindReadOnly(source: path, at: path)]
            case .directory, .missing: break
            }
        }
        operations += [.directory("/dev"), .tmpfs(at: "/dev", options: "size=64k,nr_inodes=64,mode=0755")]
        for device in devices where HostPath.kind(of: "/dev/" + device) != .missing {
            operations += [.file("/dev/" + device), .bindDevice(source: "/dev/" + device, at: "/dev/" + device)]
        }
        operations += [
            .symlink(target: "/proc/self/fd", at: "/dev/fd"),
            .symlink(target: "/proc/self/fd/0", at: "/dev/stdin"),
            .symlink(target: "/proc/self/fd/1", at: "/dev/stdout"),
            .symlink(target: "/proc/self/fd/2", at: "/dev/stderr"),
            .directory("/proc"), .proc(at: "/proc"),
            .directory("/run"), .directory(harnessDirectory),
            .bindReadOnly(source: harnessSource, at: harnessDirectory),
            .directory(workDirectory),
        ]
        if workTmpfs {
            operations.append(
                .tmpfs(
                    at: workDirectory,
                    options: "size=\(workBytes),nr_inodes=65536,mode=0700,uid=\(owner.uid),gid=\(owner.gid)"
                )
            )
        }
        operations += [
            .symlink(target: workDirectory, at: "/tmp"),
        ]
        for path in extraReadOnly { operations += mountPoint(for: path) + [.bindReadOnly(source: path, at: path)] }
        for path in extraReadWrite { operations += mountPoint(for: path) + [.bindReadWrite(source: path, at: path)] }
        // A directory made once is not made again (granted paths share their parents).
        var made: Set<String> = []
        operations = operations.filter { operation in
            guard case .directory(let path) = operation else { return true }
            return made.insert(path).inserted
        }
        return FilesystemPlan(newRoot: newRoot, operations: operations)
    }

    /// The parent directories of a granted path and its mount point: an empty file when the
    /// host path is a file (a file is bound onto a file), else a directory.
    private static func mountPoint(for path: String) -> [MountOperation] {
        guard HostPath.kind(of: path) == .file else { return directories(for: path) }
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        return (parent.isEmpty ? [] : directories(for: parent)) + [.file(path)]
    }

    /// mkdir operations for every component of `path` (the mount point itself included).
    private static func directories(for path: String) -> [MountOperation] {
        var current = ""
        return path.split(separator: "/").map { component in
            current += "/" + component
            return .directory(current)
        }
    }
}

/// What a host path is, without following a final symlink.
enum HostPath: Equatable {
    case directory
    case file
    case symlink(String)
    case missing

    static func kind(of path: String) -> HostPath {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: 4096)
            let count = readlink(path, &buffer, buffer.count - 1)
            guard count > 0 else { return .missing }
            return .symlink(String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        case S_IFDIR:
            return .directory
        default:
            return .file
        }
    }
}

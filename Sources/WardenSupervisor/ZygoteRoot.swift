import Foundation
import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// Where a zygote finds the directory its root is built on and the harness it binds. A zygote
/// runs as a sandbox uid, so every ancestor of those paths must be searchable by others. When
/// the state directory sits below one that is not (a clone in `/root`, a private home), the
/// daemon uses a directory of its own under `/run` instead: `/run/warden-zygote/<parent name>`,
/// root-owned, 0755, holding an empty `rootfs` and a copy of the (public) harness.
enum ZygoteRoot {
    static let runBase = "/run/warden-zygote"

    /// (rootfs, harness) directories the zygote can reach; throws, naming the closed directory,
    /// when neither the state directory nor `/run` will do.
    static func directories(for confinement: Confinement, harnessFileName: String) throws -> (rootfs: String, harness: String) {
        let closed = [confinement.rootfsDirectory, confinement.harnessDirectory].compactMap(firstUnsearchableAncestor)
        guard let blocking = closed.first else { return (confinement.rootfsDirectory, confinement.harnessDirectory) }
        let stateDirectory = (confinement.rootfsDirectory as NSString).deletingLastPathComponent
        let base = runBase + "/" + Confinement.cgroupParentName(stateDirectory: stateDirectory)
        do {
            for directory in [runBase, base, base + "/rootfs", base + "/harness"] {
                try makeRootOwnedDirectory(directory)
            }
            let harness = try Data(contentsOf: URL(fileURLWithPath: confinement.harnessDirectory + "/" + harnessFileName))
            try Supervisor.install(harness, at: base + "/harness/" + harnessFileName)
        } catch {
            throw JailError(
                step: "start a zygote: it runs as a sandbox uid and cannot reach \(confinement.rootfsDirectory) (\(blocking) is not searchable by others), nor use \(base) instead (\(error)); chmod o+x \(blocking) or move state.directory",
                errno: EACCES
            )
        }
        if let stillClosed = firstUnsearchableAncestor(of: base + "/harness") {
            throw JailError(step: "start a zygote: \(stillClosed) is not searchable by others", errno: EACCES)
        }
        return (base + "/rootfs", base + "/harness")
    }

    /// The first directory on the way to `path` (itself included) without the search bit for
    /// others, or nil.
    static func firstUnsearchableAncestor(of path: String) -> String? {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            var info = stat()
            guard stat(current, &info) == 0 else { return current }
            if info.st_mode & S_IXOTH == 0 { return current }
        }
        return nil
    }

    /// Creates `path` (0755) unless it exists; either way it must be a real directory (not a
    /// link) owned by root, writable only by its owner.
    private static func makeRootOwnedDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw JailError(step: "create \(path)", errno: errno) }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw JailError(step: "inspect \(path)", errno: errno) }
        guard info.st_mode & S_IFMT == S_IFDIR, info.st_uid == 0, info.st_mode & 0o022 == 0 else {
            throw JailError(step: "use \(path): not a root-owned directory writable by root only", errno: EPERM)
        }
        if info.st_mode & 0o755 != 0o755, chmod(path, 0o755) != 0 { throw JailError(step: "set the mode of \(path)", errno: errno) }
    }
}

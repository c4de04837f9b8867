import Foundation
import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// A private host directory for one execution in unconfined (development) mode, created empty
/// (the harness writes the request's files) and removed afterwards.
struct WorkDirectory {
    let path: String

    /// Creates `root/id` with mode 0700.
    static func create(root: String, id: String) throws(JailError) -> WorkDirectory {
        let path = root + "/" + id
        if mkdir(path, 0o700) != 0 { throw JailError(step: "create the work directory \(path)", errno: errno) }
        return WorkDirectory(path: path)
    }

    /// Removes the directory and everything in it; symbolic links are removed, not followed.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

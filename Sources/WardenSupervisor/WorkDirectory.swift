import Foundation
import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// A private directory for one execution, created empty, filled with the request's files,
/// and removed afterwards.
struct WorkDirectory {
    let path: String

    /// Creates `root/id` with mode 0700 and writes `files` into it (paths already validated as
    /// relative and free of `..`; every file is created with O_EXCL|O_NOFOLLOW).
    static func create(root: String, id: String, files: [String: String]) throws(JailError) -> WorkDirectory {
        let path = root + "/" + id
        if mkdir(path, 0o700) != 0 { throw JailError(step: "create the work directory \(path)", errno: errno) }
        let directory = WorkDirectory(path: path)
        do {
            for (name, content) in files.sorted(by: { $0.key < $1.key }) {
                try directory.write(relativePath: name, content: Array(content.utf8))
            }
        } catch {
            directory.remove()
            throw error
        }
        return directory
    }

    private func write(relativePath: String, content: [UInt8]) throws(JailError) {
        let components = relativePath.split(separator: "/").map(String.init)
        var current = path
        for directory in components.dropLast() {
            current += "/" + directory
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw JailError(step: "create the directory \(current)", errno: errno)
            }
        }
        let filePath = path + "/" + relativePath
        let fd = open(filePath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 { throw JailError(step: "create the file \(filePath)", errno: errno) }
        defer { _ = close(fd) }
        var offset = 0
        while offset < content.count {
            let written = content.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw JailError(step: "write the file \(filePath)", errno: errno)
            }
            offset += written
        }
    }

    /// Removes the directory and everything in it; symbolic links are removed, not followed.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

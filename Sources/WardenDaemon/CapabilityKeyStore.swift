import Foundation
import Logging
import WardenPolicy
import WardenServer

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's token-signing keys: `<state>/keys/<key id>.key`, each 64 hex digits, mode
/// 0600 in a 0700 directory. The first start generates one; every key file present is active
/// (rotation: add a key, issue with it, delete the old one once its tokens have expired, restart).
enum CapabilityKeyStore {
    static func directory(stateDirectory: String) -> String { stateDirectory + "/keys" }

    /// Loads every key, generating the first one when there is none. Throws with the path and
    /// the reason when a key file is unreadable, malformed or readable by others.
    static func loadOrCreate(stateDirectory: String, logger: Logger) throws -> CapabilityKeyring {
        let directory = directory(stateDirectory: stateDirectory)
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw Daemon.ConfigurationError(message: "could not create the key directory \(directory): \(String(cString: strerror(errno)))")
        }
        _ = chmod(directory, 0o700)
        var keys = try load(directory)
        if keys.isEmpty {
            var generator = SystemRandomNumberGenerator()
            let id = "k" + String(Int(Date().timeIntervalSince1970), radix: 36) + "-"
                + String(generator.next() & 0xffff, radix: 16)
            let path = "\(directory)/\(id).key"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if fd < 0 { throw Daemon.ConfigurationError(message: "could not create the key file \(path): \(String(cString: strerror(errno)))") }
            let text = Array(CapabilityKey.generateFileText(using: &generator).utf8)
            let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd) == 0
            close(fd)
            guard written == text.count, synced else {
                unlink(path)
                throw Daemon.ConfigurationError(message: "could not write the key file \(path)")
            }
            logger.notice("generated a capability-token signing key", metadata: ["key.id": "\(id)", "key.path": "\(path)"])
            keys = try load(directory)
        }
        return CapabilityKeyring(keys)
    }

    /// Every `*.key` file of `directory`, checked.
    static func load(_ directory: String) throws -> [CapabilityKey] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return try names.filter { $0.hasSuffix(".key") }.sorted().map { name in
            let path = "\(directory)/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                throw Daemon.ConfigurationError(message: "key file \(path): not a regular file")
            }
            guard info.st_mode & 0o077 == 0 else {
                throw Daemon.ConfigurationError(
                    message: "key file \(path): mode \(String(info.st_mode & 0o777, radix: 8)) lets others read it; chmod 600 it"
                )
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Daemon.ConfigurationError(message: "key file \(path): could not be read")
            }
            do {
                return try CapabilityKey.parseFile(id: String(name.dropLast(4)), text: text)
            } catch {
                throw Daemon.ConfigurationError(message: "key file \(path): \(error)")
            }
        }
    }
}

extension HTTPServerConfiguration.Listener {
    /// The socket's path, when it has one (file grants may not reach it).
    var socketPath: String? {
        switch self {
        case .path(let path): return path
        case .inherited(_, let path): return path
        }
    }
}

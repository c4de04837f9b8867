import Foundation
import WardenPolicy

#if canImport(Glibc)
import Glibc
#endif

/// Tokens for the capability tests, signed with the running daemon's own key (read from its
/// state directory, as `warden token issue` does) or, for forgeries, with a key it lacks.
struct TokenMint {
    let key: CapabilityKey

    init(daemon: RunningDaemon) throws {
        let directory = daemon.stateDirectory + "/keys"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".key") }
        guard names.count == 1, let name = names.first else { throw DaemonError("expected one key in \(directory), found \(names)") }
        let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        key = try CapabilityKey.parseFile(id: String(name.dropLast(4)), text: text)
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    func token(
        _ capabilities: [String], subject: TokenSubject = .uid(getuid()), id: String? = nil,
        issuedAt: Int64 = TokenMint.now - 5, lifetime: Int64 = 600, signingKey: CapabilityKey? = nil
    ) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let token = CapabilityToken(
            keyID: key.id, id: id ?? CapabilityToken.newID(using: &generator), subject: subject, issuedAt: issuedAt,
            expiresAt: issuedAt + lifetime, capabilities: try capabilities.map { try Capability.parse($0) }
        )
        return token.signed(with: signingKey ?? key)
    }

    /// The same key id with other key material: what a forger without the key file can do.
    var forgedKey: CapabilityKey {
        CapabilityKey(id: key.id, bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
    }
}

/// A listening TCP socket on 127.0.0.1 (an ephemeral port); the kernel completes connections
/// from its backlog, so nothing needs to accept. Closed by `close()`.
struct LoopbackListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DaemonError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            Glibc.close(fd)
            throw DaemonError("bind/listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { Glibc.close(descriptor) }
}

/// A directory outside the daemon's and the sandbox's own places (`/var/tmp`, since the
/// sandbox's `/tmp` is its work directory), with one readable file; removed afterwards.
func withGrantableDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    var template = Array("/var/tmp/warden-grant-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw DaemonError("could not create a directory in /var/tmp") }
    let directory = String(cString: made)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // The worker runs as its own uid: the directory must let "others" in (a grant never
    // overrides file permissions), and writable for the write test.
    chmod(directory, 0o777)
    FileManager.default.createFile(atPath: directory + "/input.txt", contents: Data("granted data\n".utf8))
    chmod(directory + "/input.txt", 0o644)
    return try await body(directory)
}

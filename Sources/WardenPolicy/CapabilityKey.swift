import Crypto
import Foundation

/// One HMAC-SHA256 signing key of the daemon, named by its key id (the file
/// `<state>/keys/<id>.key`, 64 hex digits, mode 0600; see `docs/security.md`).
public struct CapabilityKey: Sendable {
    public let id: String
    /// The key material; a `SymmetricKey` is made from it for each use (it is not Sendable).
    private let bytes: [UInt8]
    var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }

    /// - Parameter bytes: 32 bytes of key material.
    public init(id: String, bytes: [UInt8]) {
        precondition(Self.isValidID(id), "key ids are checked before a key is made")
        precondition(bytes.count == 32, "keys are 256 bits")
        self.id = id
        self.bytes = bytes
    }

    /// The key file's text: the key as 64 lowercase hex digits.
    public static func parseFile(id: String, text: String) throws(KeyFileError) -> CapabilityKey {
        guard isValidID(id) else { throw KeyFileError("the key id '\(id.prefix(40))' must be 1 to 32 characters of a-z, 0-9 and '-'") }
        let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard hex.count == 64, hex.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
            throw KeyFileError("expected 64 hex digits (a 256-bit key)")
        }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return CapabilityKey(id: id, bytes: bytes)
    }

    /// 256 fresh random bits as the key file's text.
    public static func generateFileText<G: RandomNumberGenerator>(using generator: inout G) -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined() + "\n"
    }

    /// 1 to 32 characters of `a-z`, `0-9` and `-`.
    public static func isValidID(_ id: String) -> Bool {
        (1...32).contains(id.count) && id.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}

/// A key file that cannot be used.
public struct KeyFileError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Every active key, by id: a token signed by any of them verifies (rotation: add a key,
/// issue with it, remove the old one when its tokens have expired).
public struct CapabilityKeyring: Sendable {
    private let keys: [String: CapabilityKey]

    public init(_ keys: [CapabilityKey]) {
        self.keys = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func key(id: String) -> CapabilityKey? { keys[id] }
    public var ids: [String] { keys.keys.sorted() }
}

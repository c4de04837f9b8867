import Crypto
import Foundation
import WardenProtocol

/// Who may present a token: one caller uid, the members of one group, or anyone who can
/// reach the socket. Compared with the caller's `SO_PEERCRED` identity, never with a claim.
public enum TokenSubject: Sendable, Hashable, CustomStringConvertible {
    case uid(UInt32)
    case gid(UInt32)
    case anyone

    /// `uid:1000`, `gid:100` or `*`.
    public var description: String {
        switch self {
        case .uid(let uid): return "uid:\(uid)"
        case .gid(let gid): return "gid:\(gid)"
        case .anyone: return "*"
        }
    }

    static func parse(_ text: String) -> TokenSubject? {
        if text == "*" { return .anyone }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].count <= 10,
            let number = UInt32(parts[1])
        else { return nil }
        switch parts[0] {
        case "uid": return .uid(number)
        case "gid": return .gid(number)
        default: return nil
        }
    }
}

/// A signed, expiring grant of capabilities (SPEC §6; seed 000 "CapabilityToken").
///
/// Wire form, at most `maxLength` bytes of ASCII:
///
///     wdn1.<key id>.<payload>.<signature>
///
/// `payload` is base64url (no padding) of a JSON object with exactly the keys `jti` (32
/// lowercase hex digits, unique), `sub` (`uid:N`, `gid:N` or `*`), `iat` and `exp` (Unix
/// seconds) and `caps` (1 to 64 capability strings). `signature` is base64url of
/// HMAC-SHA256 over `wdn1.<key id>.<payload>` with the daemon's key `<key id>`. The signature
/// is checked (in constant time) before the payload is decoded.
public struct CapabilityToken: Sendable, Equatable {
    /// The format version, the first dot-separated part.
    public static let version = "wdn1"
    /// The longest token accepted, in bytes.
    public static let maxLength = 4096
    /// The most capabilities one token may carry.
    public static let maxCapabilities = 64
    /// The longest lifetime a token may have (one year).
    public static let maxLifetimeSeconds: Int64 = 366 * 86400

    public var keyID: String
    /// Unique id (`jti`), named by the revocation list (`security.revoked_tokens`).
    public var id: String
    public var subject: TokenSubject
    public var issuedAt: Int64
    public var expiresAt: Int64
    public var capabilities: [Capability]

    public init(
        keyID: String, id: String, subject: TokenSubject, issuedAt: Int64, expiresAt: Int64, capabilities: [Capability]
    ) {
        self.keyID = keyID
        self.id = id
        self.subject = subject
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.capabilities = capabilities
    }

    /// A fresh random token id (128 bits, hex).
    public static func newID<G: RandomNumberGenerator>(using generator: inout G) -> String {
        (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The wire form, signed with `key`.
    public func signed(with key: CapabilityKey) -> String {
        let payload: JSONValue = .object([
            "jti": .string(id), "sub": .string(subject.description), "iat": .int(Int(issuedAt)),
            "exp": .int(Int(expiresAt)), "caps": .array(capabilities.map { .string($0.description) }),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain JSON values cannot fail.
        let json = (try? encoder.encode(payload)) ?? Data()
        let signedPart = "\(Self.version).\(keyID).\(Base64URL.encode(json))"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(signedPart.utf8), using: key.symmetricKey)
        return signedPart + "." + Base64URL.encode(Data(mac))
    }

    /// Checks the form and the signature, then decodes the payload. Expiry, revocation and
    /// the subject are the caller's to check (`CapabilityAuthority`), with its clock.
    public static func verify(_ text: String, keys: CapabilityKeyring) throws(TokenRefusal) -> CapabilityToken {
        let (keyID, signedPart, signature, payload) = try split(text)
        guard let key = keys.key(id: keyID) else {
            throw TokenRefusal(.unknownKey, "the token was signed with key '\(keyID)', which this daemon does not have (rotated out, or from another daemon)")
        }
        // Constant-time comparison of the expected and the given MAC.
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data(signedPart.utf8), using: key.symmetricKey) else {
            throw TokenRefusal(.invalidSignature, "the token's signature does not match: it was forged or altered")
        }
        return try decodePayload(payload, keyID: keyID)
    }

    /// Decodes a token without checking its signature: for `warden token inspect` only.
    public static func decodeUnverified(_ text: String) throws(TokenRefusal) -> CapabilityToken {
        let (keyID, _, _, payload) = try split(text)
        return try decodePayload(payload, keyID: keyID)
    }

    private static func split(_ text: String) throws(TokenRefusal) -> (String, String, Data, Data) {
        guard text.utf8.count <= maxLength else {
            throw TokenRefusal(.malformed, "the token is \(text.utf8.count) bytes; at most \(maxLength) are accepted")
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            throw TokenRefusal(.malformed, "expected 4 dot-separated parts (version.key.payload.signature), got \(parts.count)")
        }
        guard parts[0] == version else {
            throw TokenRefusal(.malformed, "unsupported token version '\(parts[0].prefix(16))'; this daemon reads '\(version)'")
        }
        let keyID = String(parts[1])
        guard CapabilityKey.isValidID(keyID) else {
            throw TokenRefusal(.malformed, "the key id must be 1 to 32 characters of a-z, 0-9 and '-'")
        }
        guard let payload = Base64URL.decode(parts[2]), !payload.isEmpty else {
            throw TokenRefusal(.malformed, "the payload is not base64url")
        }
        guard let signature = Base64URL.decode(parts[3]), signature.count == SHA256.byteCount else {
            throw TokenRefusal(.malformed, "the signature is not a base64url HMAC-SHA256 (32 bytes)")
        }
        return (keyID, "\(parts[0]).\(parts[1]).\(parts[2])", signature, payload)
    }

    private static func decodePayload(_ payload: Data, keyID: String) throws(TokenRefusal) -> CapabilityToken {
        func field(_ name: String, _ reason: String) -> TokenRefusal {
            TokenRefusal(.malformed, "field '\(name)': \(reason)")
        }
        guard let object = (try? JSONDecoder().decode(JSONValue.self, from: payload))?.objectValue else {
            throw TokenRefusal(.malformed, "the payload is not a JSON object")
        }
        let known = ["jti", "sub", "iat", "exp", "caps"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw field(String(unknown.prefix(32)), "unknown field; a token has exactly \(known.joined(separator: ", "))")
        }
        guard let id = object["jti"]?.stringValue else { throw field("jti", "required string") }
        guard id.count == 32, id.allSatisfy({ $0.isASCII && $0.isHexDigit && !$0.isUppercase }) else {
            throw field("jti", "expected 32 lowercase hex digits")
        }
        guard let subjectText = object["sub"]?.stringValue else { throw field("sub", "required string") }
        guard let subject = TokenSubject.parse(subjectText) else {
            throw field("sub", "expected 'uid:N', 'gid:N' or '*', got '\(subjectText.prefix(32))'")
        }
        let issuedAt = try integer(object["iat"], "iat")
        let expiresAt = try integer(object["exp"], "exp")
        guard expiresAt > issuedAt else { throw field("exp", "must be after iat") }
        guard expiresAt - issuedAt <= maxLifetimeSeconds else {
            throw field("exp", "the lifetime is over \(maxLifetimeSeconds / 86400) days")
        }
        guard let texts = object["caps"]?.arrayValue else { throw field("caps", "required array of strings") }
        guard (1...maxCapabilities).contains(texts.count) else {
            throw field("caps", "expected 1 to \(maxCapabilities) capabilities, got \(texts.count)")
        }
        var capabilities: [Capability] = []
        for (index, item) in texts.enumerated() {
            guard let text = item.stringValue else { throw field("caps[\(index)]", "expected a string") }
            do {
                capabilities.append(try Capability.parse(text))
            } catch {
                throw field("caps[\(index)]", error.description)
            }
        }
        return CapabilityToken(
            keyID: keyID, id: id, subject: subject, issuedAt: issuedAt, expiresAt: expiresAt, capabilities: capabilities
        )
    }

    private static func integer(_ value: JSONValue?, _ name: String) throws(TokenRefusal) -> Int64 {
        guard case .int(let number) = value else {
            throw TokenRefusal(.malformed, "field '\(name)': required integer (Unix seconds)")
        }
        guard number >= 0, number < 100_000_000_000 else {
            throw TokenRefusal(.malformed, "field '\(name)': \(number) is not a plausible Unix time")
        }
        return Int64(number)
    }
}

/// Why a token was refused; the daemon answers 403 with `message`.
public struct TokenRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case malformed = "malformed"
        case unknownKey = "unknown_key"
        case invalidSignature = "invalid_signature"
        case expired = "expired"
        case notYetValid = "not_yet_valid"
        case revoked = "revoked"
        case foreign = "wrong_subject"
        case forbiddenGrant = "forbidden_grant"
        case levelNotAllowed = "level_not_allowed"
    }

    public var reason: Reason
    public var message: String
    /// The token's id, when it could be read.
    public var tokenID: String?
    /// The request field at fault: `capabilities[N]` for one token, `security_level`, or nil
    /// for the tokens as a whole (`capabilities`).
    public var field: String?

    public init(_ reason: Reason, _ message: String, tokenID: String? = nil, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.tokenID = tokenID
        self.field = field
    }

    public var description: String { message }
}

/// base64url without padding (RFC 4648 §5), strict: other characters are refused.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard standard.count % 4 != 1 else { return nil }
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard)
    }
}

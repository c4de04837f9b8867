import Foundation

/// One request to run code (SPEC §2). Only `code` is required.
public struct ExecutionRequest: Sendable, Equatable, Codable {
    public var code: String
    public var language: String
    public var stdin: String
    /// Files written into the work directory before the run: relative path → UTF-8 content.
    public var files: [String: String]
    public var limits: RequestedLimits
    public var capabilities: [String]
    public var securityLevel: SecurityLevel
    /// Whether the request named `security_level` (else the daemon's `security.default_level`
    /// applies). Not on the wire.
    public var securityLevelRequested: Bool = false
    public var detail: DetailLevel
    public var trace: Bool
    public var client: String?
    public var metadata: [String: JSONValue]
    public var retryOf: String?

    public init(
        code: String, language: String = "python", stdin: String = "", files: [String: String] = [:],
        limits: RequestedLimits = RequestedLimits(), capabilities: [String] = [],
        securityLevel: SecurityLevel = .strict, detail: DetailLevel = .standard, trace: Bool = false,
        client: String? = nil, metadata: [String: JSONValue] = [:], retryOf: String? = nil
    ) {
        self.code = code
        self.language = language
        self.stdin = stdin
        self.files = files
        self.limits = limits
        self.capabilities = capabilities
        self.securityLevel = securityLevel
        self.detail = detail
        self.trace = trace
        self.client = client
        self.metadata = metadata
        self.retryOf = retryOf
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case code, language, stdin, files, limits, capabilities
        case securityLevel = "security_level"
        case detail, trace, client, metadata
        case retryOf = "retry_of"
    }

    /// The wire names of every top-level field, for strict decoding.
    public static let fieldNames: [String] = CodingKeys.allCases.map(\.rawValue)
}

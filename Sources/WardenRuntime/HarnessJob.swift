import Foundation
import WardenProtocol

/// What the harness reads from fd 4 (a memfd or file; read from offset 0, so the writer need
/// not rewind it): the code and how to run and report it.
///
/// ```json
/// {"code": "print(1)", "detail": "standard", "trace": false, "security_level": "strict",
///  "allowed_modules": ["json", "math"], "max_value_chars": 1000}
/// ```
/// `allowed_modules` is always present; `null` means any import is allowed.
public struct HarnessJob: Encodable, Sendable, Equatable {
    public var code: String
    public var detail: DetailLevel
    public var trace: Bool
    public var securityLevel: SecurityLevel
    /// Top-level module names the user's own imports may name; nil allows any import.
    public var allowedModules: [String]?
    /// Longest value (variable, local, return value) reported verbatim; the harness clamps it
    /// to 16...100_000.
    public var maxValueChars: Int

    public init(
        code: String, detail: DetailLevel = .standard, trace: Bool = false, securityLevel: SecurityLevel = .strict,
        allowedModules: [String]?, maxValueChars: Int = 1000
    ) {
        self.code = code
        self.detail = detail
        self.trace = trace
        self.securityLevel = securityLevel
        self.allowedModules = allowedModules
        self.maxValueChars = maxValueChars
    }

    enum CodingKeys: String, CodingKey {
        case code, detail, trace
        case securityLevel = "security_level"
        case allowedModules = "allowed_modules"
        case maxValueChars = "max_value_chars"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(detail, forKey: .detail)
        try container.encode(trace, forKey: .trace)
        try container.encode(securityLevel, forKey: .securityLevel)
        if let allowedModules {
            try container.encode(allowedModules, forKey: .allowedModules)
        } else {
            try container.encodeNil(forKey: .allowedModules)
        }
        try container.encode(maxValueChars, forKey: .maxValueChars)
    }

    /// The UTF-8 JSON document to write to the job descriptor.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}

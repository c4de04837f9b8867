/// The error taxonomy of seed 004, used in every non-200 answer.
public enum ErrorType: String, Sendable, Codable {
    case userError = "user_error"
    case transient
    case permanent
    case systemError = "system_error"
}

/// The body of every non-200 answer: `{"error": {...}}` (SPEC §1).
public struct ErrorBody: Sendable, Equatable, Codable {
    public struct Detail: Sendable, Equatable, Codable {
        public var type: ErrorType
        public var message: String
        public var field: String?
        public var retryable: Bool
        public var suggestedAction: String

        enum CodingKeys: String, CodingKey {
            case type, message, field, retryable
            case suggestedAction = "suggested_action"
        }
    }

    public var error: Detail

    public init(type: ErrorType, message: String, field: String? = nil, retryable: Bool, suggestedAction: String) {
        self.error = Detail(type: type, message: message, field: field, retryable: retryable, suggestedAction: suggestedAction)
    }
}

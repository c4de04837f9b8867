import Foundation

/// A result with its JSON text, encoded once and reused by everything that sends or stores it
/// (the answer's body, the streamed `result` line, the history's `result` column): encoding a
/// result costs about as much as the rest of the answer's path in the daemon.
///
/// The text is the contract's encoding: keys sorted, `/` not escaped, so that equal results
/// are equal text.
public struct EncodedResult: Sendable {
    /// Why a result could not be encoded: only a non-finite number can cause it, and nothing
    /// the supervisor reports is one (the report decoder refuses them).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let result: ExecutionResult
    /// The UTF-8 JSON object of `result`, or why there is none.
    public let json: Result<[UInt8], Failure>

    /// Encodes `result`.
    public init(_ result: ExecutionResult) {
        self.result = result
        do {
            json = .success(try Self.encode(result))
        } catch {
            json = .failure(Failure(description: "\(error)"))
        }
    }

    /// The encoder behind every JSON document the daemon answers or stores (shared: `encode`
    /// does not change it and is safe from any thread).
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` encoded as the daemon encodes every JSON document it answers or stores.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }
}

import Foundation

/// One line of a streamed answer (`Accept: application/x-ndjson`, SPEC §4): `started`, then
/// `stdout`/`stderr` chunks and `warning`s as they happen, and last `result` (the whole result
/// of SPEC §3 with `"event": "result"` added; see `StreamEvent.resultLine`).
public struct StreamEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case started, stdout, stderr, warning, result
    }

    public var event: Kind
    /// `started`: the execution's id.
    public var executionId: String?
    /// `stdout`/`stderr`: the chunk, as produced (invalid UTF-8 replaced; a character split
    /// across two reads is sent whole with the second).
    public var data: String?
    /// `warning`: when it was seen (ISO-8601 UTC).
    public var timestamp: String?
    /// `warning`: `warning` for a Python warning, `check` for a pre-run check of the code.
    public var level: String?
    /// `warning`: the warning class (`DeprecationWarning`) or the check (`UseBeforeAssignment`).
    public var category: String?
    public var message: String?
    /// `warning`: the line of the user's code it is about, when known.
    public var line: Int?

    public init(
        event: Kind, executionId: String? = nil, data: String? = nil, timestamp: String? = nil, level: String? = nil,
        category: String? = nil, message: String? = nil, line: Int? = nil
    ) {
        self.event = event
        self.executionId = executionId
        self.data = data
        self.timestamp = timestamp
        self.level = level
        self.category = category
        self.message = message
        self.line = line
    }

    enum CodingKeys: String, CodingKey {
        case event
        case executionId = "execution_id"
        case data, timestamp, level, category, message, line
    }

    /// The event as one NDJSON line (ending in `\n`).
    public func encodedLine() throws -> [UInt8] {
        try EncodedResult.encode(self) + [0x0A]
    }

    /// The final `result` line: the result's JSON object with `"event":"result"` first.
    public static func resultLine(_ result: EncodedResult) throws -> [UInt8] {
        // A JSON object always starts with `{` and is never empty here (execution_id, success…).
        Array(#"{"event":"result","#.utf8) + (try result.json.get()).dropFirst() + [0x0A]
    }
}

import Foundation

/// The filters of a history query (`GET /v1/executions`, `/v1/errors`, `/v1/errors/common`).
/// Every filter narrows; absent filters do not. Visibility (own executions unless admin) is
/// applied on top by the server, never by the client.
public struct HistoryQuery: Sendable, Equatable {
    public var status: ExecutionStatus?
    public var category: ErrorCategory?
    /// The exception class name (`NameError`), exactly.
    public var errorType: String?
    /// The request's `client` label, exactly.
    public var client: String?
    /// The caller's uid.
    public var uid: UInt32?
    /// Accepted at or after.
    public var since: Date?
    /// Accepted at or before.
    public var until: Date?
    /// Full-text search over the code and error messages: every word must occur.
    public var text: String?
    /// `GET /v1/errors` only: failures with (true) or without (false) a resolution.
    public var resolved: Bool?
    /// Page size.
    public var limit: Int
    /// Where the previous page ended (`next_cursor`).
    public var cursor: HistoryCursor?

    public static let defaultLimit = 50
    public static let maxLimit = 200
    public static let maxTextLength = 256

    public init(
        status: ExecutionStatus? = nil, category: ErrorCategory? = nil, errorType: String? = nil,
        client: String? = nil, uid: UInt32? = nil, since: Date? = nil, until: Date? = nil, text: String? = nil,
        resolved: Bool? = nil, limit: Int = HistoryQuery.defaultLimit, cursor: HistoryCursor? = nil
    ) {
        self.resolved = resolved
        self.status = status
        self.category = category
        self.errorType = errorType
        self.client = client
        self.uid = uid
        self.since = since
        self.until = until
        self.text = text
        self.limit = limit
        self.cursor = cursor
    }
}

/// An opaque position in a newest-first listing: the id of the last execution of a page.
/// Stable while executions are added (new ones sort before it) and when older ones are pruned.
public struct HistoryCursor: Sendable, Equatable {
    /// The last execution id the previous page showed; the next page starts strictly after it.
    public var afterID: String

    public init(afterID: String) { self.afterID = afterID }

    /// `c1` + base64url of the id: opaque to clients, versioned for us.
    public var token: String {
        "c1" + Data(afterID.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(token: String) {
        guard token.hasPrefix("c1"), token.utf8.count <= 128 else { return nil }
        var base64 = String(token.dropFirst(2)).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let id = String(data: data, encoding: .utf8),
            id.hasPrefix("exec_"), id.utf8.count <= 64
        else { return nil }
        self.afterID = id
    }
}

/// Strict parsing of history query strings: unknown, repeated, empty or malformed parameters
/// are refused with the parameter's name (the `field` of the 400 answer).
public enum HistoryQueryParser {
    /// Which endpoint the query is for; each accepts its own parameters.
    public enum Endpoint: Sendable {
        /// `GET /v1/executions`
        case executions
        /// `GET /v1/errors` (always failed executions: no `status`; `resolved=true|false`)
        case errors
        /// `GET /v1/errors/common` (no `status`, `error_type`, `q`, `cursor`)
        case commonErrors

        public var parameters: [String] {
            switch self {
            case .executions:
                ["status", "category", "error_type", "client", "uid", "since", "until", "q", "limit", "cursor"]
            case .errors: ["category", "error_type", "client", "uid", "since", "until", "q", "resolved", "limit", "cursor"]
            case .commonErrors: ["category", "client", "uid", "since", "until", "limit"]
            }
        }

        public var defaultLimit: Int { self == .commonErrors ? 10 : HistoryQuery.defaultLimit }
        public var maxLimit: Int { self == .commonErrors ? 100 : HistoryQuery.maxLimit }
    }

    /// Parses `query` (the part of the URI after `?`, percent-encoded). `now` anchors relative
    /// times (`since=24h`).
    public static func parse(_ query: String, for endpoint: Endpoint, now: Date) throws(RequestError) -> HistoryQuery {
        var result = HistoryQuery(limit: endpoint.defaultLimit)
        var seen: Set<String> = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else {
                throw RequestError(field: nil, reason: "the query string is not valid percent-encoding")
            }
            guard endpoint.parameters.contains(name) else {
                throw RequestError(
                    field: name,
                    reason: "unknown query parameter; allowed: \(endpoint.parameters.joined(separator: ", "))"
                )
            }
            guard seen.insert(name).inserted else { throw RequestError(field: name, reason: "given more than once") }
            guard parts.count == 2, let value = decode(parts[1]), !value.isEmpty else {
                throw RequestError(field: name, reason: "needs a value")
            }
            try apply(name, value, to: &result, endpoint: endpoint, now: now)
        }
        if let since = result.since, let until = result.until, since > until {
            throw RequestError(field: "since", reason: "is after 'until'")
        }
        return result
    }

    private static func apply(
        _ name: String, _ value: String, to query: inout HistoryQuery, endpoint: Endpoint, now: Date
    ) throws(RequestError) {
        switch name {
        case "status":
            guard let status = ExecutionStatus(rawValue: value) else {
                throw RequestError(field: name, reason: "'\(value)' is not one of running, succeeded, failed")
            }
            query.status = status
        case "category":
            guard let category = ErrorCategory(rawValue: value) else {
                let allowed = ErrorCategory.allCases.map(\.rawValue).joined(separator: ", ")
                throw RequestError(field: name, reason: "'\(value)' is not one of \(allowed)")
            }
            query.category = category
        case "error_type":
            guard value.utf8.count <= 128, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
            else { throw RequestError(field: name, reason: "expected an exception class name such as NameError") }
            query.errorType = value
        case "client":
            guard value.utf8.count <= 128 else { throw RequestError(field: name, reason: "must be at most 128 bytes") }
            query.client = value
        case "uid":
            guard let uid = UInt32(value) else { throw RequestError(field: name, reason: "expected a numeric uid, got '\(value)'") }
            query.uid = uid
        case "since":
            query.since = try time(value, name, now: now)
        case "until":
            query.until = try time(value, name, now: now)
        case "q":
            guard value.count <= HistoryQuery.maxTextLength else {
                throw RequestError(field: name, reason: "must be at most \(HistoryQuery.maxTextLength) characters")
            }
            guard !SearchTokens.words(in: value).isEmpty else {
                throw RequestError(field: name, reason: "has no word to search for (letters, digits or _)")
            }
            query.text = value
        case "resolved":
            guard value == "true" || value == "false" else {
                throw RequestError(field: name, reason: "expected true or false, got '\(value)'")
            }
            query.resolved = value == "true"
        case "limit":
            guard let limit = Int(value), (1...endpoint.maxLimit).contains(limit) else {
                throw RequestError(field: name, reason: "expected an integer from 1 to \(endpoint.maxLimit), got '\(value)'")
            }
            query.limit = limit
        case "cursor":
            guard let cursor = HistoryCursor(token: value) else {
                throw RequestError(field: name, reason: "not a cursor this daemon issued; pass next_cursor unchanged")
            }
            query.cursor = cursor
        default:
            throw RequestError(field: name, reason: "unknown query parameter")
        }
    }

    /// `+` is a space in query strings; `%xx` escapes are decoded (invalid ones refused).
    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// An ISO-8601 time (`2025-01-28T10:30:00Z`, with fractional seconds or an offset, or a
    /// date `2025-01-28`, midnight UTC), or a duration back from now (`90s`, `30m`, `24h`, `7d`).
    static func time(_ value: String, _ name: String, now: Date) throws(RequestError) -> Date {
        if let date = HistoryTime.parse(value) { return date }
        // An unencoded '+' of an offset arrives as a space (query-string rules); no time has one.
        if value.contains(" "), let date = HistoryTime.parse(value.replacingOccurrences(of: " ", with: "+")) { return date }
        if let unit = value.last, let amount = Double(value.dropLast()), amount >= 0, amount.isFinite {
            let seconds: Double? =
                switch unit {
                case "s": amount
                case "m": amount * 60
                case "h": amount * 3600
                case "d": amount * 86400
                default: nil
                }
            if let seconds { return now.addingTimeInterval(-seconds) }
        }
        throw RequestError(
            field: name,
            reason: "expected an ISO-8601 time such as 2025-01-28T10:30:00Z, a date such as 2025-01-28, or a duration back from now such as 24h or 7d; got '\(value)'"
        )
    }
}

/// ISO-8601 UTC times as the history shows them (milliseconds, `Z`).
public enum HistoryTime {
    public static func string(_ date: Date) -> String {
        string(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// `2025-01-28T10:30:00.123Z`. Computed directly (proleptic Gregorian calendar, days to
    /// civil date after H. Hinnant): a formatter per call costs ~100 µs on Linux, and a page of
    /// history formats a hundred times.
    public static func string(milliseconds: Int64) -> String {
        let millis = Int(((milliseconds % 1000) + 1000) % 1000)
        let seconds = (milliseconds - Int64(millis)) / 1000
        var days = Int(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)
        let secondOfDay = Int(seconds - Int64(days) * 86400)
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }

    /// Parses `2025-01-28T10:30:00Z`, `2025-01-28T10:30:00.123Z`, `2025-01-28T12:30:00+02:00`
    /// and `2025-01-28` (midnight UTC); nil otherwise.
    public static func parse(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = full.date(from: text) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if text.utf8.count == 10, let date = day.date(from: text) { return date }
        return nil
    }
}

/// The words a full-text search looks for: runs of letters, digits and `_` (the same rule as
/// the history's FTS5 tokenizer, `unicode61 tokenchars '_'`), lower-cased, at most 16.
public enum SearchTokens {
    public static func words(in text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "_" {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var seen: Set<String> = []
        return Array(words.filter { seen.insert($0).inserted }.prefix(16))
    }
}

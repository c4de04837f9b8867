import Foundation

/// A request the daemon refuses to run, with the field at fault.
public struct RequestError: Error, Sendable, Equatable {
    /// Dotted path of the offending field (`limits.memory_mb`), or nil for the body as a whole.
    public var field: String?
    public var reason: String

    public init(field: String?, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var message: String {
        if let field { return "invalid field '\(field)': \(reason)" }
        return reason
    }
}

/// Strict decoding of `ExecutionRequest`: unknown fields, wrong types and impossible values are
/// refused with the field's name, never ignored or coerced.
public enum RequestParser {
    public static func parse(_ body: [UInt8]) throws(RequestError) -> ExecutionRequest {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw RequestError(field: nil, reason: "the request body is empty; send a JSON object with at least 'code'")
        }
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw RequestError(field: nil, reason: "the request body is not valid JSON: \(describe(error))")
        }
        guard let object = root.objectValue else {
            throw RequestError(field: nil, reason: "the request body must be a JSON object, got \(root.typeName)")
        }
        try rejectUnknown(object, allowed: ExecutionRequest.fieldNames, prefix: "")

        guard let codeValue = object["code"] else {
            throw RequestError(field: "code", reason: "is required")
        }
        var request = ExecutionRequest(code: try string(codeValue, "code"))
        if let value = object["language"] {
            let language = try string(value, "language")
            guard language == "python" else {
                throw RequestError(field: "language", reason: "unsupported language '\(language)'; supported: python")
            }
            request.language = language
        }
        if let value = object["stdin"] { request.stdin = try string(value, "stdin") }
        if let value = object["files"] { request.files = try files(value) }
        if let value = object["limits"] { request.limits = try limits(value) }
        if let value = object["capabilities"] {
            guard let items = value.arrayValue else { throw typeError("capabilities", "array of strings", value) }
            request.capabilities = try items.enumerated().map { index, item throws(RequestError) in
                try string(item, "capabilities[\(index)]")
            }
        }
        if let value = object["security_level"] {
            request.securityLevel = try enumValue(value, "security_level")
            request.securityLevelRequested = true
        }
        if let value = object["detail"] { request.detail = try enumValue(value, "detail") }
        if let value = object["trace"] {
            guard let flag = value.boolValue else { throw typeError("trace", "boolean", value) }
            request.trace = flag
        }
        if let value = object["client"], value != .null {
            let client = try string(value, "client")
            guard client.utf8.count <= 128 else {
                throw RequestError(field: "client", reason: "must be at most 128 bytes")
            }
            request.client = client
        }
        if let value = object["metadata"] {
            guard let metadata = value.objectValue else { throw typeError("metadata", "object", value) }
            request.metadata = metadata
        }
        if let value = object["retry_of"], value != .null {
            request.retryOf = try string(value, "retry_of")
        }
        return request
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }

    private static func rejectUnknown(_ object: [String: JSONValue], allowed: [String], prefix: String) throws(RequestError) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw RequestError(
                field: prefix + key,
                reason: "unknown field; allowed fields are \(allowed.joined(separator: ", "))"
            )
        }
    }

    private static func typeError(_ field: String, _ expected: String, _ got: JSONValue) -> RequestError {
        RequestError(field: field, reason: "expected \(expected), got \(got.typeName)")
    }

    private static func string(_ value: JSONValue, _ field: String) throws(RequestError) -> String {
        guard let string = value.stringValue else { throw typeError(field, "string", value) }
        return string
    }

    private static func enumValue<T: RawRepresentable & CaseIterable>(
        _ value: JSONValue, _ field: String
    ) throws(RequestError) -> T where T.RawValue == String {
        let raw = try string(value, field)
        guard let parsed = T(rawValue: raw) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw RequestError(field: field, reason: "'\(raw)' is not one of \(allowed)")
        }
        return parsed
    }

    private static func files(_ value: JSONValue) throws(RequestError) -> [String: String] {
        guard let object = value.objectValue else { throw typeError("files", "object of path → text", value) }
        var files: [String: String] = [:]
        for (path, content) in object {
            let field = "files.\(path)"
            guard let text = content.stringValue else { throw typeError(field, "string", content) }
            try validateRelativePath(path, field: field)
            files[path] = text
        }
        return files
    }

    /// A file name must stay inside the work directory: relative, no `..`, no NUL, not empty.
    static func validateRelativePath(_ path: String, field: String) throws(RequestError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.isEmpty || path.hasPrefix("/") || path.contains("\0") || path.utf8.count > 255
            || components.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." })
        {
            throw RequestError(
                field: field,
                reason: "file names must be relative paths inside the work directory without '.', '..' or empty components (at most 255 bytes)"
            )
        }
    }

    private static func limits(_ value: JSONValue) throws(RequestError) -> RequestedLimits {
        guard let object = value.objectValue else { throw typeError("limits", "object", value) }
        try rejectUnknown(object, allowed: RequestedLimits.fieldNames, prefix: "limits.")
        var limits = RequestedLimits()
        func positiveNumber(_ key: String) throws(RequestError) -> Double? {
            guard let raw = object[key] else { return nil }
            guard let number = raw.doubleValue else { throw typeError("limits.\(key)", "number", raw) }
            guard number > 0, number.isFinite else {
                throw RequestError(field: "limits.\(key)", reason: "must be a positive number, got \(number)")
            }
            return number
        }
        func positiveInteger(_ key: String) throws(RequestError) -> Int? {
            guard let raw = object[key] else { return nil }
            guard let number = raw.intValue else { throw typeError("limits.\(key)", "integer", raw) }
            guard number > 0 else {
                throw RequestError(field: "limits.\(key)", reason: "must be a positive integer, got \(number)")
            }
            return number
        }
        limits.timeoutSeconds = try positiveNumber("timeout_seconds")
        limits.cpuSeconds = try positiveNumber("cpu_seconds")
        limits.memoryMB = try positiveInteger("memory_mb")
        limits.maxOutputBytes = try positiveInteger("max_output_bytes")
        limits.maxProcesses = try positiveInteger("max_processes")
        limits.maxFileBytes = try positiveInteger("max_file_bytes")
        limits.maxOpenFiles = try positiveInteger("max_open_files")
        return limits
    }
}

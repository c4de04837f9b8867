import Foundation
import WardenProtocol

/// A JSON Schema (draft 2020-12) validator for the subset `docs/result.schema.json` uses:
/// `type`, `enum`, `const`, `properties`, `required`, `additionalProperties`, `items`,
/// `$ref` to `#/$defs/...`, `anyOf`, `oneOf`, `allOf`, `not`, `if`/`then`/`else`, `minimum`,
/// `minLength`, `maxLength`, `pattern`. Annotations (`description`, `title`, `format`, ...)
/// are ignored. A keyword outside the subset is an error, so the schema cannot silently use
/// something this validator does not check.
///
/// No dependency: Python's `jsonschema` is not on a fresh CI machine.
struct SchemaValidator: Sendable {
    struct Violation: CustomStringConvertible, Sendable {
        var path: String
        var message: String
        var description: String { "\(path.isEmpty ? "/" : path): \(message)" }
    }

    let root: JSONValue

    static let annotations: Set<String> = [
        "$schema", "$id", "title", "description", "format", "$comment", "examples", "default", "$defs",
    ]
    static let keywords: Set<String> = [
        "type", "enum", "const", "properties", "required", "additionalProperties", "items", "$ref",
        "anyOf", "oneOf", "allOf", "not", "if", "then", "else", "minimum", "minLength", "maxLength", "pattern",
    ]

    init(schema: JSONValue) {
        root = schema
    }

    init(contentsOf path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        root = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// `docs/result.schema.json` of this checkout.
    static let result: SchemaValidator = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        do {
            return try SchemaValidator(contentsOf: repository.appendingPathComponent("docs/result.schema.json").path)
        } catch {
            fatalError("docs/result.schema.json does not load: \(error)")
        }
    }()

    /// Every violation of the schema by `instance`; empty when it is valid.
    func violations(of instance: JSONValue) -> [Violation] {
        var found: [Violation] = []
        check(instance, against: root, path: "", into: &found)
        return found
    }

    /// Validates a JSON document (bytes).
    func violations(ofJSON bytes: [UInt8]) -> [Violation] {
        do {
            let value = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
            return violations(of: value)
        } catch {
            return [Violation(path: "", message: "not JSON: \(error)")]
        }
    }

    // MARK: - Checking

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: JSONValue? = root
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    private func isValid(_ instance: JSONValue, _ schema: JSONValue, _ path: String) -> Bool {
        var found: [Violation] = []
        check(instance, against: schema, path: path, into: &found)
        return found.isEmpty
    }

    private func check(_ instance: JSONValue, against schema: JSONValue, path: String, into found: inout [Violation]) {
        if case .bool(let accept) = schema {
            if !accept { found.append(Violation(path: path, message: "no value is allowed here")) }
            return
        }
        guard let keywords = schema.objectValue else {
            found.append(Violation(path: path, message: "the schema here is not an object or boolean"))
            return
        }
        for key in keywords.keys where !Self.keywords.contains(key) && !Self.annotations.contains(key) {
            found.append(Violation(path: path, message: "the schema uses '\(key)', which this validator does not implement"))
        }
        if let reference = keywords["$ref"]?.stringValue {
            if let target = resolve(reference) {
                check(instance, against: target, path: path, into: &found)
            } else {
                found.append(Violation(path: path, message: "unresolvable $ref \(reference)"))
            }
        }
        if let types = keywords["type"] {
            let names = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue].compactMap { $0 }
            if !names.contains(where: { Self.matches(instance, type: $0) }) {
                found.append(Violation(path: path, message: "expected \(names.joined(separator: " or ")), got \(Self.describe(instance))"))
                return
            }
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(where: { Self.equal($0, instance) }) {
            found.append(Violation(path: path, message: "\(Self.describe(instance)) is not one of \(options.compactMap(\.stringValue))"))
        }
        if let constant = keywords["const"], !Self.equal(constant, instance) {
            found.append(Violation(path: path, message: "expected the constant \(constant), got \(Self.describe(instance))"))
        }
        checkNumber(instance, keywords, path, &found)
        checkString(instance, keywords, path, &found)
        if case .object(let object) = instance {
            checkObject(object, keywords, path, &found)
        }
        if case .array(let array) = instance, let items = keywords["items"] {
            for (index, element) in array.enumerated() {
                check(element, against: items, path: path + "/\(index)", into: &found)
            }
        }
        checkCombinators(instance, keywords, path, &found)
    }

    private func checkNumber(_ instance: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ found: inout [Violation]) {
        if let minimum = keywords["minimum"]?.doubleValue, let value = instance.doubleValue, value < minimum {
            found.append(Violation(path: path, message: "\(value) is less than the minimum \(minimum)"))
        }
    }

    private func checkString(_ instance: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ found: inout [Violation]) {
        guard let string = instance.stringValue else { return }
        let length = string.unicodeScalars.count  // JSON Schema counts code points
        if let minimum = keywords["minLength"]?.intValue, length < minimum {
            found.append(Violation(path: path, message: "string shorter than \(minimum)"))
        }
        if let maximum = keywords["maxLength"]?.intValue, length > maximum {
            found.append(Violation(path: path, message: "string longer than \(maximum): \(string.prefix(120))"))
        }
        if let pattern = keywords["pattern"]?.stringValue {
            if string.range(of: pattern, options: .regularExpression) == nil {
                found.append(Violation(path: path, message: "'\(string.prefix(120))' does not match \(pattern)"))
            }
        }
    }

    private func checkObject(_ object: [String: JSONValue], _ keywords: [String: JSONValue], _ path: String, _ found: inout [Violation]) {
        let properties = keywords["properties"]?.objectValue ?? [:]
        for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
            found.append(Violation(path: path, message: "missing required property '\(name)'"))
        }
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            let child = path + "/" + name
            if let property = properties[name] {
                check(value, against: property, path: child, into: &found)
            } else if let additional = keywords["additionalProperties"] {
                if case .bool(false) = additional {
                    found.append(Violation(path: path, message: "unexpected property '\(name)'"))
                } else {
                    check(value, against: additional, path: child, into: &found)
                }
            }
        }
    }

    private func checkCombinators(_ instance: JSONValue, _ keywords: [String: JSONValue], _ path: String, _ found: inout [Violation]) {
        if let all = keywords["allOf"]?.arrayValue {
            for schema in all { check(instance, against: schema, path: path, into: &found) }
        }
        if let any = keywords["anyOf"]?.arrayValue, !any.contains(where: { isValid(instance, $0, path) }) {
            found.append(Violation(path: path, message: "matches none of the anyOf alternatives"))
        }
        if let one = keywords["oneOf"]?.arrayValue {
            let count = one.filter { isValid(instance, $0, path) }.count
            if count != 1 {
                found.append(Violation(path: path, message: "matches \(count) of the oneOf alternatives, not exactly one"))
            }
        }
        if let negated = keywords["not"], isValid(instance, negated, path) {
            found.append(Violation(path: path, message: "matches a schema it must not match (\(negated["description"]?.stringValue ?? "not"))"))
        }
        if let condition = keywords["if"] {
            if isValid(instance, condition, path) {
                if let then = keywords["then"] { check(instance, against: then, path: path, into: &found) }
            } else if let otherwise = keywords["else"] {
                check(instance, against: otherwise, path: path, into: &found)
            }
        }
    }

    // MARK: - JSON model

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object):
            return true
        case ("integer", .int):
            return true
        case ("integer", .double(let number)):
            return number.rounded() == number
        case ("number", .int), ("number", .double):
            return true
        default:
            return false
        }
    }

    static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        if let a = left.doubleValue, let b = right.doubleValue { return a == b }
        return left == right
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "the string '\(text.prefix(80))'"
        case .int(let number): "the integer \(number)"
        case .double(let number): "the number \(number)"
        default: value.typeName
        }
    }
}

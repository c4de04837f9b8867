import Foundation
import Logging
import WardenPolicy
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// One value as a layer gave it, before it is checked against its key.
enum ConfigurationValue: Sendable, Equatable {
    case integer(Int)
    case float(Double)
    case string(String)
    case boolean(Bool)
    case strings([String])
    case integers([Int])
    /// A TOML value of a kind no key takes (table, date, time, mixed array): its type name.
    case other(String)

    var typeName: String {
        switch self {
        case .integer: "an integer"
        case .float: "a number with a fraction"
        case .string: "a string"
        case .boolean: "a boolean"
        case .strings: "an array of strings"
        case .integers: "an array of integers"
        case .other(let name): name
        }
    }
}

/// Why a value cannot be taken for its key (the loader adds the key and where it came from).
struct KeyProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A key of the configuration: its dotted name, its environment variable, the type it takes,
/// and how it lands in `DaemonConfiguration`. `ConfigurationKey.all` is the whole schema.
struct ConfigurationKey: Sendable {
    enum Kind: Sendable {
        case integer, number, string, boolean, strings, integers, mode

        var expected: String {
            switch self {
            case .integer: "an integer"
            case .number: "a number"
            case .string: "a string"
            case .boolean: "a boolean"
            case .strings: "an array of strings"
            case .integers: "an array of integers"
            case .mode: "an octal mode (0o660 or \"0660\")"
            }
        }
    }

    let name: String
    let environment: String
    let kind: Kind
    /// Parsed and validated but not yet applied by the daemon.
    let reserved: Bool
    let apply: @Sendable (inout DaemonConfiguration, ConfigurationValue) throws(KeyProblem) -> Void

    /// The section (`limits.default`) and the key's own name (`memory_mb`).
    var section: String { name.contains(".") ? String(name[..<name.lastIndex(of: ".")!]) : "" }

    /// Parses an environment variable or a flag as this key's type.
    func value(fromText text: String) throws(KeyProblem) -> ConfigurationValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .integer:
            guard let number = Int(trimmed.replacingOccurrences(of: "_", with: "")) else {
                throw KeyProblem("expected an integer, got '\(text)'")
            }
            return .integer(number)
        case .number:
            guard let number = Double(trimmed), number.isFinite else { throw KeyProblem("expected a number, got '\(text)'") }
            return .float(number)
        case .string:
            return .string(text)
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "1", "yes": return .boolean(true)
            case "false", "0", "no": return .boolean(false)
            default: throw KeyProblem("expected true or false, got '\(text)'")
            }
        case .strings:
            return .strings(trimmed.isEmpty ? [] : trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        case .integers:
            var numbers: [Int] = []
            for item in trimmed.split(separator: ",") {
                guard let number = Int(item.trimmingCharacters(in: .whitespaces)) else {
                    throw KeyProblem("expected comma-separated integers, got '\(text)'")
                }
                numbers.append(number)
            }
            return .integers(numbers)
        case .mode:
            return .string(trimmed)
        }
    }

    /// Checks the value's type and range and stores it.
    func store(_ value: ConfigurationValue, into configuration: inout DaemonConfiguration) throws(KeyProblem) {
        let accepted: Bool
        switch (kind, value) {
        case (.integer, .integer), (.number, .integer), (.number, .float), (.string, .string), (.boolean, .boolean),
            (.strings, .strings), (.integers, .integers), (.mode, .integer), (.mode, .string):
            accepted = true
        case (.integers, .strings(let list)) where list.isEmpty:
            // `[]` carries no element type.
            try apply(&configuration, .integers([]))
            return
        default:
            accepted = false
        }
        guard accepted else { throw KeyProblem("expected \(kind.expected), got \(value.typeName)") }
        try apply(&configuration, value)
    }
}

// MARK: - Typed constructors

extension ConfigurationKey {
    static func integer(
        _ name: String, env: String? = nil, _ range: ClosedRange<Int>, reserved: Bool = false,
        _ set: @escaping @Sendable (inout DaemonConfiguration, Int) -> Void
    ) -> ConfigurationKey {
        ConfigurationKey(name: name, environment: env ?? environmentName(name), kind: .integer, reserved: reserved) {
            configuration, value throws(KeyProblem) in
            guard case .integer(let number) = value else { return }
            guard range.contains(number) else { throw KeyProblem(Self.rangeText(number, range)) }
            set(&configuration, number)
        }
    }

    static func number(
        _ name: String, env: String? = nil, _ range: ClosedRange<Double>,
        _ set: @escaping @Sendable (inout DaemonConfiguration, Double) -> Void
    ) -> ConfigurationKey {
        ConfigurationKey(name: name, environment: env ?? environmentName(name), kind: .number, reserved: false) {
            configuration, value throws(KeyProblem) in
            let number: Double
            switch value {
            case .integer(let whole): number = Double(whole)
            case .float(let fraction): number = fraction
            default: return
            }
            guard number.isFinite, range.contains(number) else {
                throw KeyProblem("must be between \(format(range.lowerBound)) and \(format(range.upperBound)), got \(format(number))")
            }
            set(&configuration, number)
        }
    }

    static func string(
        _ name: String, env: String? = nil, reserved: Bool = false,
        check: @escaping @Sendable (String) -> String? = { _ in nil },
        _ set: @escaping @Sendable (inout DaemonConfiguration, String) -> Void
    ) -> ConfigurationKey {
        ConfigurationKey(name: name, environment: env ?? environmentName(name), kind: .string, reserved: reserved) {
            configuration, value throws(KeyProblem) in
            guard case .string(let text) = value else { return }
            if text.utf8.contains(0) { throw KeyProblem("must not contain a NUL character") }
            if let problem = check(text) { throw KeyProblem(problem) }
            set(&configuration, text)
        }
    }

    static func strings(
        _ name: String, env: String? = nil, reserved: Bool = false,
        check: @escaping @Sendable ([String]) -> String?,
        _ set: @escaping @Sendable (inout DaemonConfiguration, [String]) -> Void
    ) -> ConfigurationKey {
        ConfigurationKey(name: name, environment: env ?? environmentName(name), kind: .strings, reserved: reserved) {
            configuration, value throws(KeyProblem) in
            guard case .strings(let list) = value else { return }
            if let problem = check(list) { throw KeyProblem(problem) }
            set(&configuration, list)
        }
    }

    static func boolean(
        _ name: String, env: String? = nil, _ set: @escaping @Sendable (inout DaemonConfiguration, Bool) -> Void
    ) -> ConfigurationKey {
        ConfigurationKey(name: name, environment: env ?? environmentName(name), kind: .boolean, reserved: false) {
            configuration, value throws(KeyProblem) in
            guard case .boolean(let flag) = value else { return }
            set(&configuration, flag)
        }
    }

    static func integers(
        _ name: String, env: String? = nil, _ range: ClosedRange<Int>,
        _ set: @escaping @Sendable (inout DaemonConfiguration, [Int]) -> Void
    ) -> ConfigurationKey {
        ConfigurationKey(name: name, environment: env ?? environmentName(name), kind: .integers, reserved: false) {
            configuration, value throws(KeyProblem) in
            guard case .integers(let numbers) = value else { return }
            for number in numbers where !range.contains(number) { throw KeyProblem(Self.rangeText(number, range)) }
            if Set(numbers).count != numbers.count { throw KeyProblem("names a value twice") }
            set(&configuration, numbers)
        }
    }

    /// `WARDEN_` and the dotted name in capitals with underscores: `limits.default.memory_mb`
    /// → `WARDEN_LIMITS_DEFAULT_MEMORY_MB`.
    static func environmentName(_ name: String) -> String {
        "WARDEN_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    static func rangeText(_ number: Int, _ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "must be at least \(range.lowerBound), got \(number)" }
        return "must be between \(range.lowerBound) and \(range.upperBound), got \(number)"
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}

// MARK: - Checks shared by keys

enum Checks {
    static func absolutePath(_ text: String) -> String? {
        text.hasPrefix("/") ? nil : "must be an absolute path, got '\(text)'"
    }

    static func path(_ text: String) -> String? {
        text.isEmpty ? "must not be empty" : nil
    }

    static func socketPath(_ text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        if text.utf8.count >= 108 { return "must be shorter than 108 bytes (sun_path), got \(text.utf8.count)" }
        return nil
    }

    static func securityLevel(_ text: String) -> String? {
        SecurityLevel(rawValue: text) == nil
            ? "must be one of \(SecurityLevel.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'" : nil
    }

    /// Dotted Python module names (`json`, `xml.etree.ElementTree`), at most 200.
    static func moduleNames(_ list: [String]) -> String? {
        if list.count > 200 { return "lists \(list.count) modules; at most 200" }
        for name in list {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            let valid = !name.isEmpty && name.utf8.count <= 200 && parts.allSatisfy { part in
                guard let first = part.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
                else { return false }
                return part.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) }
            }
            if !valid { return "'\(name)' is not a module name (letters, digits and _, dotted)" }
        }
        return nil
    }

    static func securityLevels(_ list: [String]) -> String? {
        if list.isEmpty { return "must name at least one level" }
        for level in list { if let problem = securityLevel(level) { return problem } }
        return Set(list).count == list.count ? nil : "names a level twice"
    }

    static func logLevel(_ text: String) -> String? {
        Logger.Level(rawValue: text) == nil
            ? "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'" : nil
    }

    /// A group name as `getgrnam` takes it (whether it exists is checked at start).
    static func groupName(_ text: String) -> String? {
        if text.isEmpty { return "must not be empty (leave the key out for the daemon's own group)" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.$")
        return text.allSatisfy(allowed.contains) && !text.hasPrefix("-") ? nil : "is not a valid group name: '\(text)'"
    }

    /// `kind` or `kind:argument` with a known kind (SPEC §6 capability tokens).
    static func capabilities(_ list: [String]) -> String? {
        for grant in list {
            do {
                _ = try Capability.parse(grant)
            } catch {
                return error.description
            }
        }
        return nil
    }

    /// Token ids as `warden token issue` prints them: 32 lowercase hex digits.
    static func tokenIDs(_ list: [String]) -> String? {
        for id in list where !(id.count == 32 && id.allSatisfy { $0.isASCII && $0.isHexDigit && !$0.isUppercase }) {
            return "'\(id.prefix(40))' is not a token id (32 lowercase hex digits, as `warden token inspect` shows)"
        }
        return nil
    }
}

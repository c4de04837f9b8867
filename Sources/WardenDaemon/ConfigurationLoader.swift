import Foundation
import TOMLKit
import WardenProtocol

/// A configuration that cannot run: where it came from (the file, the environment variable or
/// the flag), the key, and why. Reads "invalid configuration: FILE: KEY: REASON".
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file path, `environment variable NAME` or `flag --NAME`.
    public var source: String
    /// The dotted key; nil for a file that is not valid TOML or cannot be read.
    public var key: String?
    public var reason: String

    public init(source: String, key: String?, reason: String) {
        self.source = source
        self.key = key
        self.reason = reason
    }

    public var description: String {
        "invalid configuration: \(source): " + (key.map { "\($0): " } ?? "") + reason
    }
}

/// Builds a `DaemonConfiguration` from its layers — embedded defaults ← file ← environment
/// ← flags — refusing unknown keys, wrong types and impossible values.
public enum ConfigurationLoader {
    /// Read when neither `--config` nor `WARDEN_CONFIG` names a file, if it exists.
    public static let defaultPath = "/etc/warden/wardend.toml"
    /// A configuration file larger than this is refused.
    static let maxFileBytes = 1 << 20

    /// A value given on the command line: `--socket PATH` is (`--socket`, `socket.path`, PATH).
    public struct Flag: Sendable {
        public var flag: String
        public var key: String
        public var value: String
        public init(flag: String, key: String, value: String) {
            self.flag = flag
            self.key = key
            self.value = value
        }
    }

    /// The file to read: `--config`, else `WARDEN_CONFIG`, else `defaultPath` when it exists,
    /// else none (embedded defaults).
    public static func filePath(
        flag: String?, environment: [String: String],
        exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let path = environment["WARDEN_CONFIG"], !path.isEmpty { return path }
        return exists(defaultPath) ? defaultPath : nil
    }

    /// All layers, reading the file from disk.
    public static func load(
        configFlag: String?, environment: [String: String], flags: [Flag] = []
    ) throws(ConfigurationError) -> DaemonConfiguration {
        var file: (path: String, text: String)?
        if let path = filePath(flag: configFlag, environment: environment) {
            file = (path, try read(path))
        }
        return try load(file: file, environment: environment, flags: flags)
    }

    /// All layers from text in memory (the tests' entry point).
    public static func load(
        file: (path: String, text: String)?, environment: [String: String], flags: [Flag] = []
    ) throws(ConfigurationError) -> DaemonConfiguration {
        var configuration = DaemonConfiguration.embeddedDefaults(environment: environment)
        var origins: [String: String] = [:]
        var setKeys: [String] = []

        func store(_ key: ConfigurationKey, _ value: ConfigurationValue, source: String) throws(ConfigurationError) {
            do {
                try key.store(value, into: &configuration)
            } catch {
                throw ConfigurationError(source: source, key: key.name, reason: error.reason)
            }
            origins[key.name] = source
            setKeys.append(key.name)
        }

        if let file {
            configuration.configurationFile = file.path
            let parsed = try parse(file.text, path: file.path)
            for (key, value) in parsed.values { try store(key, value, source: file.path) }
            configuration.uidPolicies = parsed.policies
        }
        for key in ConfigurationKey.all {
            guard let text = environment[key.environment], !text.isEmpty else { continue }
            let source = "environment variable \(key.environment)"
            let value: ConfigurationValue
            do {
                value = try key.value(fromText: text)
            } catch {
                throw ConfigurationError(source: source, key: key.name, reason: error.reason)
            }
            try store(key, value, source: source)
        }
        for flag in flags {
            guard let key = ConfigurationKey.named(flag.key) else {
                preconditionFailure("flag \(flag.flag) names no configuration key \(flag.key)")
            }
            let source = "flag \(flag.flag)"
            let value: ConfigurationValue
            do {
                value = try key.value(fromText: flag.value)
            } catch {
                throw ConfigurationError(source: source, key: key.name, reason: error.reason)
            }
            try store(key, value, source: source)
        }
        configuration.applyDevelopmentSwitches(environment)
        try crossCheck(configuration, origins: origins)
        let reserved = Set(ConfigurationKey.all.filter(\.reserved).map(\.name))
        configuration.reservedKeysSet = Array(Set(setKeys).intersection(reserved)).sorted()
        return configuration
    }

    private static func read(_ path: String) throws(ConfigurationError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "could not read the file (permission denied?)" : "no such file"
            throw ConfigurationError(source: path, key: nil, reason: reason)
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxFileBytes + 1)) ?? Data()
        guard data.count <= maxFileBytes else {
            throw ConfigurationError(source: path, key: nil, reason: "the file is larger than \(maxFileBytes) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(source: path, key: nil, reason: "the file is not UTF-8")
        }
        return text
    }

    // MARK: - The file

    struct ParsedFile {
        var values: [(ConfigurationKey, ConfigurationValue)] = []
        var policies: [UIDPolicy] = []
    }

    static func parse(_ text: String, path: String) throws(ConfigurationError) -> ParsedFile {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                source: path, key: nil,
                reason: "line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)"
            )
        } catch {
            throw ConfigurationError(source: path, key: nil, reason: "not valid TOML: \(error)")
        }
        var parsed = ParsedFile()
        try walk(root, prefix: "", path: path, into: &parsed)
        return parsed
    }

    private static func walk(_ table: TOMLTable, prefix: String, path: String, into parsed: inout ParsedFile)
        throws(ConfigurationError)
    {
        for key in table.keys.sorted() {
            guard let node = table[key] else { continue }
            let name = prefix.isEmpty ? key : prefix + "." + key
            if key.contains(".") || key.isEmpty {
                throw ConfigurationError(source: path, key: "\"\(name)\"", reason: "unknown key (a quoted key with a dot)")
            }
            if prefix.isEmpty && key == "policy" {
                parsed.policies = try policies(node, path: path)
                continue
            }
            if ConfigurationKey.sections.contains(name) {
                guard let section = node.table else {
                    throw ConfigurationError(
                        source: path, key: name, reason: "is a section: expected a table ([\(name)]), got \(typeName(node))"
                    )
                }
                try walk(section, prefix: name, path: path, into: &parsed)
                continue
            }
            guard let schemaKey = ConfigurationKey.named(name) else {
                throw ConfigurationError(source: path, key: name, reason: unknownKeyReason(name))
            }
            parsed.values.append((schemaKey, value(of: node)))
        }
    }

    static func value(of node: TOMLValueConvertible) -> ConfigurationValue {
        switch node.type {
        case .int: return .integer(node.int ?? 0)
        case .double: return .float(node.double ?? 0)
        case .string: return .string(node.string ?? "")
        case .bool: return .boolean(node.bool ?? false)
        case .array:
            let elements = node.array.map { Array($0) } ?? []
            let strings = elements.compactMap(\.string)
            if strings.count == elements.count { return .strings(strings) }
            let integers = elements.compactMap(\.int)
            if integers.count == elements.count { return .integers(integers) }
            return .other("an array of mixed or other values")
        default: return .other(typeName(node))
        }
    }

    private static func typeName(_ node: TOMLValueConvertible) -> String {
        switch node.type {
        case .table: "a table"
        case .array: "an array"
        case .date, .time, .dateTime: "a date or time"
        default: value(of: node).typeName
        }
    }

    /// "unknown key", with the nearest known key or the section's keys.
    static func unknownKeyReason(_ name: String) -> String {
        var known: [String] = ConfigurationKey.all.map(\.name)
        known += ConfigurationKey.sections.sorted()
        known.append("policy")
        var nearest: (name: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(candidate, name)
            if nearest == nil || distance < nearest!.distance { nearest = (candidate, distance) }
        }
        if let nearest, nearest.distance <= max(2, name.count / 4) {
            return "unknown key; did you mean '\(nearest.name)'?"
        }
        let section = name.contains(".") ? String(name[..<name.lastIndex(of: ".")!]) : ""
        let siblings = ConfigurationKey.all.filter { $0.section == section }.map { String($0.name.split(separator: ".").last!) }
        if section.isEmpty || siblings.isEmpty {
            return "unknown key; the sections are \((ConfigurationKey.sections.sorted() + ["[[policy]]"]).joined(separator: ", "))"
        }
        return "unknown key; [\(section)] takes \(siblings.joined(separator: ", "))"
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution: Int = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                let insertion: Int = current[j - 1] + 1
                let deletion: Int = previous[j] + 1
                current[j] = Swift.min(substitution, insertion, deletion)
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: - [[policy]]

    private static func policies(_ node: TOMLValueConvertible, path: String) throws(ConfigurationError) -> [UIDPolicy] {
        guard let array = node.array else {
            throw ConfigurationError(
                source: path, key: "policy", reason: "expected an array of tables ([[policy]]), got \(typeName(node))"
            )
        }
        var result: [UIDPolicy] = []
        var seen: Set<String> = []
        for (index, element) in array.enumerated() {
            let prefix = "policy[\(index)]"
            func problem(_ key: String, _ reason: String) -> ConfigurationError {
                ConfigurationError(source: path, key: "\(prefix).\(key)", reason: reason)
            }
            guard let table = element.table else {
                throw ConfigurationError(source: path, key: prefix, reason: "expected a table, got \(typeName(element))")
            }
            var policy: UIDPolicy
            switch (table["uid"], table["group"]) {
            case (.some(let uidNode), nil):
                guard let uid = uidNode.int else { throw problem("uid", "expected an integer, got \(typeName(uidNode))") }
                guard (0...4_294_967_294).contains(uid) else { throw problem("uid", "must be between 0 and 4294967294, got \(uid)") }
                guard seen.insert("uid:\(uid)").inserted else { throw problem("uid", "uid \(uid) has a policy already") }
                policy = UIDPolicy(uid: UInt32(uid))
            case (nil, .some(let groupNode)):
                guard let group = groupNode.string else { throw problem("group", "expected a group name, got \(typeName(groupNode))") }
                if let reason = Checks.groupName(group) { throw problem("group", reason) }
                guard seen.insert("group:\(group)").inserted else { throw problem("group", "group \(group) has a policy already") }
                policy = UIDPolicy(group: group)
            case (.some, .some):
                throw problem("group", "an entry is for one uid or one group, not both")
            case (nil, nil):
                throw problem("uid", "is required (or group)")
            }
            for key in table.keys.sorted() where key != "uid" && key != "group" {
                guard let value = table[key] else { continue }
                switch key {
                case "levels":
                    guard case .strings(let levels) = Self.value(of: value) else {
                        throw problem(key, "expected an array of strings, got \(typeName(value))")
                    }
                    if let reason = Checks.securityLevels(levels) { throw problem(key, reason) }
                    policy.levels = levels.compactMap(SecurityLevel.init(rawValue:))
                case "capabilities":
                    guard case .strings(let grants) = Self.value(of: value) else {
                        throw problem(key, "expected an array of strings, got \(typeName(value))")
                    }
                    if let reason = Checks.capabilities(grants) { throw problem(key, reason) }
                    policy.capabilities = grants
                case "max_concurrent":
                    guard let number = value.int else { throw problem(key, "expected an integer, got \(typeName(value))") }
                    guard (1...4096).contains(number) else { throw problem(key, "must be between 1 and 4096, got \(number)") }
                    policy.maxConcurrent = number
                default:
                    throw problem(key, "unknown key; [[policy]] takes uid or group, levels, capabilities, max_concurrent")
                }
            }
            result.append(policy)
        }
        return result
    }

    // MARK: - Keys that depend on each other

    private static func crossCheck(_ configuration: DaemonConfiguration, origins: [String: String])
        throws(ConfigurationError)
    {
        func origin(_ key: String) -> String { origins[key] ?? "embedded default" }
        /// Blames the key that a layer set, preferring `first`.
        func blame(_ first: String, _ second: String, _ reason: String) -> ConfigurationError {
            let key = origins[first] != nil || origins[second] == nil ? first : second
            return ConfigurationError(source: origin(key), key: key, reason: reason)
        }
        let policy = configuration.limitPolicy
        let format = ConfigurationKey.format
        let pairs: [(String, Double, Double)] = [
            ("timeout_seconds", policy.defaults.timeoutSeconds, policy.maxima.timeoutSeconds),
            ("memory_mb", Double(policy.defaults.memoryMB), Double(policy.maxima.memoryMB)),
            ("cpu_seconds", policy.defaults.cpuSeconds, policy.maxima.cpuSeconds),
            ("max_output_bytes", Double(policy.defaults.maxOutputBytes), Double(policy.maxima.maxOutputBytes)),
            ("max_processes", Double(policy.defaults.maxProcesses), Double(policy.maxima.maxProcesses)),
            ("max_file_bytes", Double(policy.defaults.maxFileBytes), Double(policy.maxima.maxFileBytes)),
            ("max_open_files", Double(policy.defaults.maxOpenFiles), Double(policy.maxima.maxOpenFiles)),
        ]
        for (name, value, maximum) in pairs where value > maximum {
            let defaultKey = "limits.default.\(name)"
            let maximumKey = "limits.maximum.\(name)"
            throw blame(
                defaultKey, maximumKey,
                "the default (\(format(value))) is above the maximum \(maximumKey) (\(format(maximum)), from \(origin(maximumKey)))"
            )
        }
        // Running executions, waiting warm workers and the zygotes' own uid each hold one.
        let uidsNeeded = configuration.maxConcurrentExecutions + configuration.warmWorkers + 1
        if configuration.sandboxUIDCount < uidsNeeded {
            throw blame(
                "workers.sandbox_uid_count", "workers.max_concurrent",
                "workers.sandbox_uid_count (\(configuration.sandboxUIDCount)) must be at least workers.max_concurrent + workers.warm + 1 (\(uidsNeeded)): running executions, waiting workers and the zygotes each hold a uid"
            )
        }
        if configuration.maxQueuedPerUID > configuration.queueLength {
            throw blame(
                "workers.max_queued_per_uid", "workers.queue_length",
                "workers.max_queued_per_uid (\(configuration.maxQueuedPerUID)) must be at most workers.queue_length (\(configuration.queueLength))"
            )
        }
        if UInt64(configuration.sandboxUIDBase) + UInt64(configuration.sandboxUIDCount) > UInt64(UInt32.max) {
            throw blame(
                "workers.sandbox_uid_count", "workers.sandbox_uid_base",
                "the uid range \(configuration.sandboxUIDBase) + \(configuration.sandboxUIDCount) goes past 4294967295"
            )
        }
        if !configuration.security.levels.contains(configuration.security.defaultLevel) {
            throw blame(
                "security.default_level", "security.levels",
                "'\(configuration.security.defaultLevel.rawValue)' is not one of security.levels (\(configuration.security.levels.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        if configuration.limitPolicy.maxCodeBytes > configuration.limitPolicy.maxRequestBytes {
            throw blame(
                "limits.max_code_bytes", "limits.max_request_bytes",
                "limits.max_code_bytes (\(configuration.limitPolicy.maxCodeBytes)) must be at most limits.max_request_bytes (\(configuration.limitPolicy.maxRequestBytes))"
            )
        }
    }
}

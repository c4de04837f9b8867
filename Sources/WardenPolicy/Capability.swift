/// One grant a capability token (or a standing `[[policy]]` entry) carries, parsed strictly
/// from its text form (`import:numpy`, `file.read:/data/*`, `network:127.0.0.1:8080`, …).
///
/// How each kind maps onto the kernel layers and the harness is in `docs/security.md`
/// ("Capabilities"); `CapabilityGrants` combines several into what one execution may do.
public enum Capability: Sendable, Hashable, CustomStringConvertible {
    /// `import:NAME` — the user's code may import the top-level module `NAME` (a dotted name
    /// grants its top level), or any module with `import:*`.
    case importModule(String)
    /// `file.read:GLOB` — an absolute path or glob; the kernel grants its literal prefix
    /// (`CapabilityPath`) read-only.
    case fileRead(CapabilityPath)
    /// `file.write:GLOB` — as `fileRead`, bound read-write.
    case fileWrite(CapabilityPath)
    /// `network:HOST[:PORT]` — sockets of every family; the endpoint is checked in user space.
    case network(NetworkPattern)
    /// `subprocess` — `execve` allowed, and at least `CapabilityGrants.subprocessProcesses` processes.
    case subprocess
    /// `threads:N` — processes and threads (pids cgroup and RLIMIT_NPROC) of at least N.
    case threads(Int)
    /// `limits.memory_mb:N` — requests may ask for up to N MiB (at most the server maximum).
    case memoryMB(Int)
    /// `limits.timeout_seconds:N` — requests may ask for up to N seconds (at most the server maximum).
    case timeoutSeconds(Int)

    /// The longest capability text accepted.
    public static let maxLength = 1024

    /// The kinds, as written before the first `:`.
    public static let kinds = [
        "import", "file.read", "file.write", "network", "subprocess", "threads", "limits.memory_mb",
        "limits.timeout_seconds",
    ]

    /// Parses one capability; the error says what is wrong with it.
    public static func parse(_ text: String) throws(CapabilityError) -> Capability {
        guard !text.isEmpty, text.utf8.count <= maxLength else {
            throw CapabilityError(text, "must be 1 to \(maxLength) bytes")
        }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw CapabilityError(text, "must be printable ASCII without spaces")
        }
        if text == "subprocess" { return .subprocess }
        guard let colon = text.firstIndex(of: ":") else {
            throw CapabilityError(text, "expected KIND:ARGUMENT with KIND one of \(kinds.joined(separator: ", "))")
        }
        let kind = String(text[..<colon])
        let argument = String(text[text.index(after: colon)...])
        guard !argument.isEmpty else { throw CapabilityError(text, "'\(kind):' needs an argument") }
        switch kind {
        case "import":
            return .importModule(try moduleName(argument, text))
        case "file.read":
            return .fileRead(try CapabilityPath.parse(argument, capability: text))
        case "file.write":
            return .fileWrite(try CapabilityPath.parse(argument, capability: text))
        case "network":
            return .network(try NetworkPattern.parse(argument, capability: text))
        case "threads":
            return .threads(try number(argument, 1...65536, text))
        case "limits.memory_mb":
            return .memoryMB(try number(argument, 1...1_048_576, text))
        case "limits.timeout_seconds":
            return .timeoutSeconds(try number(argument, 1...86400, text))
        case "subprocess":
            throw CapabilityError(text, "'subprocess' takes no argument")
        default:
            throw CapabilityError(text, "unknown kind '\(kind)'; kinds are \(kinds.joined(separator: ", "))")
        }
    }

    public var description: String {
        switch self {
        case .importModule(let name): return "import:\(name)"
        case .fileRead(let path): return "file.read:\(path.pattern)"
        case .fileWrite(let path): return "file.write:\(path.pattern)"
        case .network(let pattern): return "network:\(pattern)"
        case .subprocess: return "subprocess"
        case .threads(let count): return "threads:\(count)"
        case .memoryMB(let megabytes): return "limits.memory_mb:\(megabytes)"
        case .timeoutSeconds(let seconds): return "limits.timeout_seconds:\(seconds)"
        }
    }

    private static func moduleName(_ name: String, _ text: String) throws(CapabilityError) -> String {
        if name == "*" { return name }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid = parts.allSatisfy { part in
            guard let first = part.first, first == "_" || first.isLetter else { return false }
            return part.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
        }
        guard valid, name.utf8.count <= 128 else {
            throw CapabilityError(text, "'\(name)' is not a module name (letters, digits, '_' and '.'; or '*')")
        }
        return String(parts[0])
    }

    private static func number(_ digits: String, _ range: ClosedRange<Int>, _ text: String) throws(CapabilityError) -> Int {
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int(digits), range.contains(value) else {
            throw CapabilityError(text, "expected an integer from \(range.lowerBound) to \(range.upperBound), got '\(digits)'")
        }
        return value
    }
}

/// A capability that could not be parsed, with the reason.
public struct CapabilityError: Error, Sendable, Equatable, CustomStringConvertible {
    public var capability: String
    public var reason: String

    public init(_ capability: String, _ reason: String) {
        self.capability = String(capability.prefix(120))
        self.reason = reason
    }

    public var description: String { "invalid capability '\(capability)': \(reason)" }
}

/// The path argument of `file.read:` / `file.write:`: an absolute path whose last components
/// may hold glob characters (`*`, `?`, `[`). The kernel can only bind what exists, so the
/// grant is enforced on `literalPrefix` — the longest leading run of components without glob
/// characters — which is bound whole.
public struct CapabilityPath: Sendable, Hashable {
    /// As written.
    public var pattern: String
    /// The directory (or file) the kernel grants: `/data` for `/data/*.csv`.
    public var literalPrefix: String

    static func parse(_ pattern: String, capability: String) throws(CapabilityError) -> CapabilityPath {
        guard pattern.hasPrefix("/") else { throw CapabilityError(capability, "the path must be absolute") }
        let components = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if components.contains(where: { $0 == "." || $0 == ".." }) {
            throw CapabilityError(capability, "the path must not contain '.' or '..' components")
        }
        if components.dropLast().contains(where: \.isEmpty) {
            throw CapabilityError(capability, "the path must not contain empty components ('//')")
        }
        if pattern.contains("\\") { throw CapabilityError(capability, "the path must not contain '\\'") }
        let literal = components.prefix { !$0.contains(where: { "*?[]".contains($0) }) && !$0.isEmpty }
        let prefix = "/" + literal.joined(separator: "/")
        guard prefix != "/" else {
            throw CapabilityError(capability, "the path must name at least one directory before any glob ('/data/*', not '/*')")
        }
        return CapabilityPath(pattern: pattern, literalPrefix: prefix)
    }
}

/// The argument of `network:`: a host (IPv4 literal, `[IPv6]` literal, a DNS name, `*.domain`
/// or `*`) and an optional port (absent or `*`: any port).
public struct NetworkPattern: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int?

    public var description: String { port.map { "\(hostText):\($0)" } ?? hostText }
    private var hostText: String { host.contains(":") ? "[\(host)]" : host }

    static func parse(_ text: String, capability: String) throws(CapabilityError) -> NetworkPattern {
        var host: String
        var portText: String?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw CapabilityError(capability, "unclosed '[' in the IPv6 host") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw CapabilityError(capability, "expected ':PORT' after ']'") }
                portText = String(rest.dropFirst())
            }
            guard !host.isEmpty, host.allSatisfy({ ($0.isASCII && $0.isHexDigit) || $0 == ":" || $0 == "." }) else {
                throw CapabilityError(capability, "'\(host)' is not an IPv6 address")
            }
            host = host.lowercased()
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                throw CapabilityError(capability, "write an IPv6 host in brackets: network:[::1]:8080")
            }
            host = String(parts[0]).lowercased()
            if parts.count == 2 { portText = String(parts[1]) }
            let labels = host.split(separator: ".", omittingEmptySubsequences: false)
            let validLabels = labels.enumerated().allSatisfy { index, label in
                if label == "*" { return index == 0 }
                guard !label.isEmpty, label.count <= 63, label.first != "-", label.last != "-" else { return false }
                return label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
            }
            guard !host.isEmpty, host.utf8.count <= 253, validLabels else {
                throw CapabilityError(capability, "'\(host)' is not a host name, an IP address, '*.domain' or '*'")
            }
        }
        var port: Int?
        if let portText, portText != "*" {
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(portText), (1...65535).contains(number) else {
                throw CapabilityError(capability, "the port must be 1 to 65535 or '*', got '\(portText)'")
            }
            port = number
        }
        return NetworkPattern(host: host, port: port)
    }
}

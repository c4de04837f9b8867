import WardenProtocol

/// Reading the bounded `repr` strings the harness sends for containers. Only complete reprs
/// are read: a repr cut short by the harness ("…") gives no count and only the keys it shows.
enum ReprParsing {
    /// The top-level items of a `[…]`, `(…)`, `{…}` repr, as source text.
    static func items(_ repr: String) -> (items: [String], complete: Bool)? {
        var text = repr.trimmedWhitespace
        var complete = true
        if text.hasSuffix("…") {
            complete = false
            text.removeLast()
        }
        guard let open = text.first, "[({".contains(open) else { return nil }
        let close: Character = open == "[" ? "]" : open == "(" ? ")" : "}"
        var body = Substring(text.dropFirst())
        if complete {
            guard body.last == close else { return nil }
            body = body.dropLast()
        }
        var items: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        var escaped = false
        for character in body {
            if let open = quote {
                current.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                current.append(character)
            case "[", "(", "{":
                depth += 1
                current.append(character)
            case "]", ")", "}":
                depth -= 1
                current.append(character)
            case "," where depth == 0:
                items.append(current.trimmedWhitespace)
                current = ""
            default:
                current.append(character)
            }
        }
        let last = current.trimmedWhitespace
        if !last.isEmpty { items.append(last) }
        if !complete, !items.isEmpty { items.removeLast() }  // the cut item is partial
        return (items, complete)
    }

    /// The number of elements of a complete list or tuple repr (`"[1, 2, 3]"` → 3).
    static func length(of value: JSONValue) -> Int? {
        switch value {
        case .array(let elements): return elements.count
        case .string(let repr):
            guard let first = repr.first, first == "[" || first == "(",
                let parsed = items(repr), parsed.complete
            else { return nil }
            return parsed.items.count
        default: return nil
        }
    }

    /// The keys of a dict repr or object value, as Python shows them (`'name'`), at most `limit`.
    static func dictKeys(of value: JSONValue, limit: Int = 10) -> [String]? {
        switch value {
        case .object(let object):
            return Array(object.keys.sorted().prefix(limit).map { "'\($0)'" })
        case .string(let repr):
            guard repr.first == "{", let parsed = items(repr) else { return nil }
            var keys: [String] = []
            for item in parsed.items {
                guard let key = topLevelKey(item) else { return nil }  // a set, not a dict
                keys.append(key)
                if keys.count == limit { break }
            }
            return keys
        default:
            return nil
        }
    }

    /// The text before the top-level ':' of a dict item.
    private static func topLevelKey(_ item: String) -> String? {
        var depth = 0
        var quote: Character?
        var key = ""
        for character in item {
            if let open = quote {
                if character == open { quote = nil }
                key.append(character)
                continue
            }
            switch character {
            case "'", "\"": quote = character
            case "[", "(", "{": depth += 1
            case "]", ")", "}": depth -= 1
            case ":" where depth == 0: return key.trimmedWhitespace
            default: break
            }
            key.append(character)
        }
        return nil
    }

    /// A Python-literal rendering of a scalar value, for messages ("0", "'abc'").
    static func literal(_ value: JSONValue) -> String {
        switch value {
        case .null: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .int(let number): "\(number)"
        case .double(let number): "\(number)"
        case .string(let text): text
        case .array, .object: "…"
        }
    }
}

import WardenProtocol

/// Where an exception happened: the frame in the user's code, its line and the values in view.
struct FailureScene {
    let exception: HarnessException
    /// Innermost frame in `<string>` (else the innermost frame).
    let frame: HarnessFrame?
    let lineNumber: Int?
    /// The failing source line, trimmed (from the submitted code, else the frame's copy).
    let code: String?
    let functionName: String?
    /// Locals of `frame`.
    let locals: [String: JSONValue]
    /// Module globals from the report.
    let globals: [String: JSONValue]
    /// Files the request placed in the work directory.
    let requestFiles: [String]

    init(exception: HarnessException, source: SourceText, globals: [String: JSONValue], requestFiles: [String]) {
        self.exception = exception
        let frame = ExceptionClues(exception).userFrame
        self.frame = frame
        lineNumber = frame?.lineNumber
        let fromSource = frame?.filename == "<string>" ? source.trimmedLine(frame?.lineNumber) : nil
        code = fromSource ?? frame?.codeLine?.trimmedWhitespace
        functionName = frame?.functionName
        locals = frame?.locals ?? [:]
        self.globals = globals
        self.requestFiles = requestFiles
    }

    /// " on line 3", or "" when the line is unknown.
    var onLine: String { lineNumber.map { " on line \($0)" } ?? "" }

    /// " in function 'f'" for a function frame, " in a list comprehension" (lambda, generator
    /// expression, ...) for the code objects CPython names `<listcomp>` and so on, "" at
    /// module level.
    var inFunction: String {
        guard let name = functionName, name != "<module>" else { return "" }
        switch name {
        case "<listcomp>": return " in a list comprehension"
        case "<dictcomp>": return " in a dict comprehension"
        case "<setcomp>": return " in a set comprehension"
        case "<genexpr>": return " in a generator expression"
        case "<lambda>": return " in a lambda"
        default: return name.hasPrefix("<") ? " in \(name)" : " in function '\(name)'"
        }
    }

    /// "a 'str'", "an 'int'": the article a type name takes.
    static func a(_ type: String) -> String {
        let first = type.lowercased().first
        return (first.map { "aeiou".contains($0) } ?? false ? "an" : "a") + " '\(type)'"
    }

    /// A variable's value as seen at the failure: locals first, then globals.
    func value(of name: String) -> JSONValue? {
        locals[name] ?? globals[name]
    }

    /// Names of the failing line, in order, without duplicates.
    var namesOnLine: [String] {
        var seen: Set<String> = []
        return (code ?? "").identifiers.filter { seen.insert($0).inserted }
    }

    /// Names on the failing line that are followed by '[' (subscripted): `d['k']` → ["d"].
    var subscriptedNames: [String] {
        guard let code else { return [] }
        var names: [String] = []
        let characters = Array(code)
        var index = 0
        while index < characters.count {
            if characters[index] == "[" {
                var end = index
                while end > 0, characters[end - 1] == " " { end -= 1 }
                var start = end
                while start > 0, characters[start - 1] == "_" || characters[start - 1].isLetter || characters[start - 1].isNumber {
                    start -= 1
                }
                if start < end {
                    let name = String(characters[start..<end])
                    if !(name.first?.isNumber ?? true), !names.contains(name) { names.append(name) }
                }
            }
            index += 1
        }
        return names
    }

    /// The text inside the first `name[…]` on the failing line.
    func subscriptText(of name: String) -> String? {
        guard let code, let range = code.range(of: name + "[") else { return nil }
        let rest = code[range.upperBound...]
        guard let close = rest.firstIndex(of: "]") else { return nil }
        return String(rest[..<close]).trimmedWhitespace
    }

    /// Whether the text inside `name[…]` on the failing line can be `key` (a KeyError's repr
    /// of the key): a literal or a variable whose known value differs rules `name` out;
    /// anything else (an expression, no subscript found) leaves it possible.
    func subscriptOf(_ name: String, canBe key: String) -> Bool {
        guard let inside = subscriptText(of: name), !inside.isEmpty else { return true }
        func unquoted(_ text: String) -> String? {
            guard text.count >= 2, let first = text.first, first == "'" || first == "\"", text.last == first else { return nil }
            return String(text.dropFirst().dropLast())
        }
        let wanted = unquoted(key) ?? key
        if let literal = unquoted(inside) { return literal == wanted }
        if let number = Int(inside) { return String(number) == key }
        if inside.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }), let value = value(of: inside) {
            switch value {
            case .string(let text): return text == wanted
            case .int(let number): return String(number) == key
            default: return true
            }
        }
        return true
    }

    /// Every name the user could have meant: names in scope, locals, globals.
    var candidateNames: [String] {
        (exception.namesInScope ?? []) + locals.keys.sorted() + globals.keys.sorted()
    }
}

extension String {
    /// The text with its first character upper-cased ("an 'int'" → "An 'int'").
    var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}

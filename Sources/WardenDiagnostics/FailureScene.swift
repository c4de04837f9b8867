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

    /// " in function 'f'" for a function frame, "" at module level.
    var inFunction: String {
        guard let name = functionName, name != "<module>" else { return "" }
        return " in function '\(name)'"
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

    /// Every name the user could have meant: names in scope, locals, globals.
    var candidateNames: [String] {
        (exception.namesInScope ?? []) + locals.keys.sorted() + globals.keys.sorted()
    }
}

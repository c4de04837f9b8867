import WardenProtocol

/// Names the mistake behind a SyntaxError from CPython's message and the offending line.
enum SyntaxMistakes {
    private static let blockKeywords = [
        "if", "elif", "else", "for", "while", "def", "class", "try", "except", "finally", "with", "async", "match",
        "case",
    ]

    static func advice(type: String, facts syntax: SyntaxFacts?, message: String, line: Int?) -> Advice {
        let msg = syntax?.msg ?? message
        let text = (syntax?.text ?? "").trimmedWhitespace
        let at = line.map { " on line \($0)" } ?? ""
        var advice = Advice()

        if let keyword = keywordAsName(text), msg.hasPrefix("invalid syntax") {
            advice.context = "'\(keyword)' is a reserved keyword and cannot be used as a variable name"
            advice.suggestions = ["Choose another name, such as '\(keyword)_' or '\(keyword)_name'"]
            advice.suggestedFix = "Rename '\(keyword)'\(at) (for example to '\(keyword)_')"
        } else if let fixed = comparisonFix(text), msg.contains("invalid syntax") || msg.contains("Maybe you meant '=='") || msg.contains("cannot assign") {
            advice.context = "Assignment operator '=' used instead of comparison '=='"
            advice.suggestions = ["Use '==' for comparison instead of '='", "Use 'is' for identity comparison"]
            advice.suggestedFix = "Change '\(text)' to '\(fixed)'\(at)"
            advice.immediateCause = "A single '=' in a condition assigns instead of comparing"
        } else if msg.hasPrefix("Missing parentheses in call to 'print'") || msg.contains("Missing parentheses in call to 'exec'") {
            advice.context = "Python 2 'print' statement used; in Python 3 print is a function"
            advice.suggestions = ["Call print as a function: print(...)"]
            if let fixed = printFix(text) {
                advice.suggestedFix = "Change '\(text)' to '\(fixed)'\(at)"
                advice.suggestions.insert("Write '\(fixed)'", at: 0)
            }
        } else if msg == "expected ':'" || missingColon(text, msg: msg) != nil {
            let keyword = missingColon(text, msg: msg) ?? firstWord(text) ?? "block"
            advice.context = "Missing colon ':' at the end of the '\(keyword)' statement"
            advice.suggestions = ["Add ':' at the end of line \(line.map(String.init) ?? "the statement")"]
            if !text.isEmpty, !text.hasSuffix(":") {
                advice.suggestedFix = "Change '\(text)' to '\(text):'\(at)"
            }
        } else if msg.hasPrefix("unterminated triple-quoted string literal") {
            advice.context = "A triple-quoted string is opened\(at) but never closed"
            advice.suggestions = ["Close the string with the same three quotes that open it"]
        } else if msg.hasPrefix("unterminated string literal") || msg.hasPrefix("EOL while scanning string literal") {
            let raw = (syntax?.text ?? "").replacingOccurrencesOfNewlines
            let quote = openingQuote(raw, offset: syntax?.offset)
            advice.context = "String literal opened with \(quote) is never closed\(at)"
            advice.suggestions = ["Close the string with a matching \(quote) on the same line"]
            if !text.isEmpty {
                advice.suggestions.append("Escape quotes inside the string with a backslash, or use the other quote character")
            }
        } else if msg.hasSuffix("was never closed"), let bracket = msg.singleQuoted.first {
            advice.context = "Opening bracket '\(bracket)'\(at) is never closed"
            advice.suggestions = ["Add the matching '\(closing(bracket))' where the expression ends"]
        } else if msg.hasPrefix("unmatched "), let bracket = msg.singleQuoted.first {
            advice.context = "Closing bracket '\(bracket)'\(at) has no matching opening bracket"
            advice.suggestions = ["Remove the extra '\(bracket)' or add the opening bracket it closes"]
        } else if msg.hasPrefix("closing parenthesis"), msg.singleQuoted.count >= 2 {
            let quoted = msg.singleQuoted
            advice.context = "Closing bracket '\(quoted[0])' does not match the opening '\(quoted[1])'"
            advice.suggestions = ["Close '\(quoted[1])' with '\(closing(quoted[1]))'"]
        } else if msg.hasPrefix("expected an indented block") {
            let after = msg.range(of: "after ").map { String(msg[$0.upperBound...]) }
            advice.context = "The block \(after.map { "after \($0) " } ?? "")is not indented\(at)"
            advice.suggestions = ["Indent the body of the block by 4 spaces", "Use 'pass' for an intentionally empty block"]
        } else if msg.hasPrefix("unexpected indent") {
            advice.context = "Line\(line.map { " \($0)" } ?? "") is indented more than the block it belongs to"
            advice.suggestions = ["Remove the extra indentation so the line lines up with the statements around it"]
        } else if msg.hasPrefix("unindent does not match") {
            advice.context = "The indentation\(at) does not match any enclosing block"
            advice.suggestions = ["Line the statement up with the block it belongs to (use 4 spaces per level)"]
        } else if type == "TabError" || msg.contains("inconsistent use of tabs and spaces") {
            advice.context = "Tabs and spaces are mixed in the indentation\(at)"
            advice.suggestions = ["Indent with spaces only (4 per level)"]
        } else if msg.contains("Perhaps you forgot a comma") {
            advice.context = "A comma is probably missing between two items\(at)"
            advice.suggestions = ["Separate the items with ','"]
        } else if msg.hasPrefix("invalid decimal literal") || msg.hasPrefix("invalid digit") {
            advice.context = "A number is directly followed by letters\(at); names cannot start with a digit"
            advice.suggestions = ["Rename the variable so it starts with a letter or '_'", "Put an operator between the number and the name"]
        } else if msg.hasPrefix("invalid character") || msg.hasPrefix("invalid non-printable character") {
            let quoted = msg.singleQuoted.first.map { " '\($0)'" } ?? ""
            advice.context = "The line contains a character\(quoted) that Python does not accept in code\(at)"
            advice.suggestions = ["Replace typographic quotes or symbols with their ASCII equivalents"]
        } else if msg.hasPrefix("unexpected EOF") || msg.hasPrefix("unexpected end of") {
            advice.context = "The code ends in the middle of a statement"
            advice.suggestions = ["Complete the last statement: close every bracket and string"]
        } else if msg.hasPrefix("'return' outside function") || msg.hasPrefix("'yield' outside function") {
            advice.context = "'\(msg.singleQuoted.first ?? "return")' is used outside a function\(at)"
            advice.suggestions = ["Move the statement into a function body, or remove it"]
        } else if msg.hasPrefix("'break' outside loop") || msg.hasPrefix("'continue' not properly in loop") {
            advice.context = "'\(msg.singleQuoted.first ?? "break")' is used outside a loop\(at)"
            advice.suggestions = ["Use it only inside a for or while loop"]
        } else if msg.hasPrefix("cannot assign to") || msg.hasPrefix("cannot delete") {
            advice.context = "The left side of the assignment\(at) is not something a value can be stored in (\(msg))"
            advice.suggestions = ["Assign to a variable name, an attribute or a subscript"]
        } else {
            advice.context = "Line\(line.map { " \($0)" } ?? "") is not valid Python: \(msg)"
        }
        advice.addFallbacks(["Check Python syntax near the caret", "Check Python syntax documentation"], limit: 4)
        if advice.immediateCause == nil { advice.immediateCause = advice.context }
        return advice
    }

    /// `if x = 5:` → `if x == 5:`; nil when the line has no lone '=' in a condition.
    static func comparisonFix(_ text: String) -> String? {
        guard let keyword = firstWord(text), ["if", "elif", "while"].contains(keyword) else { return nil }
        let characters = Array(text)
        var quote: Character?
        for index in characters.indices {
            let character = characters[index]
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            if character == "'" || character == "\"" { quote = character; continue }
            guard character == "=" else { continue }
            let before = index > 0 ? characters[index - 1] : " "
            let after = index + 1 < characters.count ? characters[index + 1] : " "
            if "=<>!:+-*/%&|^@".contains(before) || after == "=" { continue }
            var fixed = characters
            fixed.replaceSubrange(index...index, with: Array("=="))
            return String(fixed)
        }
        return nil
    }

    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
        "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]

    /// `class = "economy"` → "class": a keyword assigned to like a variable.
    static func keywordAsName(_ text: String) -> String? {
        guard let word = firstWord(text), keywords.contains(word) else { return nil }
        let rest = text.dropFirst(word.count).drop(while: { $0 == " " || $0 == "\t" })
        let operators = ["=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "|=", "&=", "^=", ">>=", "<<=", "@="]
        for op in operators where rest.hasPrefix(op) {
            if op == "=", rest.hasPrefix("==") { return nil }
            return word
        }
        return nil
    }

    /// The block keyword of a line that needs a trailing ':' and lacks it.
    static func missingColon(_ text: String, msg: String) -> String? {
        guard msg == "expected ':'" || msg == "invalid syntax" else { return nil }
        guard let keyword = firstWord(text), blockKeywords.contains(keyword) else { return nil }
        let code = text.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        return code.trimmedWhitespace.hasSuffix(":") ? nil : keyword
    }

    /// `print "hi"` → `print("hi")`.
    static func printFix(_ text: String) -> String? {
        guard text.hasPrefix("print ") else { return nil }
        let argument = text.dropFirst("print ".count).trimmedWhitespace
        guard !argument.isEmpty else { return nil }
        return "print(\(argument))"
    }

    static func firstWord(_ text: String) -> String? {
        let word = text.prefix(while: { $0.isLetter || $0 == "_" })
        return word.isEmpty ? nil : String(word)
    }

    private static func openingQuote(_ text: String, offset: Int?) -> String {
        if let offset, offset >= 1, offset <= text.count {
            let character = Array(text)[offset - 1]
            if character == "'" || character == "\"" { return "\(character)" }
        }
        let quotes = text.filter { $0 == "'" || $0 == "\"" }
        return quotes.first.map { "\($0)" } ?? "a quote"
    }

    fileprivate static func closing(_ bracket: String) -> String {
        switch bracket {
        case "(": ")"
        case "[": "]"
        case "{": "}"
        default: bracket
        }
    }
}

extension String {
    /// The text without "\r" and "\n" characters (SyntaxError.text ends with a newline).
    var replacingOccurrencesOfNewlines: String {
        filter { $0 != "\n" && $0 != "\r" }
    }
}

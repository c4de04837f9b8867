import WardenProtocol

/// The submitted script, addressable by 1-based line, with the harness's statement map.
///
/// `statementLines` comes from the harness (hostile input): every lookup is bounds-checked and
/// a malformed pair is skipped, never trusted to index.
struct SourceText {
    let lines: [Substring]

    init(_ code: String) {
        lines = code.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// Line `number` (1-based) without its trailing "\r", or nil when out of range.
    func line(_ number: Int?) -> String? {
        guard let number, number >= 1, number <= lines.count else { return nil }
        var text = String(lines[number - 1])
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// Line `number` with surrounding whitespace removed, nil when out of range or blank.
    func trimmedLine(_ number: Int?) -> String? {
        guard let text = line(number)?.trimmedWhitespace, !text.isEmpty else { return nil }
        return text
    }

    /// The 1-based line numbers of every line that mentions one of `words`, in order.
    func lines(mentioning words: [String]) -> [Int] {
        var found: [Int] = []
        for (index, text) in lines.enumerated() {
            let code = text.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if words.contains(where: { code.contains($0) }) { found.append(index + 1) }
        }
        return found
    }
}

/// One top-level statement: its first and last line.
struct StatementRange: Equatable {
    let first: Int
    let last: Int

    /// The valid ranges of a report's `statement_lines`, in order.
    static func ranges(_ pairs: [[Int]]) -> [StatementRange] {
        pairs.compactMap { pair in
            guard pair.count == 2, pair[0] >= 1, pair[1] >= pair[0] else { return nil }
            return StatementRange(first: pair[0], last: pair[1])
        }
    }
}

extension StringProtocol {
    var trimmedWhitespace: String {
        var view = self[...]
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}

extension String {

    /// The first line, for one-line summaries of multi-line messages.
    var firstLine: String {
        String(split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// The text between each pair of single quotes: `'int' and 'str'` → ["int", "str"].
    var singleQuoted: [String] {
        var found: [String] = []
        var current: String?
        for character in self {
            if character == "'" {
                if let open = current {
                    found.append(open)
                    current = nil
                } else {
                    current = ""
                }
            } else if current != nil {
                current?.append(character)
            }
        }
        return found
    }

    /// The number of leading whitespace characters.
    var indentWidth: Int {
        prefix(while: { $0 == " " || $0 == "\t" }).count
    }

    /// Whether `word` occurs as a whole Python identifier (not inside a longer name).
    func containsIdentifier(_ word: String) -> Bool {
        identifiers.contains(word)
    }

    /// Every identifier-looking token outside string literals, in order.
    var identifiers: [String] {
        var found: [String] = []
        var current = ""
        var quote: Character?
        var previous: Character = " "
        for character in self {
            if let open = quote {
                if character == open, previous != "\\" { quote = nil }
                previous = character
                continue
            }
            if character == "#" { break }
            if character == "'" || character == "\"" {
                if !current.isEmpty { found.append(current); current = "" }
                quote = character
            } else if character == "_" || character.isLetter || (character.isNumber && !current.isEmpty) {
                current.append(character)
            } else {
                if !current.isEmpty { found.append(current) }
                current = ""
            }
            previous = character
        }
        if !current.isEmpty { found.append(current) }
        return found.filter { !($0.first?.isNumber ?? true) }
    }

    /// Truncates to at most `limit` characters, ending with "…" when something was cut.
    func truncated(to limit: Int) -> String {
        guard count > limit else { return self }
        return String(prefix(max(limit - 1, 0))) + "…"
    }
}

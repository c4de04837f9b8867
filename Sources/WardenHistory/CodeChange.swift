import Foundation
import WardenProtocol

/// What changed between a failed script and the version that fixed it, and which suggestion of
/// the failure the fix followed. Pure.
public enum CodeChange {
    /// Scripts longer than this (in differing lines) are compared by their ends only.
    static let maxDiffLines = 400
    /// Blocks with more removed × added lines than this pair in order, not by similarity.
    static let maxAlignedPairs = 2500
    /// Changes named in the description; the rest are counted.
    static let describedChanges = 3

    /// The changed lines, in order: paired changes (`before` and `after`), removals
    /// (`after` nil) and additions (`before` nil). Lines are compared without trailing blanks.
    public static func changes(from before: String, to after: String) -> [LineChange] {
        let old = lines(before)
        let new = lines(after)
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        let oldMiddle = Array(old[prefix..<(old.count - suffix)])
        let newMiddle = Array(new[prefix..<(new.count - suffix)])
        if oldMiddle.count > maxDiffLines || newMiddle.count > maxDiffLines {
            return pair(removed: oldMiddle.indices.map { (prefix + $0 + 1, oldMiddle[$0]) },
                        added: newMiddle.indices.map { (prefix + $0 + 1, newMiddle[$0]) })
        }
        // Longest common subsequence over the differing middle; runs between matches pair up.
        let n = oldMiddle.count
        let m = newMiddle.count
        var table = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i][j] = oldMiddle[i] == newMiddle[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
                }
            }
        }
        var changes: [LineChange] = []
        var removed: [(Int, String)] = []
        var added: [(Int, String)] = []
        var i = 0
        var j = 0
        func flush() {
            changes += pair(removed: removed, added: added)
            removed.removeAll()
            added.removeAll()
        }
        while i < n || j < m {
            if i < n, j < m, oldMiddle[i] == newMiddle[j] {
                flush()
                i += 1
                j += 1
            } else if j < m, i == n || table[i][j + 1] >= table[i + 1][j] {
                added.append((prefix + j + 1, newMiddle[j]))
                j += 1
            } else {
                removed.append((prefix + i + 1, oldMiddle[i]))
                i += 1
            }
        }
        flush()
        return changes
    }

    /// "line 3: `print(totl)` → `print(total)`; line 5 added: `x = 1`", at most three changes
    /// named and the rest counted; "no change to the code" when the scripts are the same.
    public static func describe(_ changes: [LineChange]) -> String {
        guard !changes.isEmpty else { return "no change to the code" }
        var parts = changes.prefix(describedChanges).map { change -> String in
            switch (change.before, change.after) {
            case (let before?, let after?): "line \(change.line): `\(clip(before))` → `\(clip(after))`"
            case (let before?, nil): "line \(change.line) removed: `\(clip(before))`"
            case (nil, let after?): "line \(change.line) added: `\(clip(after))`"
            case (nil, nil): "line \(change.line)"
            }
        }
        if changes.count > describedChanges {
            let more = changes.count - describedChanges
            parts.append("and \(more) more change\(more == 1 ? "" : "s")")
        }
        return parts.joined(separator: "; ")
    }

    /// The suggestion the fix followed: the first suggestion that names (in quotes or
    /// backticks) an identifier the fix introduced — one that occurs in the new lines but not in
    /// the lines they replaced — or whose proposed code line appears among the new lines.
    public static func learning(suggestions: [String], changes: [LineChange]) -> String? {
        let removedWords = Set(changes.compactMap(\.before).flatMap(identifiers))
        let addedLines = changes.compactMap(\.after).map { $0.trimmingCharacters(in: .whitespaces) }
        let introduced = Set(addedLines.flatMap(identifiers)).subtracting(removedWords)
        for suggestion in suggestions {
            let named = quotedTexts(in: suggestion)
            if named.contains(where: { text in
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                return introduced.contains(trimmed) || (!trimmed.isEmpty && addedLines.contains(trimmed))
            }) {
                return suggestion
            }
        }
        return nil
    }

    private static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = Substring(line)
            while let last = line.last, last == " " || last == "\t" || last == "\r" { line = line.dropLast() }
            return String(line)
        }
    }

    /// Pairs removed with added lines where they are the same line edited: a lone removed
    /// line and a lone added line always pair; in larger blocks, lines pair in order where
    /// they are similar enough (character-bigram Dice ≥ 0.5), the rest stay removals and
    /// additions.
    private static func pair(removed: [(Int, String)], added: [(Int, String)]) -> [LineChange] {
        if removed.count == 1 && added.count == 1 {
            return [LineChange(line: removed[0].0, before: removed[0].1, after: added[0].1)]
        }
        let n = removed.count
        let m = added.count
        guard n > 0, m > 0 else {
            return removed.map { LineChange(line: $0.0, before: $0.1, after: nil) }
                + added.map { LineChange(line: $0.0, before: nil, after: $0.1) }
        }
        if n * m > maxAlignedPairs {
            // Too large to align by similarity: pair in order.
            return (0..<max(n, m)).map { index in
                let old = index < n ? removed[index] : nil
                let new = index < m ? added[index] : nil
                return LineChange(line: old?.0 ?? new!.0, before: old?.1, after: new?.1)
            }
        }
        // Order-preserving alignment that maximises the total similarity of paired lines.
        var similarity = Array(repeating: Array(repeating: 0.0, count: m), count: n)
        for i in 0..<n { for j in 0..<m { similarity[i][j] = dice(removed[i].1, added[j].1) } }
        var best = Array(repeating: Array(repeating: 0.0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                let paired = similarity[i][j] >= 0.5 ? similarity[i][j] + best[i + 1][j + 1] : -1
                best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
            }
        }
        var changes: [LineChange] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n, j < m, similarity[i][j] >= 0.5, best[i][j] == similarity[i][j] + best[i + 1][j + 1] {
                changes.append(LineChange(line: removed[i].0, before: removed[i].1, after: added[j].1))
                i += 1
                j += 1
            } else if i < n, j == m || best[i][j] == best[i + 1][j] {
                changes.append(LineChange(line: removed[i].0, before: removed[i].1, after: nil))
                i += 1
            } else {
                changes.append(LineChange(line: added[j].0, before: nil, after: added[j].1))
                j += 1
            }
        }
        return changes
    }

    /// Dice coefficient of the character bigrams of two lines (0: nothing shared, 1: same).
    static func dice(_ a: String, _ b: String) -> Double {
        func bigrams(_ text: String) -> [String: Int] {
            let characters = Array(text.trimmingCharacters(in: .whitespaces))
            var counts: [String: Int] = [:]
            if characters.count >= 2 {
                for index in 0..<(characters.count - 1) { counts[String(characters[index...index + 1]), default: 0] += 1 }
            }
            return counts
        }
        let left = bigrams(a)
        let right = bigrams(b)
        let total = left.values.reduce(0, +) + right.values.reduce(0, +)
        guard total > 0 else { return a.trimmingCharacters(in: .whitespaces) == b.trimmingCharacters(in: .whitespaces) ? 1 : 0 }
        let shared = left.reduce(0) { $0 + min($1.value, right[$1.key] ?? 0) }
        return Double(2 * shared) / Double(total)
    }

    private static func clip(_ line: String) -> String {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count <= 60 ? trimmed : String(trimmed.prefix(59)) + "…"
    }

    /// Python identifiers in a line (runs of letters, digits and `_` not starting with a digit).
    static func identifiers(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in line {
            if character.isLetter || character == "_" || (character.isNumber && !current.isEmpty) {
                current.append(character)
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Texts between matching single quotes, double quotes or backticks.
    static func quotedTexts(in text: String) -> [String] {
        var texts: [String] = []
        var open: Character?
        var current = ""
        var previous: Character = " "
        for character in text {
            if let quote = open {
                if character == quote {
                    texts.append(current)
                    open = nil
                    current = ""
                } else {
                    current.append(character)
                }
            } else if character == "'" || character == "\"" || character == "`" {
                // An apostrophe inside a word ("don't") opens nothing.
                if character == "'" && (previous.isLetter || previous.isNumber) {
                    previous = character
                    continue
                }
                open = character
            }
            previous = character
        }
        return texts
    }
}

import WardenProtocol

/// "Did you mean" support: the optimal-string-alignment variant of the Damerau–Levenshtein
/// distance (insertions, deletions, substitutions and adjacent transpositions cost 1).
enum EditDistance {
    static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, previousPrevious[j - 2] + 1)
                }
                current[j] = best
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }

    /// The candidates closest to `name`, best first: at most `limit`, each within
    /// max(1, len/3) edits (a case-only difference counts as the closest possible match).
    /// The name itself and private dunder names are never proposed.
    static func nearest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        guard !name.isEmpty else { return [] }
        let threshold = max(1, name.count / 3)
        let lowered = name.lowercased()
        var scored: [(name: String, score: Int)] = []
        var seen: Set<String> = []
        for candidate in candidates where candidate != name && !seen.contains(candidate) {
            seen.insert(candidate)
            if candidate.hasPrefix("__"), !name.hasPrefix("__") { continue }
            // Skip candidates whose length alone rules them out (cheap and bounded).
            if abs(candidate.count - name.count) > threshold { continue }
            if candidate.lowercased() == lowered {
                scored.append((candidate, 0))
                continue
            }
            let d = distance(name, candidate)
            if d <= threshold { scored.append((candidate, d)) }
        }
        scored.sort { $0.score != $1.score ? $0.score < $1.score : $0.name < $1.name }
        return scored.prefix(limit).map(\.name)
    }
}

import WardenProtocol

/// The words of a diagnosis that explain one failure: what happened, why, and what to do.
struct Advice {
    /// What happened, specific to this failure (`error_details.context`).
    var context: String?
    /// Actions, the most specific first.
    var suggestions: [String] = []
    var immediateCause: String?
    var contributingFactors: [String] = []
    /// A concrete edit ("Change 'totl' to 'total' on line 3"), for `fix_and_retry`.
    var suggestedFix: String?

    /// Appends generic fallbacks that are not already present, keeping at most `limit`.
    mutating func addFallbacks(_ fallbacks: [String], limit: Int = 5) {
        for fallback in fallbacks where suggestions.count < limit && !suggestions.contains(fallback) {
            suggestions.append(fallback)
        }
    }
}

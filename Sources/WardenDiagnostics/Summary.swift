/// `error_summary`: one line under 100 characters that says what happened (seed 004,
/// "User-Facing Error Messages": clear, concise, under 100 characters).
enum Summary {
    static let maximumLength = 99

    /// "NameError on line 3: name 'x' is not defined", the message cut with "…" to fit.
    static func line(type: String, line: Int?, message: String) -> String {
        let head = type + (line.map { " on line \($0)" } ?? "")
        return fit(head: head, message: message)
    }

    /// `head: message` (or `message` alone for an empty head), shortened to fit.
    static func fit(head: String, message: String) -> String {
        let text = message.firstLine.trimmedWhitespace
        let prefix = head.isEmpty ? "" : (text.isEmpty ? head : head + ": ")
        let room = maximumLength - prefix.count
        if room < 10 { return (prefix + text).truncated(to: maximumLength) }
        return prefix + text.truncated(to: room)
    }

    /// A sentence used as the whole summary, shortened to fit.
    static func sentence(_ text: String) -> String {
        text.firstLine.trimmedWhitespace.truncated(to: maximumLength)
    }
}

import WardenProtocol

/// `partial_results`: what finished before a failure.
enum PartialResultsBuilder {
    /// At most this many `successful_operations` entries are listed, then a count of the rest.
    static let operationLimit = 50

    /// Nil when nothing ran that could be reported: no statement map (no valid report, or the
    /// code did not compile) and no output.
    static func build(_ evidence: Evidence) -> PartialResults? {
        let report = evidence.report
        let total = report?.totalStatements ?? 0
        guard total > 0 || !evidence.facts.stdout.isEmpty else { return nil }
        let completed = evidence.completedStatements
        var operations = completed.prefix(operationLimit).map { statement in
            let code = evidence.source.trimmedLine(statement.first)
            return "line \(statement.first)" + (code.map { ": \($0)" } ?? "")
        }
        if completed.count > operationLimit {
            operations.append("… and \(completed.count - operationLimit) more statements")
        }
        return PartialResults(
            completedLines: max(0, min(report?.completedStatements ?? 0, total)), totalLines: max(total, 0),
            stdoutBeforeError: evidence.facts.stdout, variablesBeforeError: report?.variables ?? [:],
            successfulOperations: operations)
    }

    /// The source of the completed top-level statements, for `partial_execution`.
    static func snippet(_ evidence: Evidence) -> String? {
        let completed = evidence.completedStatements
        guard !completed.isEmpty else { return nil }
        var lines: [String] = []
        for statement in completed {
            for number in statement.first...statement.last {
                guard let text = evidence.source.line(number) else { break }
                lines.append(text)
            }
        }
        let count = completed.count
        return "# The \(count == 1 ? "statement" : "\(count) statements") that completed:\n" + lines.joined(separator: "\n")
    }
}

import WardenProtocol

/// Renders a result for people: output first, then what went wrong and what to do.
enum ResultPrinter {
    /// - Parameter includeOutput: false when stdout and stderr were already shown live (`--follow`).
    static func render(_ result: ExecutionResult, includeOutput: Bool = true) -> String {
        var lines: [String] = []
        let output = result.executionResult
        if includeOutput, !output.stdout.isEmpty { lines.append(output.stdout.hasSuffix("\n") ? String(output.stdout.dropLast()) : output.stdout) }
        if output.stdoutTruncated { lines.append("[stdout truncated at \(result.limits.maxOutputBytes) bytes]") }
        if let value = output.returnValue, value != .null { lines.append("=> \(describe(value))") }
        if result.success {
            lines.append("ok  \(result.executionId)  \(format(output.executionTime)) s  \(output.memoryUsed)")
        } else {
            if includeOutput, !output.stderr.isEmpty { lines.append(output.stderr.hasSuffix("\n") ? String(output.stderr.dropLast()) : output.stderr) }
            lines.append("")
            lines.append("\(result.errorCategory?.rawValue ?? "error"): \(result.errorSummary ?? "failed")")
            if let details = result.errorDetails {
                if let context = details.context { lines.append("  \(context)") }
                for suggestion in details.suggestions { lines.append("  - \(suggestion)") }
            }
            lines.append("failed  \(result.executionId)  \(format(output.executionTime)) s  \(output.memoryUsed)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .int(let number): "\(number)"
        case .double(let number): "\(number)"
        case .string(let text): text
        default: "\(value)"
        }
    }

    private static func format(_ seconds: Double) -> String {
        String(Int((seconds * 1000).rounded())) == "0" ? "0.000" : "\(Double(Int((seconds * 1000).rounded())) / 1000)"
    }
}

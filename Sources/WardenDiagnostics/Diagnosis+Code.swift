import WardenProtocol

/// Failures of the code itself (syntax, imports, exceptions, exit statuses, signals) and of
/// the sandbox (system errors).
extension Diagnosis {
    static func system(_ failure: String) -> Diagnosis {
        if failure == ExecutionFacts.cancelledFailure { return cancelled(failure) }
        // Before the code ran (a spawn that failed) or while it ran (the daemon stopping past
        // its grace time): either way the sandbox failed, not the code.
        return retryableSystemFailure(
            errorType: "SandboxError", failure: failure, fix: "Run the same request again",
            context: "The sandbox failed, not the code: \(failure)",
            suggestions: [
                "Run the same request again: the failure was in the sandbox, not the code",
                "If it keeps failing, check GET /v1/health (or 'warden doctor') for missing confinement layers",
            ]
        )
    }

    /// The client went away mid-run: the daemon stopped the execution (neither the code's
    /// fault nor the sandbox's); running it again can succeed.
    static func cancelled(_ failure: String) -> Diagnosis {
        retryableSystemFailure(
            errorType: "Cancelled", failure: failure,
            fix: "Run the same request again and keep the connection open until the result arrives",
            context: "The client closed its connection while the code ran, so the daemon stopped the execution",
            suggestions: [
                "Run the same request again and wait for its result",
                "Check the client's own timeout: it may have given up before the code finished",
            ]
        )
    }

    /// A `system_error` that is not the code's fault, so running it again can succeed.
    private static func retryableSystemFailure(
        errorType: String, failure: String, fix: String, context: String, suggestions: [String]
    ) -> Diagnosis {
        var diagnosis = Diagnosis(
            category: .systemError, errorType: errorType, errorMessage: failure, fixDescription: fix)
        diagnosis.summary = Summary.fit(head: errorType, message: failure)
        diagnosis.retryable = true
        var advice = Advice()
        advice.context = context
        advice.immediateCause = failure
        advice.suggestions = suggestions
        diagnosis.apply(advice)
        return diagnosis
    }

    static func syntax(_ exception: HarnessException, _ evidence: Evidence) -> Diagnosis {
        let syntax = exception.syntax
        let message = syntax?.msg ?? exception.message
        var diagnosis = Diagnosis(
            category: .syntaxError, errorType: exception.type, errorMessage: message,
            fixDescription: "Fix the syntax error and run again")
        let line = syntax?.lineNumber ?? evidence.scene?.lineNumber
        let rawText = (syntax?.text ?? evidence.source.line(line) ?? "").replacingOccurrencesOfNewlines
        diagnosis.details.lineNumber = line
        diagnosis.details.columnNumber = syntax?.offset
        if let end = syntax?.endOffset, syntax?.endLineNumber == nil || syntax?.endLineNumber == line, end > (syntax?.offset ?? 0) {
            diagnosis.details.endColumnNumber = end
        }
        let code = rawText.trimmedWhitespace
        diagnosis.details.problematicCode = code.isEmpty ? nil : code
        diagnosis.details.caret = Caret.render(
            line: rawText, column: syntax?.offset, endColumn: diagnosis.details.endColumnNumber)
        diagnosis.summary = Summary.line(type: exception.type, line: line, message: message)
        if let line { diagnosis.fixDescription = "Fix the syntax error on line \(line) and run again" }
        diagnosis.apply(SyntaxMistakes.advice(type: exception.type, facts: syntax, message: message, line: line))
        return diagnosis
    }

    static func importFailure(_ exception: HarnessException, _ evidence: Evidence) -> Diagnosis {
        var diagnosis = Diagnosis(
            category: .importError, errorType: exception.type, errorMessage: exception.message,
            fixDescription: "Import an available module and run again")
        if let scene = evidence.scene { diagnosis.locate(scene) }
        let quoted = exception.message.singleQuoted
        let fromModule = exception.message.hasPrefix("cannot import name") && quoted.count >= 2
        let module = exception.name ?? (fromModule ? quoted[1] : quoted.first)
        diagnosis.details.attemptedImport = module
        let available = evidence.facts.availableModules
        diagnosis.details.availableModules = available

        var advice = Advice()
        if fromModule {
            let name = quoted[0]
            advice.context = "Module '\(quoted[1])' has no name '\(name)'"
            advice.suggestions = ["Check the spelling of '\(name)' and the module it comes from"]
        } else {
            let shown = module.map { "'\($0)'" } ?? "the module"
            advice.context = "Module \(shown) is not available in the sandbox"
            if let module {
                let top = String(module.split(separator: ".").first ?? Substring(module))
                if let best = EditDistance.nearest(to: top, in: available).first {
                    advice.suggestions.append("Did you mean '\(best)'?")
                    advice.suggestedFix = "Change 'import \(top)' to 'import \(best)'\(diagnosis.details.lineNumber.map { " on line \($0)" } ?? "")"
                }
            }
            advice.suggestions.append("Check if the module name is spelled correctly")
        }
        advice.immediateCause = "\(exception.type)\(evidence.scene?.onLine ?? ""): \(exception.message.firstLine)"
        if !available.isEmpty {
            advice.suggestions.append("Use one of the available modules: \(available.prefix(12).joined(separator: ", "))")
        }
        advice.suggestions.append("Request additional modules if needed for your task")
        diagnosis.apply(advice)
        return diagnosis
    }

    static func runtime(_ exception: HarnessException, _ evidence: Evidence) -> Diagnosis {
        var diagnosis = Diagnosis(
            category: .runtimeError, errorType: exception.type, errorMessage: exception.message,
            fixDescription: "Fix the \(exception.type) and run again")
        guard let scene = evidence.scene else { return diagnosis }
        diagnosis.locate(scene)
        let advice = ExceptionAdvice.advice(scene)
        if let line = scene.lineNumber {
            diagnosis.fixDescription = "Fix the \(exception.type) on line \(line) and run again"
        }
        if exception.type == "NameError" || exception.type == "AttributeError", advice.suggestedFix != nil {
            diagnosis.fixDescription = "Fix the name and run again"
        }
        diagnosis.apply(advice)
        return diagnosis
    }

    static func scriptExit(_ status: Int, _ evidence: Evidence) -> Diagnosis {
        let message = "The script exited with status \(status)"
        var diagnosis = Diagnosis(
            category: .runtimeError, errorType: "SystemExit", errorMessage: message,
            fixDescription: "Let the script finish (or call sys.exit(0)) and run again")
        if let scene = evidence.scene { diagnosis.locate(scene) }
        diagnosis.summary = Summary.sentence(message)
        var advice = Advice()
        let at = diagnosis.details.lineNumber.map { " on line \($0)" } ?? ""
        advice.context = "The script called sys.exit(\(status))\(at) (or raised SystemExit), which reports failure"
        // sys.exit("message") prints the message to stderr and exits with status 1.
        let lastError = evidence.facts.stderr.split(separator: "\n").last.map { $0.trimmedWhitespace } ?? ""
        if status == 1, !lastError.isEmpty {
            let shown = lastError.count > 200 ? String(lastError.prefix(199)) + "…" : lastError
            advice.context = "The script exited with status 1\(at); its last line on stderr: '\(shown)'"
            advice.contributingFactors.append("sys.exit('message') prints the message to stderr and exits with status 1")
        }
        advice.immediateCause = "SystemExit with status \(status)"
        advice.suggestions = [
            "Check the condition that leads to sys.exit(\(status))\(at)",
            "Use sys.exit(0), or let the script end, when it succeeds",
        ]
        diagnosis.apply(advice)
        return diagnosis
    }

    static func killed(_ signal: Int32, _ evidence: Evidence) -> Diagnosis {
        let name = SignalNames.name(signal)
        let message = "The process was killed by signal \(name)"
        var diagnosis = Diagnosis(
            category: .runtimeError, errorType: "ProcessKilled", errorMessage: message,
            fixDescription: "Remove the cause of \(name) and run again")
        diagnosis.summary = Summary.sentence(message)
        var advice = Advice()
        advice.context = SignalNames.meaning(signal).map { "The process was killed by \($0)" } ?? message
        advice.immediateCause = "Signal \(signal) (\(name))"
        switch signal {
        case 11, 7, 4, 8, 6:
            advice.suggestions = ["Avoid ctypes and native extensions that can access invalid memory", "Check for unbounded recursion in native code"]
            let native = evidence.source.lines(mentioning: ["ctypes", "cffi"])
            if let first = native.first { advice.contributingFactors.append("Line \(first) uses native code ('\(evidence.source.trimmedLine(first) ?? "")')") }
        default:
            advice.suggestions = ["Check for code that signals its own process (os.kill, signal.raise_signal, os.abort)"]
            let senders = evidence.source.lines(mentioning: ["os.kill", "raise_signal", "os.abort", "killpg"])
            if let first = senders.first { advice.contributingFactors.append("Line \(first) sends a signal ('\(evidence.source.trimmedLine(first) ?? "")')") }
        }
        diagnosis.apply(advice)
        return diagnosis
    }

    static func processExit(_ status: Int, _ evidence: Evidence) -> Diagnosis {
        let message = "The process exited with status \(status)"
        var diagnosis = Diagnosis(
            category: .runtimeError, errorType: "ProcessExit", errorMessage: message,
            fixDescription: "Find why the process ended early and run again")
        diagnosis.summary = Summary.sentence(message)
        var advice = Advice()
        advice.context = "The process ended with status \(status) before reporting its results (os._exit(), or a crash in native code)"
        advice.immediateCause = "Exit status \(status) without a valid harness report"
        if let problem = evidence.observation.reportProblem {
            advice.contributingFactors.append("The results report was missing or invalid: \(problem)")
        }
        let exits = evidence.source.lines(mentioning: ["os._exit", "_exit("])
        if let first = exits.first {
            advice.contributingFactors.append("Line \(first) calls os._exit, which skips the results report")
        }
        advice.suggestions = [
            "Use sys.exit() instead of os._exit() so variables and output are reported",
            "Check the stderr output for a message from the code or a native library",
        ]
        diagnosis.apply(advice)
        return diagnosis
    }
}

/// The offending line with a caret line under the error's column, as CPython prints it.
enum Caret {
    /// Leading whitespace is removed and the caret shifted to match; tabs count as one column.
    static func render(line: String, column: Int?, endColumn: Int?) -> String? {
        let indent = line.indentWidth
        let code = line.trimmedWhitespace
        guard let column, !code.isEmpty else { return nil }
        let start = max(1, min(column - indent, code.count + 1))
        var width = 1
        if let endColumn, endColumn > column { width = max(1, min(endColumn - column, code.count + 1 - start + 1)) }
        return code + "\n" + String(repeating: " ", count: start - 1) + String(repeating: "^", count: width)
    }
}

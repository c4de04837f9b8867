import WardenProtocol

/// Timeouts, memory and the other resource limits: the kernel's and the supervisor's facts.
extension Diagnosis {
    static func timeout(_ kind: LimitKind, _ evidence: Evidence) -> Diagnosis {
        let limit = kind == .wall ? evidence.limits.timeoutSeconds : evidence.limits.cpuSeconds
        let limitText = MemoryFormat.seconds(limit)
        let clock = kind == .wall ? "wall-clock" : "CPU-time"
        let message = kind == .wall
            ? "Code execution exceeded \(limitText) second timeout"
            : "Code execution exceeded \(limitText) seconds of CPU time"
        var diagnosis = Diagnosis(
            category: .timeoutError, errorType: "ExecutionTimeout", errorMessage: message,
            fixDescription: "Make the code finish within the \(limitText)s \(clock) limit and run again")
        let report = evidence.report
        let lastLine = report?.status == .timeout ? report?.lastLine : nil
        diagnosis.locate(line: lastLine, source: evidence.source)
        diagnosis.details.timeoutLimit = limit
        diagnosis.details.limitKind = kind
        // The clock that breached: wall seconds for the wall limit, CPU seconds for the CPU one.
        diagnosis.details.executionTime = kind == .wall ? evidence.observation.wallSeconds : evidence.observation.cpuSeconds
        diagnosis.details.lastExecutedLine = lastLine
        diagnosis.details.partialOutput = evidence.facts.stdout

        var advice = Advice()
        let loop = LoopFinder.enclosingLoop(of: lastLine, in: evidence.source)
        let limitPhrase = "the \(limitText)s \(clock) limit passed"
        if let loop, let code = evidence.source.trimmedLine(loop) {
            advice.context = "The loop on line \(loop) ('\(code)') was still running when \(limitPhrase)"
        } else if let lastLine, let code = evidence.source.trimmedLine(lastLine) {
            advice.context = "Line \(lastLine) ('\(code)') was still running when \(limitPhrase)"
        } else if let endless = LoopFinder.endlessLoops(in: evidence.source).first {
            advice.context = "The 'while True' loop on line \(endless) never ends: the code was still running when \(limitPhrase)"
        } else {
            advice.context = "The code was still running when \(limitPhrase): an infinite loop or a long-running operation"
        }
        advice.immediateCause = "The \(clock) limit of \(limitText)s was reached"
        for endless in LoopFinder.endlessLoops(in: evidence.source) {
            advice.contributingFactors.append("'while True' loop on line \(endless) has no 'break' or 'return'")
            if advice.suggestedFix == nil {
                advice.suggestedFix = "Add a 'break' (or a condition that becomes false) to the loop on line \(endless)"
                advice.suggestions.append("Add a 'break' to the loop on line \(endless)")
            }
        }
        let observation = evidence.observation
        if kind == .wall, observation.wallSeconds > 1, observation.cpuSeconds < 0.5 * observation.wallSeconds {
            advice.contributingFactors.append(
                "The process used only \(MemoryFormat.seconds(observation.cpuSeconds))s of CPU in \(MemoryFormat.seconds(observation.wallSeconds))s: it was mostly waiting (sleep, input or I/O), not computing")
            let sleeps = evidence.source.lines(mentioning: ["sleep("])
            if let first = sleeps.first {
                advice.suggestions.append("Shorten or remove the sleep on line \(first)")
            }
        }
        advice.addFallbacks(["Add break conditions to loops", "Optimize code for better performance"])
        advice.suggestions.append(kind == .wall
            ? "Request a longer timeout (limits.timeout_seconds, now \(limitText)) if needed"
            : "Request more CPU time (limits.cpu_seconds, now \(limitText)) if needed")
        advice.addFallbacks(["Split long operations into smaller chunks"], limit: 6)
        diagnosis.apply(advice)
        return diagnosis
    }

    static func memory(_ evidence: Evidence) -> Diagnosis {
        let limitBytes = evidence.limits.memoryBytes
        let usedBytes = evidence.observation.peakMemoryBytes
        let limitText = MemoryFormat.string(limitBytes)
        let usedText = MemoryFormat.string(usedBytes)
        var diagnosis = Diagnosis(
            category: .memoryError, errorType: "MemoryError", errorMessage: "Memory limit of \(limitText) exceeded",
            fixDescription: "Use less memory and run again")
        diagnosis.details.memoryLimit = limitText
        diagnosis.details.memoryLimitBytes = limitBytes
        diagnosis.details.memoryUsed = usedText
        diagnosis.details.memoryUsedBytes = usedBytes

        var advice = Advice()
        let scene = evidence.scene?.exception.type == "MemoryError" ? evidence.scene : nil
        if let scene {
            diagnosis.locate(scene)
            advice.context = "Python could not allocate more memory\(scene.onLine) under the \(limitText) limit (peak \(usedText))"
        } else {
            advice.context = "The process used \(usedText) and was stopped at its \(limitText) memory limit"
        }
        advice.immediateCause = "An allocation needed more memory than the \(limitText) limit leaves"
        if let code = diagnosis.details.problematicCode, LoopFinder.buildsLargeObject(code) {
            advice.contributingFactors.append("Line \(diagnosis.details.lineNumber ?? 0) builds a very large object ('\(code)')")
        }
        if !evidence.source.lines(mentioning: [".append("]).isEmpty, !LoopFinder.endlessLoops(in: evidence.source).isEmpty {
            advice.contributingFactors.append("A list grows inside a loop that never ends")
        }
        advice.suggestions = [
            "Optimize memory usage in your code",
            "Process data in smaller chunks",
            "Use generators instead of lists for large datasets",
            "Request a higher memory limit (limits.memory_mb, now \(evidence.limits.memoryMB)) if necessary",
        ]
        diagnosis.apply(advice)
        return diagnosis
    }

    static func resource(_ kind: ResourceKind, _ exception: HarnessException?, _ evidence: Evidence) -> Diagnosis {
        let limits = evidence.limits
        let limit: Int? = switch kind {
        case .fileSize: limits.maxFileBytes
        case .openFiles: limits.maxOpenFiles
        case .processes: limits.maxProcesses
        case .disk: nil
        }
        let type = exception?.type ?? "FileSizeLimitExceeded"
        let message = exception?.message
            ?? "File size limit of \(MemoryFormat.string(limits.maxFileBytes)) exceeded (the process was killed by SIGXFSZ)"
        var diagnosis = Diagnosis(
            category: .resourceError, errorType: type, errorMessage: message,
            fixDescription: "Stay within the \(kind.rawValue.replacingAll("_", with: " ")) limit and run again")
        if let scene = evidence.scene, exception != nil { diagnosis.locate(scene) }
        diagnosis.details.resource = kind.rawValue
        diagnosis.details.limit = limit

        var advice = Advice()
        let at = diagnosis.details.lineNumber.map { " on line \($0)" } ?? ""
        switch kind {
        case .fileSize:
            let size = MemoryFormat.string(limits.maxFileBytes)
            advice.context = "A file written\(at) grew past the \(size) file-size limit"
            advice.suggestions = [
                "Write less data, or split the output over several smaller files",
                "Request a larger file-size limit (limits.max_file_bytes, now \(limits.maxFileBytes)) if needed",
            ]
        case .openFiles:
            advice.context = "The code\(at) reached the limit of \(limits.maxOpenFiles) open files"
            advice.suggestions = [
                "Close files when done, ideally with 'with open(...) as f:'",
                "Request a higher limit (limits.max_open_files, now \(limits.maxOpenFiles)) if needed",
            ]
        case .processes:
            advice.context = "The code\(at) tried to start more processes or threads than the limit of \(limits.maxProcesses) allows"
            advice.suggestions = [
                "Do the work in the current process instead of starting new processes or threads",
                "Request a higher limit (limits.max_processes, now \(limits.maxProcesses)) if needed",
            ]
        case .disk:
            advice.context = "The work directory is full: the code\(at) wrote more than its disk allowance"
            advice.suggestions = ["Write less data, delete temporary files when done, or keep data in memory"]
        }
        advice.immediateCause = exception.map { "\($0.type): \($0.message.firstLine)" } ?? "The kernel sent SIGXFSZ"
        diagnosis.apply(advice)
        return diagnosis
    }
}

/// Loops and large literals in the source, for timeout and memory context.
enum LoopFinder {
    /// The loop header that contains `line` (the line itself when it is one).
    static func enclosingLoop(of line: Int?, in source: SourceText) -> Int? {
        guard let line, let text = source.line(line) else { return nil }
        if isLoopHeader(text) { return line }
        var indent = text.indentWidth
        var number = line - 1
        while number >= 1, indent > 0 {
            if let candidate = source.line(number), !candidate.trimmedWhitespace.isEmpty, candidate.indentWidth < indent {
                if isLoopHeader(candidate) { return number }
                indent = candidate.indentWidth
            }
            number -= 1
        }
        return nil
    }

    static func isLoopHeader(_ text: String) -> Bool {
        let code = text.trimmedWhitespace
        return code.hasPrefix("while ") || code.hasPrefix("while(") || code.hasPrefix("for ")
            || code.hasPrefix("async for ")
    }

    /// Lines of `while True:` / `while 1:` loops whose body has no `break`, `return` or `raise`.
    static func endlessLoops(in source: SourceText) -> [Int] {
        var found: [Int] = []
        for number in 1...max(source.lines.count, 1) {
            guard let text = source.line(number) else { continue }
            let code = text.trimmedWhitespace.replacingAll(" ", with: "\u{0}").filter { $0 != "\u{0}" }
            guard code.hasPrefix("whileTrue:") || code.hasPrefix("while1:") || code.hasPrefix("while(True):") else { continue }
            let indent = text.indentWidth
            var exits = false
            var body = number + 1
            while let line = source.line(body) {
                let trimmed = line.trimmedWhitespace
                if !trimmed.isEmpty, !trimmed.hasPrefix("#"), line.indentWidth <= indent { break }
                let words = line.identifiers
                if words.contains("break") || words.contains("return") || words.contains("raise") || words.contains("exit") {
                    exits = true
                    break
                }
                body += 1
            }
            if !exits { found.append(number) }
        }
        return found
    }

    /// A line that multiplies or exponentiates into a big size (`[0] * 10**9`, `range(100000000)`).
    static func buildsLargeObject(_ code: String) -> Bool {
        if code.contains("**") { return true }
        var run = 0
        for character in code {
            if character.isNumber || character == "_" {
                run += 1
                if run >= 7 { return true }
            } else {
                run = 0
            }
        }
        return false
    }
}

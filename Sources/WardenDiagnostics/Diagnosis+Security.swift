import WardenProtocol

/// Security errors: seccomp kills (the kernel's verdict), blocked imports and refused
/// operations (the harness's explanation of what the kernel layers would stop anyway).
extension Diagnosis {
    static func seccomp(_ number: Int?, _ evidence: Evidence) -> Diagnosis {
        let name = number.flatMap(SyscallNames.name)
        let described = number.map(SyscallNames.describe) ?? "a forbidden system call"
        let kind = SyscallNames.violationKind(name)
        var diagnosis = Diagnosis(
            category: .securityError, errorType: "SecurityViolation",
            errorMessage: "System call \(described) is not permitted in the sandbox",
            fixDescription: "Remove the operation the sandbox forbids and run again")
        if number == nil {
            diagnosis.details.errorMessage = "A forbidden system call was made; the sandbox stopped the process"
            diagnosis.summary = Summary.line(type: "SecurityViolation", line: nil, message: diagnosis.details.errorMessage)
        }
        fillSecurity(&diagnosis, violation: "syscall", action: "syscall \(name ?? number.map { "#\($0)" } ?? "unknown")", evidence)

        // The line is not known (the process died in the call); point at a likely one.
        let hints = SyscallNames.sourceHints(kind, name: name)
        let likely = evidence.source.lines(mentioning: hints).first
        let likelyCode = evidence.source.trimmedLine(likely)
        var advice = Advice()
        advice.context = "The kernel stopped the process when it made the system call \(described)"
            + (likely.map { ", probably from line \($0) ('\(likelyCode ?? "")')" } ?? "")
        advice.immediateCause = "seccomp killed the process with SIGSYS"
        let reason: String
        let alternatives: [String]
        switch kind {
        case .network:
            reason = "Network access is not allowed without a network capability"
            alternatives = ["Pass the data in the request's files or stdin instead of fetching it", "Request a network capability (network:HOST:PORT) for the host you need"]
        case .process:
            reason = "Starting processes is not allowed without the subprocess capability"
            alternatives = ["Do the work in Python instead of starting a process", "Request the 'subprocess' capability if the task needs it"]
            diagnosis.details.requiredCapability = "subprocess"
            diagnosis.capability = "subprocess"
        case .kernel:
            reason = "The system call \(name ?? described) is never allowed in the sandbox"
            alternatives = ["Use pure Python instead of ctypes or raw system calls"]
        }
        advice.suggestions = alternatives + ["Remove the code that makes this call\(likely.map { " (likely line \($0))" } ?? "")"]
        diagnosis.apply(advice)
        diagnosis.securityViolation = SecurityViolation(
            attemptedOperation: "syscall", blockedCode: likelyCode, reason: reason, alternativeApproaches: alternatives)
        return diagnosis
    }

    static func blockedImport(_ module: String, _ exception: HarnessException, _ evidence: Evidence) -> Diagnosis {
        let level = evidence.securityLevel.rawValue
        var diagnosis = Diagnosis(
            category: .securityError, errorType: "SecurityViolation",
            errorMessage: "Attempted to access restricted module '\(module)'",
            fixDescription: "Use an allowed module instead of '\(module)' and run again")
        if let scene = evidence.scene { diagnosis.locate(scene) }
        fillSecurity(&diagnosis, violation: "blocked_import", action: "import \(module)", evidence)
        let capability = "import:\(module)"
        diagnosis.details.requiredCapability = capability
        diagnosis.details.availableModules = evidence.facts.availableModules
        diagnosis.capability = capability

        let alternatives = importAlternatives(module)
        var advice = Advice()
        advice.context = "The '\(module)' module is blocked in \(level) security mode"
        advice.immediateCause = "The import of '\(module)'\(diagnosis.details.lineNumber.map { " on line \($0)" } ?? "") was refused by the sandbox's import policy"
        advice.suggestions = alternatives + ["Request the capability '\(capability)' with a capability token if the task needs it"]
        let allowed = evidence.facts.availableModules
        if !allowed.isEmpty {
            advice.suggestions.append("Use one of the allowed modules: \(allowed.prefix(12).joined(separator: ", "))")
        }
        diagnosis.apply(advice)
        diagnosis.securityViolation = SecurityViolation(
            attemptedOperation: "blocked_import", blockedCode: diagnosis.details.problematicCode,
            reason: "Module '\(module)' is not allowed in \(level) mode", alternativeApproaches: alternatives)
        return diagnosis
    }

    static func denied(_ kind: SecurityKind, _ exception: HarnessException, _ evidence: Evidence) -> Diagnosis {
        let level = evidence.securityLevel.rawValue
        let path = exception.filename ?? exception.message.singleQuoted.last
        let scene = evidence.scene
        var action: String
        var capability: String?
        var reason: String
        var context: String
        var alternatives: [String]
        switch kind {
        case .fileRead:
            action = path.map { "read '\($0)'" } ?? "read a file"
            capability = path.map { "file.read:\($0)" }
            reason = "File read access denied in \(level) mode"
            context = "Reading \(path.map { "'\($0)'" } ?? "the file") is not allowed: the sandbox sees only its work directory and a read-only system view"
            alternatives = ["Send the file with the request's 'files' field", "Request a 'file.read:' capability for the path"]
        case .fileWrite:
            action = path.map { "write '\($0)'" } ?? "write a file"
            capability = path.map { "file.write:\($0)" }
            reason = "File write access denied in \(level) mode"
            context = "Writing \(path.map { "'\($0)'" } ?? "the file") is not allowed: the sandbox can write only inside its work directory"
            alternatives = ["Use temporary files in allowed directory", "Request specific file permissions", "Use in-memory data structures"]
        case .network:
            let endpoint = scene?.code.flatMap(Self.endpoint)
            action = endpoint.map { "connect to \($0)" } ?? "open a network connection"
            capability = endpoint.map { "network:\($0)" }
            reason = "Network access is not allowed without a network capability"
            context = "The sandbox has no network access\(endpoint.map { ": the connection to \($0) was refused" } ?? "")"
            alternatives = ["Pass the data in the request's files or stdin instead of fetching it", "Request a network capability (network:HOST:PORT) for the host you need"]
        case .syscall:
            let call = Self.refusedCall(in: exception.message + " " + (scene?.code ?? ""))
            action = call.map { "call \($0)()" } ?? "make a system call the sandbox forbids"
            capability = nil
            reason = "The system call \(call.map { "\($0)() " } ?? "")is not allowed in the sandbox"
            context = "\(call.map { "\($0)()" } ?? "The system call") was refused by the sandbox's seccomp filter: code in the sandbox cannot trace processes, mount filesystems, change namespaces or reconfigure the kernel"
            alternatives = ["Do the work without the privileged operation", "Run such code outside the sandbox, where the operation is legitimate"]
        case .process:
            action = "start a process"
            capability = "subprocess"
            reason = "Starting processes is not allowed without the subprocess capability"
            context = "Starting a process is not allowed in the sandbox"
            alternatives = ["Do the work in Python instead of starting a process", "Request the 'subprocess' capability if the task needs it"]
        }
        var diagnosis = Diagnosis(
            category: .securityError, errorType: exception.type, errorMessage: exception.message,
            fixDescription: "Remove the operation the sandbox forbids and run again")
        if let scene { diagnosis.locate(scene) }
        fillSecurity(&diagnosis, violation: kind.rawValue, action: action, evidence)
        diagnosis.details.requiredCapability = capability
        diagnosis.capability = capability
        var advice = Advice()
        advice.context = context
        advice.immediateCause = "\(exception.type)\(scene?.onLine ?? ""): \(exception.message.firstLine)"
        advice.suggestions = alternatives
        if let capability, !alternatives.contains(where: { $0.contains("capability") }) {
            advice.suggestions.append("Request the capability '\(capability)' with a capability token if the task needs it")
        }
        diagnosis.apply(advice)
        diagnosis.securityViolation = SecurityViolation(
            attemptedOperation: kind.rawValue, blockedCode: diagnosis.details.problematicCode, reason: reason,
            alternativeApproaches: alternatives)
        return diagnosis
    }

    /// The first privileged call named in `text` (a message or a code line).
    static func refusedCall(in text: String) -> String? {
        let calls = [
            "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "umount", "pivot_root", "chroot",
            "unshare", "setns", "bpf", "keyctl", "add_key", "request_key", "perf_event_open", "userfaultfd",
            "io_uring_setup", "personality", "syslog", "settimeofday", "clock_settime", "adjtimex", "sethostname",
            "setdomainname", "quotactl", "name_to_handle_at", "fanotify_init", "kcmp", "pidfd_getfd", "clone",
        ]
        let words = Set(text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
        return calls.first { words.contains($0) }
    }

    /// The generic security fields.
    private static func fillSecurity(_ diagnosis: inout Diagnosis, violation: String, action: String, _ evidence: Evidence) {
        diagnosis.details.violationType = violation
        diagnosis.details.attemptedAction = action
        diagnosis.details.securityLevel = evidence.securityLevel
        diagnosis.details.availableCapabilities = evidence.facts.availableCapabilities
    }

    /// Safer ways to do what a blocked module is usually imported for.
    static func importAlternatives(_ module: String) -> [String] {
        let top = String(module.split(separator: ".").first ?? Substring(module))
        switch top {
        case "os", "pathlib", "shutil", "io", "tempfile", "glob", "fnmatch":
            return ["Use in-memory data structures instead of files", "Run at the 'standard' security level for file work inside the work directory"]
        case "subprocess", "multiprocessing", "pty", "signal", "concurrent":
            return ["Do the work in Python in this process instead of starting another one"]
        case "socket", "ssl", "urllib", "http", "requests", "httpx", "ftplib", "smtplib", "asyncio":
            return ["Pass the data in the request's files or stdin instead of fetching it"]
        case "ctypes", "cffi", "mmap", "resource", "fcntl":
            return ["Use pure Python instead of native code or low-level system access"]
        case "importlib", "imp", "runpy", "builtins", "sys", "gc", "inspect":
            return ["Import the allowed modules you need directly"]
        case "pickle", "marshal", "shelve":
            return ["Use json for serialization"]
        default:
            return ["Use the allowed modules to do the same work"]
        }
    }

    /// "host:port" from a `('host', 80)` literal on a line, if present.
    static func endpoint(_ code: String) -> String? {
        let normalized = code.replacingAll("\"", with: "'")
        guard let open = normalized.range(of: "('") else { return nil }
        let rest = normalized[open.upperBound...]
        guard let close = rest.firstIndex(of: "'") else { return nil }
        let host = rest[..<close]
        let after = rest[rest.index(after: close)...].drop(while: { $0 == "," || $0 == " " })
        let port = after.prefix(while: \.isNumber)
        guard !host.isEmpty, !port.isEmpty else { return nil }
        return "\(host):\(port)"
    }
}

import WardenProtocol

/// What an exception's errno, message and frames say about the operation that failed.
struct ExceptionClues {
    let exception: HarnessException

    init(_ exception: HarnessException) { self.exception = exception }

    private static let errnoNumbers: [Int: String] = [
        1: "EPERM", 2: "ENOENT", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES", 23: "ENFILE", 24: "EMFILE",
        27: "EFBIG", 28: "ENOSPC", 30: "EROFS", 122: "EDQUOT",
    ]

    /// The errno name, from the harness or parsed from "[Errno 13] Permission denied: …".
    var errnoName: String? {
        if let name = exception.errnoName, !name.isEmpty { return name }
        let message = exception.message
        guard message.hasPrefix("[Errno ") else { return nil }
        let digits = message.dropFirst("[Errno ".count).prefix(while: \.isNumber)
        return Int(digits).flatMap { Self.errnoNumbers[$0] }
    }

    /// The innermost frame of the user's own code (`<string>`), else the innermost frame.
    var userFrame: HarnessFrame? {
        exception.frames.last(where: { $0.filename == "<string>" }) ?? exception.frames.last
    }

    /// Code lines, function names and file names of every frame, for keyword checks.
    private var frameText: [String] {
        exception.frames.flatMap { [$0.codeLine ?? "", $0.functionName, $0.filename] }
    }

    private func framesMention(_ words: [String]) -> Bool {
        frameText.contains { text in words.contains { text.contains($0) } }
    }

    var looksLikeNetwork: Bool {
        framesMention(["socket", "connect", "urlopen", "urllib", "http/client", "http.client", "requests", "smtplib", "create_connection", "getaddrinfo"])
    }

    var looksLikeProcessSpawn: Bool {
        framesMention(["subprocess", "Popen", "os.system", "system(", "fork", "execv", "spawn", "multiprocessing", "_execute_child", "posix_spawn"])
    }

    /// The file operation writes (open mode w/a/x/+, or a mutating call), judged from the
    /// failing user line.
    var looksLikeWrite: Bool {
        if errnoName == "EROFS" || exception.message.contains("Read-only file system") { return true }
        let line = userFrame?.codeLine ?? ""
        let mutating = [
            "write_text", "write_bytes", "mkdir", "makedirs", "remove(", "unlink", "rmdir", "rename", "replace(",
            "touch(", "chmod", "chown", "symlink", "link(", "shutil.copy", "shutil.move", "truncate", "utime",
            "mkfifo", "mknod", "rmtree",
        ]
        if mutating.contains(where: { line.contains($0) }) { return true }
        return Self.openModeWrites(line)
    }

    /// Whether an `open(…)` call on `line` passes a writing mode ("w", "a", "x" or "+").
    static func openModeWrites(_ line: String) -> Bool {
        guard let range = line.range(of: "open(") else { return false }
        let arguments = line[range.upperBound...]
        let literals = String(arguments).singleQuoted + Self.doubleQuoted(String(arguments))
        return literals.dropFirst(arguments.hasPrefix("'") || arguments.hasPrefix("\"") ? 1 : 0).contains { literal in
            !literal.isEmpty && literal.count <= 4 && literal.allSatisfy({ "rwxabt+".contains($0) })
                && literal.contains(where: { "wax+".contains($0) })
        }
    }

    private static func doubleQuoted(_ text: String) -> [String] {
        text.replacingAll("\"", with: "'").singleQuoted
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

extension SecurityKind {
    /// Rule 9: a permission refusal (the sandbox's doing) and the kind of action refused.
    /// `ConnectionRefusedError` and the other network-layer errors are not refusals.
    static func detect(_ exception: HarnessException) -> SecurityKind? {
        let clues = ExceptionClues(exception)
        let errno = clues.errnoName
        let refused = exception.type == "PermissionError"
            || (["OSError", "IOError"].contains(exception.type) && ["EACCES", "EPERM", "EROFS"].contains(errno ?? ""))
        guard refused else { return nil }
        if errno == "EROFS" { return .fileWrite }
        if clues.looksLikeNetwork { return .network }
        if clues.looksLikeProcessSpawn { return .process }
        // File permissions answer EACCES; EPERM means the operation itself is refused
        // (the seccomp filter's answer to ptrace, mount, unshare, chroot, …).
        if errno == "EPERM" || (errno == nil && exception.message.contains("Operation not permitted")) {
            return .syscall
        }
        return clues.looksLikeWrite ? .fileWrite : .fileRead
    }
}

extension ResourceKind {
    /// Rule 10: an OS error that means a resource limit was reached.
    static func detect(_ exception: HarnessException) -> ResourceKind? {
        let clues = ExceptionClues(exception)
        let errno = clues.errnoName ?? ""
        let message = exception.message
        if errno == "EFBIG" || message.contains("File too large") { return .fileSize }
        if ["EMFILE", "ENFILE"].contains(errno) || message.contains("Too many open files") { return .openFiles }
        if ["ENOSPC", "EDQUOT"].contains(errno) || message.contains("No space left on device")
            || message.contains("Disk quota exceeded")
        {
            return .disk
        }
        if exception.type == "RuntimeError", message.contains("can't start new thread") { return .processes }
        let wouldBlock = errno == "EAGAIN" || exception.type == "BlockingIOError"
            || message.contains("Resource temporarily unavailable")
        if wouldBlock, clues.looksLikeProcessSpawn { return .processes }
        return nil
    }
}

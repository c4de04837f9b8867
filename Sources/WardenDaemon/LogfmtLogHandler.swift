import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One line per event on stderr, in logfmt: `level=info msg="execution finished"
/// execution.id=exec_… outcome=success`. Metadata keys are sorted; values are quoted when
/// they hold spaces, quotes, `=` or are empty, and newlines are escaped, so a line is always
/// one event. Under journald (`JOURNAL_STREAM` names our stderr) the line starts with the
/// syslog priority (`<6>`), which journald turns into the entry's priority, and the timestamp
/// is left to the journal; elsewhere it starts with `ts=`.
public struct LogfmtLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let journal: Bool
    private let output: @Sendable (String) -> Void

    /// - Parameter output: where a finished line goes (stderr unless a test captures it).
    public init(
        label: String, level: Logger.Level, journal: Bool = LogfmtLogHandler.stderrIsJournal(),
        output: @escaping @Sendable (String) -> Void = LogfmtLogHandler.writeToStandardError
    ) {
        self.label = label
        self.logLevel = level
        self.journal = journal
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        var line = ""
        if journal {
            line += "<\(Self.syslogPriority(event.level))>"
        } else {
            line += "ts=" + Self.timestamp() + " "
        }
        line += "level=\(event.level.rawValue) logger=\(Self.quoted(label)) msg=\(Self.quoted(event.message.description))"
        for key in merged.keys.sorted() {
            line += " \(Self.key(key))=\(Self.quoted(Self.flatten(merged[key]!)))"
        }
        output(line + "\n")
    }

    // MARK: - Formatting

    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar != "\"" && scalar != "=" && scalar != "\\" && scalar.value != 0x7f
        }
        if plain { return value }
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    escaped += String(format: "\\u%04x", scalar.value)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped + "\""
    }

    /// Keys are written as given, with anything that would break the line replaced by `_`.
    static func key(_ key: String) -> String {
        let cleaned = String(key.unicodeScalars.map { $0.value > 0x20 && $0 != "=" && $0 != "\"" ? Character($0) : "_" })
        return cleaned.isEmpty ? "_" : cleaned
    }

    static func flatten(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return "[" + values.map(flatten).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{" + entries.keys.sorted().map { "\($0):\(flatten(entries[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1_000_000)
        )
    }

    // MARK: - Output

    private static let writeLock = Mutex(())

    /// One `write(2)` per line (under a lock, so lines from threads never interleave).
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        writeLock.withLock { _ in
            var bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// True when systemd connected our stderr to the journal (`JOURNAL_STREAM` is
    /// `DEVICE:INODE` of that stream).
    public static func stderrIsJournal(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}

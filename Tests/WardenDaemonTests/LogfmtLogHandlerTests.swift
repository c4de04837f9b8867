import Logging
import Synchronization
import Testing

@testable import WardenDaemon

@Suite struct LogfmtLogHandlerTests {
    final class Lines: Sendable {
        let captured = Mutex<[String]>([])
        var all: [String] { captured.withLock { $0 } }
    }

    func logger(journal: Bool, lines: Lines) -> Logger {
        Logger(label: "wardend") { label in
            LogfmtLogHandler(label: label, level: .debug, journal: journal) { line in lines.captured.withLock { $0.append(line) } }
        }
    }

    @Test func oneLinePerEventWithSortedQuotedMetadata() throws {
        let lines = Lines()
        var logger = logger(journal: false, lines: lines)
        logger[metadataKey: "execution.id"] = "exec_01ABC"
        logger.info("execution finished", metadata: ["outcome": "success", "error": "line one\nline \"two\"", "empty": ""])
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false)
        #expect(line.hasPrefix("ts="))
        #expect(
            line.hasSuffix(
                #"level=info logger=wardend msg="execution finished" empty="" error="line one\nline \"two\"" execution.id=exec_01ABC outcome=success"# + "\n"
            )
        )
    }

    @Test func underJournaldTheLineStartsWithThePriority() throws {
        let lines = Lines()
        let logger = logger(journal: true, lines: lines)
        logger.warning("confinement layer inactive", metadata: ["layer": "landlock"])
        logger.debug("x")
        #expect(lines.all == [#"<4>level=warning logger=wardend msg="confinement layer inactive" layer=landlock"# + "\n", "<7>level=debug logger=wardend msg=x\n"])
    }

    @Test func journalStreamMustNameOurStderr() {
        #expect(LogfmtLogHandler.stderrIsJournal(environment: [:]) == false)
        #expect(LogfmtLogHandler.stderrIsJournal(environment: ["JOURNAL_STREAM": "1:2"]) == false)
        #expect(LogfmtLogHandler.stderrIsJournal(environment: ["JOURNAL_STREAM": "nonsense"]) == false)
    }
}

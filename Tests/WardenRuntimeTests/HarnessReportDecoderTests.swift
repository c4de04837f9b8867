import Foundation
import Testing
import WardenProtocol
import WardenRuntime

@Suite struct HarnessReportDecoderTests {
    static let minimal = #"""
        {"version":1,"status":"ok","return_value":null,"variables":{},"total_statements":1,
         "completed_statements":1,"statement_lines":[[1,1]],"exception":null,"exit_code":0,
         "last_line":null,"warnings":[],"execution_path":null}
        """#

    func decode(_ text: String) -> Result<HarnessReport, ReportProblem> {
        HarnessReportDecoder.decode(Array(text.utf8))
    }

    func problem(_ text: String) -> String? {
        if case .failure(let problem) = decode(text) { return problem.reason }
        return nil
    }

    /// The minimal report with one top-level key replaced (the JSON text of its value).
    func replacing(_ key: String, with value: String) -> String {
        var object = try! JSONSerialization.jsonObject(with: Data(Self.minimal.utf8)) as! [String: Any]
        object[key] = try! JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static let exceptionJSON = #"""
        {"type":"NameError","qualified_type":"NameError","message":"name 'x' is not defined",
         "frames":[{"filename":"<string>","line_number":3,"end_line_number":3,"column":7,"end_column":8,
                    "function_name":"<module>","code_line":"print(x)","locals":{"y":1}}],
         "full_traceback":"Traceback...","name":"x","names_in_scope":["y","print"],
         "chain":[{"type":"KeyError","message":"'k'","relation":"context","line_number":2}]}
        """#

    @Test func acceptsAMinimalReport() throws {
        let report = try decode(Self.minimal).get()
        #expect(report.status == .ok)
        #expect(report.statementLines == [[1, 1]])
        #expect(report.exitCode == 0)
    }

    @Test func acceptsAnExceptionReport() throws {
        let text = replacing("status", with: #""exception""#)
        let report = try HarnessReportDecoder.decode(Array(
            text.replacingOccurrences(of: #""exception":null"#, with: #""exception":"# + Self.exceptionJSON).utf8
        )).get()
        #expect(report.exception?.frames.first?.locals == ["y": .int(1)])
        #expect(report.exception?.chain?.first?.relation == "context")
    }

    @Test func roundTripsWhatSwiftEncodes() throws {
        let report = HarnessReport(
            status: .exception, returnValue: .string("x"), variables: ["a": .int(1), "b": .double(2.5)],
            totalStatements: 3, completedStatements: 1, statementLines: [[1, 1], [2, 4], [5, 5]],
            exception: HarnessException(
                type: "ValueError", qualifiedType: "ValueError", message: "bad",
                frames: [HarnessFrame(filename: "<string>", lineNumber: 2, functionName: "<module>", codeLine: "f()")],
                fullTraceback: "Traceback (most recent call last):\n"
            ),
            exitCode: 1, warnings: [WarningRecord(category: "UserWarning", message: "w", lineNumber: 1)]
        )
        let bytes = Array(try JSONEncoder().encode(report))
        #expect(try HarnessReportDecoder.decode(bytes).get() == report)
    }

    @Test func refusesEmptyAndOversizedInputBeforeDecoding() {
        #expect(problem("")?.contains("empty") == true)
        let oversized = [UInt8](repeating: UInt8(ascii: " "), count: HarnessReportDecoder.maxReportBytes + 1)
        guard case .failure(let problem) = HarnessReportDecoder.decode(oversized) else {
            Issue.record("an oversized report was accepted")
            return
        }
        #expect(problem.reason.contains("more than"))
    }

    @Test(arguments: [
        "{", "not json", "null", "[]", "\u{0}\u{1}\u{2}",
        #"{"version":1}"#,
        #"{"version":1,"status":"finished","variables":{},"total_statements":0,"completed_statements":0,"statement_lines":[],"warnings":[]}"#,
    ])
    func refusesMalformedInput(text: String) {
        #expect(problem(text) != nil)
    }

    @Test func refusesTwoDocumentsAndTrailingGarbage() {
        #expect(problem(Self.minimal + Self.minimal) != nil)
        #expect(problem(Self.minimal + "x") != nil)
    }

    @Test func refusesHostileNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(problem(replacing("return_value", with: "1").replacingOccurrences(of: #""return_value":1"#, with: #""return_value":"# + deep))?.contains("nests") == true)
        // Brackets inside strings do not count.
        let text = replacing("variables", with: #"{"s": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}"#)
        #expect(problem(text) == nil)
    }

    @Test func refusesInconsistentCounts() {
        #expect(problem(replacing("version", with: "2"))?.contains("version") == true)
        #expect(problem(replacing("total_statements", with: "-1")) != nil)
        #expect(problem(replacing("completed_statements", with: "2"))?.contains("exceeds") == true)
        #expect(problem(replacing("statement_lines", with: "[[0,1]]")) != nil)
        #expect(problem(replacing("statement_lines", with: "[[3,2]]")) != nil)
        #expect(problem(replacing("statement_lines", with: "[[1]]")) != nil)
        #expect(problem(replacing("statement_lines", with: "[[1,1],[2,2]]")) != nil)
        #expect(problem(replacing("last_line", with: "0"))?.contains("last_line") == true)
        #expect(problem(replacing("status", with: #""exception""#))?.contains("without an exception") == true)
        #expect(problem(replacing("status", with: #""syntax_error""#)) != nil)
        #expect(problem(replacing("warnings", with: #"[{"category":"UserWarning","message":"m","line_number":-3}]"#)) != nil)
    }

    func withException(_ mutate: (inout [String: Any]) -> Void) -> String {
        var exception = try! JSONSerialization.jsonObject(with: Data(Self.exceptionJSON.utf8)) as! [String: Any]
        mutate(&exception)
        let text = String(decoding: try! JSONSerialization.data(withJSONObject: exception), as: UTF8.self)
        return replacing("status", with: #""exception""#).replacingOccurrences(
            of: #""exception":null"#, with: #""exception":"# + text
        )
    }

    @Test func refusesUnboundedExceptions() {
        let frame = (try! JSONSerialization.jsonObject(with: Data(Self.exceptionJSON.utf8)) as! [String: Any])["frames"] as! [Any]
        #expect(problem(withException { _ in }) == nil)
        #expect(problem(withException { $0["frames"] = Array(repeating: frame[0], count: 1001) })?.contains("frames") == true)
        #expect(problem(withException { $0["full_traceback"] = String(repeating: "x", count: (1 << 20) + 1) })?.contains("full_traceback") == true)
        #expect(problem(withException { $0["type"] = "" }) != nil)
        #expect(problem(withException { $0["names_in_scope"] = (0..<1001).map { "n\($0)" } }) != nil)
        #expect(problem(withException {
            var first = frame[0] as! [String: Any]
            first["line_number"] = 0
            $0["frames"] = [first]
        })?.contains("line_number") == true)
        #expect(problem(withException {
            var first = frame[0] as! [String: Any]
            first["end_line_number"] = 1
            $0["frames"] = [first]
        }) != nil)
        #expect(problem(withException {
            $0["chain"] = [["type": "KeyError", "message": "m", "relation": "sibling"]]
        })?.contains("relation") == true)
        #expect(problem(withException {
            var first = frame[0] as! [String: Any]
            first["locals"] = Dictionary(uniqueKeysWithValues: (0..<1001).map { ("v\($0)", $0) })
            $0["frames"] = [first]
        }) != nil)
    }

    @Test func refusesWrongTypesWithoutCrashing() {
        #expect(problem(replacing("total_statements", with: #""many""#))?.contains("total_statements") == true)
        #expect(problem(replacing("variables", with: "[1, 2]")) != nil)
        #expect(problem(replacing("total_statements", with: "1e300")) != nil)
        #expect(problem(replacing("warnings", with: "{}")) != nil)
    }
}

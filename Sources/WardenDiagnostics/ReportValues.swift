import Foundation
import WardenProtocol

/// The values of a harness report, made to fit SPEC §3 "Values" before they reach a result:
/// a JSON scalar, or a string. The harness only writes scalars and bounded repr strings, but
/// the report is written by the process that runs the user's code and may be forged; an
/// array or object in it becomes its compact JSON text (bounded), so a result always matches
/// `docs/result.schema.json`.
enum ReportValues {
    static let maximumCharacters = 1000

    static func sanitize(_ report: HarnessReport) -> HarnessReport {
        var report = report
        report.variables = sanitize(report.variables)
        report.returnValue = report.returnValue.map(sanitize)
        if var exception = report.exception {
            exception.frames = exception.frames.map { frame in
                var frame = frame
                frame.locals = frame.locals.map(sanitize)
                return frame
            }
            report.exception = exception
        }
        return report
    }

    static func sanitize(_ values: [String: JSONValue]) -> [String: JSONValue] {
        values.mapValues(sanitize)
    }

    static func sanitize(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null, .bool, .int, .double, .string:
            return value
        case .array, .object:
            let data = (try? JSONEncoder().encode(value)) ?? Data()
            let text = String(decoding: data, as: UTF8.self)
            return .string(text.count > maximumCharacters ? String(text.prefix(maximumCharacters - 1)) + "…" : text)
        }
    }
}

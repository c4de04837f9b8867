import Foundation
import WardenProtocol

import Testing

/// The validator itself: it must catch what the schema forbids, or its silence means nothing.
@Suite struct SchemaValidatorTests {
    private func result(_ edit: (inout [String: JSONValue]) -> Void) -> [String: JSONValue] {
        let output: [String: JSONValue] = [
            "stdout": "", "stderr": "", "stdout_truncated": false, "stderr_truncated": false, "return_value": .null,
            "variables": ["x": 1], "execution_time": 0.1, "cpu_time": 0.05, "memory_used": "9.0MB",
            "memory_used_bytes": 9_437_184, "exit_code": 0, "warnings": [],
        ]
        var top: [String: JSONValue] = [
            "execution_id": "exec_1", "success": true, "timestamp": "2025-01-28T10:30:00Z", "retryable": false,
            "limits": [
                "timeout_seconds": 30, "memory_mb": 100, "cpu_seconds": 30, "max_output_bytes": 1_048_576,
                "max_processes": 1, "max_file_bytes": 10_485_760, "max_open_files": 64,
            ],
        ]
        top["execution_result"] = .object(output)
        edit(&top)
        _ = output
        return top
    }

    private func violations(_ edit: (inout [String: JSONValue]) -> Void) -> [String] {
        SchemaValidator.result.violations(of: .object(result(edit))).map(\.description)
    }

    @Test func aMinimalSuccessIsValid() {
        #expect(violations { _ in } == [])
    }

    @Test func decodedBooleansAndNumbersStayApart() {
        let numberForBoolean = SchemaValidator.result.violations(ofJSON: Array(#"{"success": 1}"#.utf8))
        #expect(numberForBoolean.contains { $0.description.contains("/success: expected boolean") })
        let booleanForNumber = SchemaValidator.result.violations(ofJSON: Array(#"{"retryable": false, "execution_id": true}"#.utf8))
        #expect(booleanForNumber.contains { $0.description.contains("/execution_id: expected string") })
        #expect(!booleanForNumber.contains { $0.description.contains("/retryable") })
    }

    @Test func unknownMissingAndMistypedFieldsAreCaught() {
        #expect(violations { $0["surprise"] = 1 }.contains { $0.contains("unexpected property 'surprise'") })
        #expect(violations { $0["limits"] = ["timeout_seconds": 30] }.contains { $0.contains("missing required property 'memory_mb'") })
        #expect(violations { $0["success"] = 1 }.contains { $0.contains("expected boolean") })
        #expect(violations { $0["error_category"] = "oops" }.count >= 1)
        #expect(violations { $0["assigned_by"] = .null }.contains { $0.contains("/assigned_by") })
        #expect(violations { $0["timestamp"] = "yesterday" }.contains { $0.contains("does not match") })
        // A success carries no failure fields; a failure needs its category, summary, details.
        #expect(!violations { $0["error_summary"] = "x" }.isEmpty)
        #expect(!violations { $0["success"] = false }.isEmpty)
        #expect(violations {
            $0["success"] = false
            $0["error_category"] = "runtime_error"
            $0["error_summary"] = "NameError on line 1: name 'x' is not defined"
            $0["error_details"] = ["error_type": "NameError", "error_message": "name 'x' is not defined", "suggestions": []]
        } == [])
    }

    @Test func valuesAreScalarsAndReturnValueIsAlwaysPresent() {
        func withOutput(_ edit: @escaping (inout [String: JSONValue]) -> Void) -> [String] {
            violations { top in
                var output = top["execution_result"]!.objectValue!
                edit(&output)
                top["execution_result"] = .object(output)
            }
        }
        #expect(withOutput { $0["variables"] = ["x": [1, 2]] }.contains { $0.contains("/execution_result/variables/x") })
        #expect(withOutput { $0["return_value"] = nil }.contains { $0.contains("'return_value'") })
        #expect(withOutput { $0["return_value"] = 1.5 } == [])
        #expect(withOutput { $0["exit_code"] = .null } == [])
        #expect(withOutput { $0["memory_used_bytes"] = 1.5 }.contains { $0.contains("expected integer") })
        #expect(withOutput { $0["memory_used_bytes"] = -1 }.contains { $0.contains("minimum") })
    }
}

// Literals for hand-built instances in these tests.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
}

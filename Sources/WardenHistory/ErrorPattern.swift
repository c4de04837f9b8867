import Foundation
import WardenProtocol

/// The normalised error pattern of a failed result: failures that share a cause share a
/// pattern, whatever the names, numbers and lines involved, so that `GET /v1/errors/common`
/// can count them. Pure: the same result gives the same pattern.
///
/// The rules, in order:
/// - success → nil;
/// - limits by what was exceeded: `timeout (wall)`, `timeout (cpu)`, `memory limit exceeded`,
///   `resource limit: <resource>` (processes, file_size, open_files, disk);
/// - security errors by violation: `security: blocked_import`, `security: network_access`, …;
/// - system errors: `system error: interrupted by daemon restart`, `system error: cancelled by the
///   client`, else `system error: sandbox failure`;
/// - well-known exceptions by meaning: `NameError with undefined variables`,
///   `ZeroDivisionError`, `ModuleNotFoundError: missing module`, `KeyError: missing key`,
///   `AttributeError: missing attribute on <type>`, `FileNotFoundError: missing file`, …;
/// - any other exception: `<Type>: <message>` with quoted text replaced by `'…'` and digits by
///   `N` (`ValueError: invalid literal for int() with base N: '…'`), at most 100 characters.
public enum ErrorPattern {
    public static let interruptedMessage = "interrupted by daemon restart"

    public static func of(_ result: ExecutionResult) -> String? {
        guard !result.success else { return nil }
        let details = result.errorDetails
        let type = details?.errorType ?? result.executionResult.exceptionInfo?.type ?? ""
        let message = details?.errorMessage ?? result.executionResult.exceptionInfo?.message ?? ""
        switch result.errorCategory {
        case .timeoutError:
            return "timeout (\(details?.limitKind?.rawValue ?? LimitKind.wall.rawValue))"
        case .memoryError:
            return "memory limit exceeded"
        case .resourceError:
            return "resource limit: \(details?.resource ?? "unknown")"
        case .securityError:
            return "security: \(details?.violationType ?? "violation")"
        case .systemError:
            if message == interruptedMessage { return "system error: \(interruptedMessage)" }
            return message == ExecutionFacts.cancelledFailure ? "system error: cancelled by the client" : "system error: sandbox failure"
        case .importError:
            return importPattern(type: type, message: message)
        case .syntaxError:
            return generic(type: type.isEmpty ? "SyntaxError" : type, message: message)
        case .runtimeError, nil:
            return runtimePattern(type: type, message: message)
        }
    }

    private static func importPattern(type: String, message: String) -> String {
        if message.hasPrefix("cannot import name") { return "ImportError: missing name in module" }
        if type == "ModuleNotFoundError" || message.hasPrefix("No module named") {
            return "ModuleNotFoundError: missing module"
        }
        return generic(type: type.isEmpty ? "ImportError" : type, message: message)
    }

    private static func runtimePattern(type: String, message: String) -> String {
        switch type {
        case "NameError": return "NameError with undefined variables"
        case "UnboundLocalError": return "UnboundLocalError: local variable used before assignment"
        case "ZeroDivisionError": return "ZeroDivisionError"
        case "KeyError": return "KeyError: missing key"
        case "RecursionError": return "RecursionError: maximum recursion depth exceeded"
        case "FileNotFoundError": return "FileNotFoundError: missing file"
        case "AssertionError": return "AssertionError"
        case "StopIteration": return "StopIteration"
        case "KeyboardInterrupt": return "KeyboardInterrupt"
        case "SystemExit": return "SystemExit with a non-zero status"
        case "ProcessKilled":
            let signal = message.split(separator: " ").last.map(String.init) ?? "a signal"
            return "process killed by \(signal)"
        case "ProcessExit": return "process exited with a non-zero status"
        case "AttributeError":
            if message.hasPrefix("module ") { return "AttributeError: missing module attribute" }
            if let owner = quoted(message).first, message.contains(" object has no attribute ") {
                return "AttributeError: missing attribute on \(owner)"
            }
            return generic(type: type, message: message)
        case "":
            return "runtime error"
        default:
            return generic(type: type, message: message)
        }
    }

    /// `Type: message` with quoted text and digits masked; `Type` alone for an empty message.
    static func generic(type: String, message: String) -> String {
        let masked = mask(message)
        let pattern = masked.isEmpty ? type : "\(type): \(masked)"
        return pattern.count <= 100 ? pattern : String(pattern.prefix(99)) + "…"
    }

    /// Replaces '…' and "…" quoted text by `'…'`, runs of digits by `N`, and collapses blanks.
    static func mask(_ message: String) -> String {
        var output = ""
        var quote: Character?
        var previousDigit = false
        var previousSpace = false
        let firstLine = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        for character in firstLine {
            if let open = quote {
                if character == open {
                    output.append("…")
                    output.append(open)
                    quote = nil
                }
                continue
            }
            if character == "'" || character == "\"" {
                quote = character
                output.append(character)
                previousDigit = false
                previousSpace = false
                continue
            }
            if character.isNumber {
                if !previousDigit { output.append("N") }
                previousDigit = true
                previousSpace = false
                continue
            }
            previousDigit = false
            if character.isWhitespace {
                if !previousSpace && !output.isEmpty { output.append(" ") }
                previousSpace = true
                continue
            }
            previousSpace = false
            output.append(character)
        }
        if let open = quote { output.append("…"); output.append(open) }
        return output.trimmingCharacters(in: .whitespaces)
    }

    /// The texts between single quotes, in order.
    private static func quoted(_ message: String) -> [String] {
        message.split(separator: "'", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// What usually causes a pattern, for `typical_causes` (seed 001 "common_errors").
    public static func typicalCauses(of pattern: String) -> [String] {
        if let causes = causes[pattern] { return causes }
        if pattern.hasPrefix("AttributeError: missing attribute on NoneType") {
            return ["A function returned None where an object was expected", "A failed lookup (re.match, dict.get) was not checked"]
        }
        if pattern.hasPrefix("AttributeError") {
            return ["Typos in attribute or method names", "The object is of another type than expected"]
        }
        if pattern.hasPrefix("resource limit") {
            return ["The script needs more of the resource than the limit allows", "A loop creates files or processes without bound"]
        }
        if pattern.hasPrefix("security:") {
            return ["The code needs a capability the request did not hold", "A security level stricter than the code needs"]
        }
        if pattern.hasPrefix("SyntaxError") || pattern.hasPrefix("IndentationError") || pattern.hasPrefix("TabError") {
            return ["Typos in the code", "Unbalanced brackets or quotes", "Code written for another Python version"]
        }
        if pattern.hasPrefix("TypeError") {
            return ["Mixing incompatible types (str and int)", "Calling a function with the wrong arguments", "Using None as a value"]
        }
        if pattern.hasPrefix("ValueError") {
            return ["Input data in an unexpected format", "Converting text that is not a number"]
        }
        if pattern.hasPrefix("IndexError") {
            return ["Off-by-one indices", "Indexing an empty sequence"]
        }
        if pattern.hasPrefix("process killed by") {
            return ["Native code (ctypes, extensions) accessing invalid memory", "The code signalled its own process"]
        }
        return ["See the example executions for the specific causes"]
    }

    private static let causes: [String: [String]] = [
        "NameError with undefined variables": ["Typos", "Scope issues", "Initialization problems"],
        "UnboundLocalError: local variable used before assignment": [
            "Assigning to a global name inside a function without 'global'", "A branch that skips the assignment",
        ],
        "ZeroDivisionError": ["Dividing by a count or length that can be zero", "Empty input data"],
        "KeyError: missing key": ["Typos in dictionary keys", "Missing fields in input data", "Using [] instead of .get()"],
        "ModuleNotFoundError: missing module": [
            "The module is not installed in the sandbox", "The module is not allowed at this security level", "Typos in the module name",
        ],
        "ImportError: missing name in module": ["Typos in the imported name", "A name from another version of the library"],
        "RecursionError: maximum recursion depth exceeded": ["A recursive function without a base case", "Recursion deeper than the limit"],
        "FileNotFoundError: missing file": ["The file was not sent in 'files'", "A path outside the work directory", "Typos in the file name"],
        "AttributeError: missing module attribute": ["Typos in the function name", "A function from another version of the module"],
        "AssertionError": ["A failing check in the code or its tests"],
        "SystemExit with a non-zero status": ["The script reported failure with sys.exit(n)"],
        "timeout (wall)": ["Infinite loops", "Waiting on input or sleep", "Work too large for the time limit"],
        "timeout (cpu)": ["Infinite loops", "Algorithms too slow for the input size"],
        "memory limit exceeded": ["Loading large data at once", "Unbounded lists or caches", "Accidental copies of large objects"],
        "system error: interrupted by daemon restart": ["The daemon was restarted or killed while the execution ran"],
        "system error: sandbox failure": ["The host could not start a confined worker (resources, configuration)"],
        "system error: cancelled by the client": ["The client disconnected (or timed out) before the execution finished"],
    ]
}

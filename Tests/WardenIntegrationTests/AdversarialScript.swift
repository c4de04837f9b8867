import Foundation
import WardenProtocol

/// One hostile script of `Tests/Adversarial/` and the verdict its header demands.
///
/// Header: the leading comment lines of the file. Lines of the form `# key: value` with a key
/// below are read; any other comment line is description.
///
///     # expect: category=resource_error resource=processes    (repeatable, tokens add up)
///     # request: {"security_level": "permissive", "limits": {"max_processes": 4}}
///     # concurrent-with: partner.py     (run partner.py first, then this, on the same daemon)
///     # after: partner.py               (run partner.py to its end first, then this)
///     # role: partner                   (only run as someone's partner, never alone)
///     # sentinel: /etc/some-path-@TOKEN@  (repeatable: must not exist on the host afterwards)
///     # guard: none (reason)            (a benign script: the runner sends it without the guard)
///     # guard: own (reason)             (the script makes the same check itself, in its own way)
///
/// The confinement guard is `_guard.py`, kept once: `code` is the guard followed by the
/// script, and that is what the runner sends, unless the header says `# guard:`.
///
/// Placeholders, replaced in the code and in header values before use: `@TOKEN@` (8 hex
/// digits, fresh per test case), `@STATE_DIR@` (the daemon's state directory, host path),
/// `@DAEMON_PID@`, `@RUNNER_PID@`, `@PARTNER_PIDS@` (a Python list of the partner's host pids),
/// `@ZYGOTE_PIDS@` (a Python list of the daemon's zygotes' host pids).
struct AdversarialScript: Sendable {
    let name: String
    /// The file as it is (header, then the script's own statements).
    let source: String
    /// What the runner sends (before substitution): `source`, after the guard unless exempt.
    let code: String
    let expectations: [AdversarialExpectation]
    let requestJSON: String?
    let partner: String?
    /// The partner runs to its end before this script starts (`after:`), not alongside it.
    let partnerRunsFirst: Bool
    let isPartner: Bool
    let sentinels: [String]
    let guardExemption: String?

    static let headerKeys: Set<String> = ["expect", "request", "concurrent-with", "after", "role", "sentinel", "guard"]

    /// `Tests/Adversarial`, found from this file's path.
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Adversarial")
    }

    /// The confinement guard's file; not a script (names starting with `_` are not).
    static let guardFileName = "_guard.py"

    /// Every script file name, sorted.
    static func allNames() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return entries.filter { $0.hasSuffix(".py") && !$0.hasPrefix("_") }.sorted()
    }

    /// The confinement guard (`_guard.py`): plain code that exits before anything else runs
    /// unless the process is init of its own PID namespace with neither uid root on the host.
    /// It is as many lines as the copy each script used to carry after its header, so the
    /// script's own statements keep their line numbers in what is sent.
    static func confinementGuard() throws -> String {
        try String(contentsOf: directory.appendingPathComponent(guardFileName), encoding: .utf8)
    }

    /// The scripts that are test cases of their own (partners run inside their pair's case).
    /// `WARDEN_ADVERSARIAL_ONLY=a.py,b.py` narrows the list (for working on a few scripts).
    static func standaloneNames() -> [String] {
        let only = ProcessInfo.processInfo.environment["WARDEN_ADVERSARIAL_ONLY"].map {
            Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return allNames().filter { name in
            (only?.contains(name) ?? true) && (try? load(name))?.isPartner != true
        }
    }

    static func load(_ name: String) throws -> AdversarialScript {
        let source = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        var expectations: [AdversarialExpectation] = []
        var requestJSON: String?
        var partner: String?
        var partnerRunsFirst = false
        var isPartner = false
        var sentinels: [String] = []
        var guardExemption: String?
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("#") else { break }
            let text = line.dropFirst().trimmingCharacters(in: .whitespaces)
            guard let colon = text.firstIndex(of: ":") else { continue }
            let key = String(text[..<colon]).trimmingCharacters(in: .whitespaces)
            guard headerKeys.contains(key) else { continue }
            let value = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            switch key {
            case "expect": expectations += try AdversarialExpectation.parse(value, in: name)
            case "request": requestJSON = value
            case "concurrent-with": partner = value
            case "after":
                partner = value
                partnerRunsFirst = true
            case "role": isPartner = value == "partner"
            case "sentinel": sentinels.append(value)
            case "guard": guardExemption = value
            default: break
            }
        }
        let code = guardExemption == nil ? try confinementGuard() + source : source
        return AdversarialScript(
            name: name, source: source, code: code, expectations: expectations, requestJSON: requestJSON,
            partner: partner, partnerRunsFirst: partnerRunsFirst, isPartner: isPartner, sentinels: sentinels, guardExemption: guardExemption)
    }

    /// The code the runner sends: `code` after substitution (the guard has no placeholder).
    func sentCode(_ substitutions: [String: String]) -> String {
        Self.substitute(code, substitutions)
    }

    /// The request body (without `code`) after substitution.
    func requestBody(_ substitutions: [String: String]) throws -> [String: Any] {
        guard let requestJSON else { return [:] }
        let text = Self.substitute(requestJSON, substitutions)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw AdversarialError("\(name): the request header is not a JSON object")
        }
        return object
    }

    static func substitute(_ text: String, _ substitutions: [String: String]) -> String {
        var result = text
        for (placeholder, value) in substitutions {
            result = result.replacingOccurrences(of: placeholder, with: value)
        }
        return result
    }
}

/// One `key=value` of an `# expect:` line.
struct AdversarialExpectation: Sendable, CustomStringConvertible {
    let key: String
    let value: String

    static let keys: Set<String> = [
        "status", "success", "category", "any-of", "violation", "resource", "limit_kind", "error_type", "exit_code",
        "signal", "stdout_truncated", "stderr_truncated", "stdout-contains", "stdout-not-contains", "no-variable",
        "max-seconds",
    ]

    var description: String { value.contains(" ") ? "\(key)=\"\(value)\"" : "\(key)=\(value)" }

    /// Splits on spaces outside double quotes; `key="a b"` keeps the space.
    static func parse(_ line: String, in script: String) throws -> [AdversarialExpectation] {
        var tokens: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
            } else if character == " " && !quoted {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return try tokens.map { token in
            guard let equals = token.firstIndex(of: "=") else {
                throw AdversarialError("\(script): expectation '\(token)' is not key=value")
            }
            let key = String(token[..<equals])
            guard keys.contains(key) else { throw AdversarialError("\(script): unknown expectation key '\(key)'") }
            return AdversarialExpectation(key: key, value: String(token[token.index(after: equals)...]))
        }
    }
}

/// What one execution answered, as the runner saw it.
struct AdversarialOutcome: Sendable {
    let script: String
    let status: Int
    let body: String
    let result: ExecutionResult?
    let decodeProblem: String?
    let seconds: Double

    /// One line: the verdict fields the expectations speak about.
    var summary: String {
        guard status == 200 else { return "status=\(status) body=\(body.prefix(300))" }
        guard let result else { return "status=200 undecodable: \(decodeProblem ?? "?") body=\(body.prefix(300))" }
        let details = result.errorDetails
        let output = result.executionResult
        var parts = ["success=\(result.success)", "category=\(result.errorCategory?.rawValue ?? "none")"]
        if let value = details?.violationType { parts.append("violation=\(value)") }
        if let value = details?.resource { parts.append("resource=\(value)") }
        if let value = details?.limitKind { parts.append("limit_kind=\(value.rawValue)") }
        if let value = details?.errorType { parts.append("error_type=\(value)") }
        if let value = output.exceptionInfo?.type, value != details?.errorType { parts.append("exception=\(value)") }
        parts.append("exit_code=\(output.exitCode.map(String.init) ?? "nil")")
        if let value = output.signal { parts.append("signal=\(value)") }
        if output.stdoutTruncated { parts.append("stdout_truncated=true") }
        if output.stderrTruncated { parts.append("stderr_truncated=true") }
        parts.append(String(format: "seconds=%.2f", seconds))
        if let message = details?.errorMessage, !message.isEmpty { parts.append("message=\(message.prefix(120))") }
        let stdout = output.stdout.prefix(240).replacingOccurrences(of: "\n", with: "⏎")
        if !stdout.isEmpty { parts.append("stdout=\(stdout)") }
        return parts.joined(separator: " ")
    }

    /// The expectations that this outcome does not meet, in words.
    func unmet(_ expectations: [AdversarialExpectation], substitutions: [String: String]) -> [String] {
        var problems: [String] = []
        let expectedStatus = expectations.first(where: { $0.key == "status" }).flatMap { Int($0.value) } ?? 200
        if status != expectedStatus {
            return ["status \(status), expected \(expectedStatus): \(body.prefix(400))"]
        }
        if expectedStatus != 200 { return [] }
        guard let result else { return ["the 200 answer does not decode as a result: \(decodeProblem ?? "")"] }
        let details = result.errorDetails
        let output = result.executionResult
        let category = result.errorCategory?.rawValue ?? "none"
        for expectation in expectations {
            let value = AdversarialScript.substitute(expectation.value, substitutions)
            let met: Bool
            switch expectation.key {
            case "status": met = true
            case "success": met = String(result.success) == value
            case "category": met = category == value
            case "any-of": met = value.split(separator: "|").map(String.init).contains(category)
            case "violation": met = details?.violationType == value
            case "resource": met = details?.resource == value
            case "limit_kind": met = details?.limitKind?.rawValue == value
            case "error_type": met = details?.errorType == value || output.exceptionInfo?.type == value
            case "exit_code": met = output.exitCode.map(String.init) == value
            case "signal": met = output.signal == value
            case "stdout_truncated": met = String(output.stdoutTruncated) == value
            case "stderr_truncated": met = String(output.stderrTruncated) == value
            case "stdout-contains": met = output.stdout.contains(value)
            case "stdout-not-contains": met = !output.stdout.contains(value)
            case "no-variable":
                met = output.variables[value] == nil && result.partialResults?.variablesBeforeError[value] == nil
                    && output.returnValue != .string("forged")
            case "max-seconds": met = seconds <= (Double(value) ?? 0)
            default: met = false
            }
            if !met { problems.append("expected \(expectation.key)=\(value)") }
        }
        return problems
    }
}

struct AdversarialError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import WardenProtocol

/// Context and suggestions for an exception that escaped the user's code (runtime errors).
/// Specific advice first (from the names, values and line involved), generic advice last.
enum ExceptionAdvice {
    static func advice(_ scene: FailureScene) -> Advice {
        let exception = scene.exception
        var advice: Advice
        switch exception.type {
        case "NameError", "UnboundLocalError": advice = nameError(scene)
        case "AttributeError": advice = attributeError(scene)
        case "ZeroDivisionError": advice = zeroDivision(scene)
        case "KeyError": advice = keyError(scene)
        case "IndexError": advice = indexError(scene)
        case "TypeError": advice = typeError(scene)
        case "RecursionError": advice = recursionError(scene)
        case "ValueError": advice = valueError(scene)
        case "FileNotFoundError": advice = fileNotFound(scene)
        case "AssertionError": advice = assertionError(scene)
        case "JSONDecodeError": advice = jsonDecode(scene)
        case "UnicodeDecodeError", "UnicodeEncodeError": advice = unicodeError(scene)
        case "OverflowError": advice = overflow(scene)
        case "StopIteration": advice = stopIteration(scene)
        case "NotImplementedError": advice = notImplemented(scene)
        case "ExceptionGroup", "BaseExceptionGroup": advice = exceptionGroup(scene)
        case "EOFError": advice = eofError(scene)
        default: advice = generic(scene)
        }
        advice.contributingFactors += chainFactors(exception)
        if advice.immediateCause == nil {
            let message = exception.message.firstLine
            advice.immediateCause = "\(exception.type) raised\(scene.onLine)\(scene.inFunction)" + (message.isEmpty ? "" : ": \(message)")
        }
        return advice
    }

    // MARK: Names

    /// The undefined name: `NameError.name`, else the first quoted word of the message.
    static func missingName(_ exception: HarnessException) -> String? {
        if let name = exception.name, !name.isEmpty { return name }
        return exception.message.singleQuoted.first
    }

    private static func nameError(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        guard let name = missingName(scene.exception) else { return generic(scene) }
        let unbound = scene.exception.type == "UnboundLocalError"
            || scene.exception.message.hasPrefix("cannot access local variable")
            || scene.exception.message.contains("referenced before assignment")
        if unbound {
            advice.context = "Local variable '\(name)' was used\(scene.onLine)\(scene.inFunction) before it was assigned"
            advice.immediateCause = "'\(name)' is assigned somewhere in the function, which makes it local, but not before line \(scene.lineNumber.map(String.init) ?? "?")"
            advice.suggestions = [
                "Assign '\(name)' before line \(scene.lineNumber.map(String.init) ?? "?") uses it",
                "Declare 'global \(name)' (or 'nonlocal \(name)') if you meant the outer variable",
            ]
        } else {
            advice.context = "Variable '\(name)' was referenced but never defined"
            advice.immediateCause = "Name '\(name)' used\(scene.onLine) is not defined"
        }
        let nearest = EditDistance.nearest(to: name, in: scene.candidateNames)
        if let best = nearest.first {
            advice.suggestions.insert("Did you mean '\(best)'?", at: 0)
            advice.suggestedFix = "Change '\(name)' to '\(best)'\(scene.onLine)"
            advice.contributingFactors.append("Possible typo in variable name ('\(best)' exists)")
        }
        if !unbound {
            advice.addFallbacks([
                "Check if the variable name is spelled correctly",
                "Ensure the variable is defined before use",
                "Check if the variable is in the correct scope",
            ])
        }
        return advice
    }

    private static func attributeError(_ scene: FailureScene) -> Advice {
        let exception = scene.exception
        var advice = Advice()
        let quoted = exception.message.singleQuoted
        let attribute = exception.name ?? (quoted.count >= 2 ? quoted[1] : nil)
        let isModule = exception.message.hasPrefix("module ")
        // "module 'math' has no attribute 'x'": the module's name, not its type ('module').
        let owner = isModule ? quoted.first : (exception.objectType ?? quoted.first)
        if owner == "NoneType" {
            advice.context = "A value is None where an object was expected\(scene.onLine)"
            advice.immediateCause = "The attribute '\(attribute ?? "?")' was looked up on None"
            advice.suggestions = ["Check which expression\(scene.onLine) is None: a function without 'return' gives None"]
            advice.contributingFactors.append("Methods such as list.sort() or list.append() change the object and return None")
        } else if let attribute, let owner {
            advice.context = isModule
                ? "Module '\(owner)' has no attribute '\(attribute)'"
                : "Object of type '\(owner)' has no attribute '\(attribute)'"
            advice.immediateCause = isModule
                ? "'\(attribute)' was looked up\(scene.onLine) in the module '\(owner)'"
                : "'\(attribute)' was looked up\(scene.onLine) on \(FailureScene.a(owner)) value"
        }
        if let attribute, let best = EditDistance.nearest(to: attribute, in: exception.objectAttributes ?? []).first {
            advice.suggestions.insert("Did you mean '\(best)'?", at: 0)
            advice.suggestedFix = "Change '\(attribute)' to '\(best)'\(scene.onLine)"
        }
        advice.addFallbacks([
            "Check the attribute name for typos",
            "Use dir(obj) to list the attributes the object has",
            "Check the type of the object: it may not be what you expect",
        ])
        return advice
    }

    // MARK: Values

    private static func isZero(_ value: JSONValue) -> Bool {
        switch value {
        case .int(0): true
        case .double(let number): number == 0
        default: false
        }
    }

    private static func zeroDivision(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        let code = scene.code ?? ""
        // The divisors: names right after '/', '//' or '%'; failing that, names to the right of
        // the first division operator (never a numerator: 'total / count' with total == 0 is
        // not the problem).
        func zero(_ name: String) -> Bool { scene.value(of: name).map(isZero) ?? false }
        var zeros = divisorNames(code).filter(zero)
        if zeros.isEmpty, let operatorIndex = code.firstIndex(where: { $0 == "/" || $0 == "%" }) {
            var seen: Set<String> = []
            zeros = String(code[operatorIndex...]).identifiers.filter { seen.insert($0).inserted && zero($0) }
        }
        let place = scene.inFunction.isEmpty ? scene.onLine : "\(scene.onLine)\(scene.inFunction)"
        if let zero = zeros.first {
            advice.context = "Division by zero\(place): '\(zero)' is 0"
            advice.immediateCause = "'\(zero)' is 0 when line \(scene.lineNumber.map(String.init) ?? "?") divides by it"
            advice.suggestions = zeros.prefix(2).map { "'\($0)' is 0: check it before dividing" }
            advice.suggestedFix = "Guard the division\(scene.onLine) with 'if \(zero) != 0:' (or '\(zero) or 1')"
            if isCounter(zero), code.contains("len(") == false {
                advice.contributingFactors.append("'\(zero)' was never incremented or the data it counts is empty")
            }
        } else {
            advice.context = "Division by zero occurred\(place)"
        }
        advice.addFallbacks([
            "Check if denominator is zero before division",
            "Add error handling with try/except ZeroDivisionError",
            "Validate input data before processing",
        ])
        return advice
    }

    /// Whether a name reads as a count of something ('count', 'n_items', 'total', 'size').
    static func isCounter(_ name: String) -> Bool {
        let lower = name.lowercased()
        if ["n", "num", "total", "size", "length", "qty", "quantity"].contains(lower) { return true }
        return ["count", "counter", "num_", "n_", "_count", "total_", "_total", "_size", "_len", "number_of"].contains { lower.contains($0) }
    }

    /// Identifiers directly after '/', '//' or '%' (the divisors), in order.
    static func divisorNames(_ code: String) -> [String] {
        var names: [String] = []
        var remaining = Substring(code)
        while let index = remaining.firstIndex(where: { $0 == "/" || $0 == "%" }) {
            remaining = remaining[remaining.index(after: index)...].drop(while: { $0 == "/" || $0 == " " || $0 == "(" || $0 == "=" })
            let name = remaining.prefix(while: { $0 == "_" || $0.isLetter || $0.isNumber })
            if let first = name.first, !first.isNumber, !names.contains(String(name)) { names.append(String(name)) }
        }
        return names
    }

    private static func keyError(_ scene: FailureScene) -> Advice {
        let exception = scene.exception
        var advice = Advice()
        let key = exception.key ?? exception.message
        // The dict: a subscripted name on the failing line whose value reads as a dict and whose
        // subscript can be this key (`record["user"]["phone"]` is not a lookup in `record`).
        var dictName: String?
        var keys: [String] = []
        for name in scene.subscriptedNames where scene.subscriptOf(name, canBe: key) {
            if let value = scene.value(of: name), let found = ReprParsing.dictKeys(of: value) {
                dictName = name
                keys = found
                break
            }
        }
        if let dictName {
            advice.context = "Key \(key) is not in the dictionary '\(dictName)'"
        } else {
            advice.context = "Key \(key) is not in the dictionary"
        }
        advice.immediateCause = "The lookup\(scene.onLine) asked for key \(key), which is missing"
        // Near misses are for spelling: string keys only (3 is not a typo of 1).
        let isText = key.hasPrefix("'") || key.hasPrefix("\"")
        if isText, let best = EditDistance.nearest(to: key, in: keys.filter { $0.hasPrefix("'") || $0.hasPrefix("\"") }).first {
            advice.suggestions.append("Did you mean \(best)?")
            advice.suggestedFix = "Change \(key) to \(best)\(scene.onLine)"
        }
        if !keys.isEmpty {
            advice.suggestions.append("Use one of the existing keys: \(keys.joined(separator: ", "))")
        } else if let dictName {
            advice.suggestions.append("'\(dictName)' is empty: add the key before reading it")
        }
        advice.suggestions.append("Use \(dictName ?? "d").get(\(key)) to get a default when the key may be missing")
        advice.addFallbacks([
            "Check that the key is spelled and typed correctly (1 and '1' are different keys)",
            "Check with 'in' before looking the key up",
        ])
        return advice
    }

    private static func indexError(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        var found = false
        for name in scene.subscriptedNames {
            guard let value = scene.value(of: name), let length = ReprParsing.length(of: value) else { continue }
            found = true
            var indexText = ""
            if let inside = scene.subscriptText(of: name) {
                if let literal = Int(inside) {
                    indexText = "index \(literal)"
                } else if let index = scene.value(of: inside)?.intValue {
                    indexText = "index \(inside) = \(index)"
                }
            }
            if length == 0 {
                advice.context = "'\(name)' is empty, so\(indexText.isEmpty ? " no index" : " \(indexText)") is out of range"
                advice.suggestions.append("'\(name)' is empty: check 'if \(name):' before indexing it")
            } else {
                let what = indexText.isEmpty ? "The index" : indexText.prefix(1).uppercased() + indexText.dropFirst()
                advice.context = "\(what) is out of range for '\(name)', which has \(length) element\(length == 1 ? "" : "s")"
                advice.suggestions.append("'\(name)' has \(length) element\(length == 1 ? "" : "s"): use an index from 0 to \(length - 1) (or -\(length) to -1)")
            }
            advice.immediateCause = advice.context
            break
        }
        if !found {
            advice.context = "A sequence index\(scene.onLine) is out of range: \(scene.exception.message.firstLine)"
        }
        advice.addFallbacks([
            "Check the length with len() before indexing",
            "Remember that indexes start at 0: the last element is at len(seq) - 1",
            "Iterate with 'for item in seq' instead of indexes",
        ])
        return advice
    }

    private static func typeError(_ scene: FailureScene) -> Advice {
        let message = scene.exception.message.firstLine
        var advice = Advice()
        let types = message.singleQuoted
        if message.hasPrefix("unsupported operand type(s) for"), types.count >= 2 {
            let op = message.dropFirst("unsupported operand type(s) for".count).prefix(while: { $0 != ":" }).trimmedWhitespace
            advice.context = "Operator '\(op)'\(scene.onLine) cannot combine \(FailureScene.a(types[0])) and \(FailureScene.a(types[1]))"
            if Set(types.prefix(2)) == ["int", "str"] || Set(types.prefix(2)) == ["float", "str"] {
                advice.suggestions.append("Convert the text with int(...) or float(...), or the number with str(...), so both sides have the same type")
            } else if types.contains("NoneType") {
                advice.suggestions.append("One operand is None: check the function that produced it returns a value")
            } else {
                advice.suggestions.append("Convert one operand so '\(op)' is defined for both: '\(types[0])' and '\(types[1])'")
            }
        } else if message.hasPrefix("can only concatenate") {
            let other = message.split(separator: "\"").dropFirst().first.map(String.init) ?? "value"
            let kind = message.dropFirst("can only concatenate ".count).prefix(while: { $0 != " " })
            advice.context = "\(FailureScene.a(other).capitalizedFirst) was added to \(FailureScene.a(String(kind)))\(scene.onLine)"
            advice.suggestions.append(kind == "str"
                ? "Convert the \(other) to text with str(...) before concatenating, or use an f-string"
                : "Convert the \(other) to \(kind) before concatenating")
        } else if message.hasSuffix("object is not subscriptable"), let type = types.first {
            advice.context = "\(FailureScene.a(type).capitalizedFirst) value was indexed with [...]\(scene.onLine), which it does not support"
            advice.suggestions.append(type == "NoneType"
                ? "The value is None: check the function that produced it returns a value"
                : "Index a list, tuple, dict or string instead of \(FailureScene.a(type))")
        } else if message.hasSuffix("object is not callable"), let type = types.first {
            let shadow = scene.namesOnLine.first { name in
                scene.value(of: name) != nil && ["list", "dict", "str", "int", "float", "sum", "max", "min", "len", "print", "input", "type", "set", "tuple", "range", "sorted"].contains(name)
            }
            advice.context = "\(FailureScene.a(type).capitalizedFirst) value was called like a function\(scene.onLine)"
            if let shadow {
                advice.suggestions.append("Rename the variable '\(shadow)': it hides the built-in function of the same name")
                advice.contributingFactors.append("The variable '\(shadow)' shadows the built-in '\(shadow)'")
            } else {
                advice.suggestions.append("Check that a variable does not reuse the name of the function you meant to call")
            }
        } else if message.hasSuffix("object is not iterable"), let type = types.first {
            advice.context = "\(FailureScene.a(type).capitalizedFirst) value was iterated over\(scene.onLine), which it does not support"
            advice.suggestions.append(type == "int"
                ? "Use range(n) to loop over numbers"
                : "Iterate over a list, tuple, dict, string or range instead of \(FailureScene.a(type))")
        } else if message.contains("positional argument") || message.contains("keyword argument") {
            let function = message.prefix(while: { $0 != "(" })
            advice.context = "The call\(scene.onLine) does not match the signature of \(function)(): \(message)"
            advice.suggestions.append("Call \(function)() with the arguments its definition expects")
        } else {
            advice.context = "An operation\(scene.onLine) received a value of the wrong type: \(message)"
            if !types.isEmpty {
                advice.suggestions.append("Check the types involved: \(types.prefix(3).map { "'\($0)'" }.joined(separator: ", "))")
            }
        }
        advice.addFallbacks([
            "Print type(value) of the values on line \(scene.lineNumber.map(String.init) ?? "?") to check them",
            "Convert values explicitly (int(), float(), str()) before combining them",
        ])
        return advice
    }

    private static func recursionError(_ scene: FailureScene) -> Advice {
        let frames = scene.exception.frames
        var counts: [String: Int] = [:]
        for frame in frames where frame.functionName != "<module>" { counts[frame.functionName, default: 0] += 1 }
        let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let depth = max(tracebackDepth(scene.exception.fullTraceback), frames.count)
        var advice = Advice()
        if let top = ranked.first {
            // Two functions that take turns (is_even → is_odd → is_even ...) recurse together.
            if ranked.count >= 2, ranked[1].value * 2 >= top.value, ranked[1].value >= 3 {
                let other = ranked[1].key
                advice.context = "Functions '\(top.key)' and '\(other)' called each other \(depth) calls deep without reaching a base case"
                advice.suggestions = [
                    "Add or fix the base case that stops '\(top.key)' and '\(other)' calling each other",
                    "Check that each call moves its argument toward the base case",
                ]
            } else {
                advice.context = "Function '\(top.key)' called itself until the call stack was \(depth) calls deep, without reaching a base case"
                advice.suggestions = [
                    "Add or fix the base case of '\(top.key)' so the recursion stops",
                    "Check that each call of '\(top.key)' moves its argument toward the base case",
                    "Rewrite '\(top.key)' as a loop",
                ]
            }
        } else {
            advice.context = "The call stack grew to \(depth) calls: \(scene.exception.message.firstLine)"
        }
        advice.addFallbacks(["Rewrite deep recursion as a loop with an explicit stack"])
        return advice
    }

    /// The number of frames a traceback text stands for: its `File` lines plus the N of each
    /// "[Previous line repeated N more times]" (the report keeps at most 200 frames).
    static func tracebackDepth(_ text: String) -> Int {
        var depth = 0
        for line in text.split(separator: "\n") {
            if line.hasPrefix("  File \"") {
                depth += 1
            } else if line.hasPrefix("  [Previous line repeated "), let number = Int(line.dropFirst("  [Previous line repeated ".count).prefix(while: \.isNumber)) {
                depth += number
            }
        }
        return depth
    }

    private static func valueError(_ scene: FailureScene) -> Advice {
        let message = scene.exception.message.firstLine
        var advice = Advice()
        if message.hasPrefix("invalid literal for") {
            let function = message.dropFirst("invalid literal for ".count).prefix(while: { $0 != "(" })
            let text = message.split(separator: ":", maxSplits: 1).dropFirst().first.map { $0.trimmedWhitespace } ?? "the text"
            advice.context = "The text \(text) is not a valid number for \(function)()"
            advice.suggestions = [
                "Check the text \(text) before converting it with \(function)()",
                "Strip spaces and check str.isdigit() (or use try/except ValueError) before converting",
            ]
        } else if message.hasPrefix("too many values to unpack") || message.hasPrefix("not enough values to unpack") {
            advice.context = "The unpacking\(scene.onLine) has a different number of names than values: \(message)"
            advice.suggestions = ["Make the number of names on the left match the number of values on the right"]
        } else if message == "math domain error" {
            advice.context = "A math function\(scene.onLine) got an argument outside its domain (a negative square root or logarithm of 0)"
            advice.suggestions = ["Check the argument is in range (for sqrt >= 0, for log > 0) before calling"]
        } else {
            advice.context = "A value\(scene.onLine) has the right type but an unacceptable value: \(message)"
        }
        advice.addFallbacks(["Validate input data before processing", "Add error handling with try/except ValueError"])
        return advice
    }

    private static func fileNotFound(_ scene: FailureScene) -> Advice {
        let exception = scene.exception
        let path = exception.filename ?? exception.message.singleQuoted.last ?? "the file"
        var advice = Advice()
        advice.context = "File '\(path)' does not exist in the sandbox's work directory"
        let files = scene.requestFiles.sorted()
        if let best = EditDistance.nearest(to: path, in: files).first {
            advice.suggestions.append("Did you mean '\(best)'?")
            advice.suggestedFix = "Change '\(path)' to '\(best)'\(scene.onLine)"
        }
        if files.isEmpty {
            advice.suggestions.append("Send the file with the request's 'files' field; the work directory starts empty")
        } else {
            advice.suggestions.append("Use one of the files sent with the request: \(files.prefix(10).joined(separator: ", "))")
        }
        advice.addFallbacks(["Use a path relative to the work directory"])
        return advice
    }

    private static func assertionError(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        let message = scene.exception.message.firstLine
        advice.context = "The assertion\(scene.onLine) failed\(message.isEmpty ? "" : ": \(message)")"
        if let code = scene.code { advice.immediateCause = "The condition of '\(code)' was false" }
        advice.suggestions = ["Print the values in the assert's condition to see which one is wrong"]
        return advice
    }

    private static func jsonDecode(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        advice.context = "The text parsed\(scene.onLine) is not valid JSON: \(scene.exception.message.firstLine)"
        advice.suggestions = [
            "Print the text before json.loads() to check it",
            "Use double quotes for JSON strings and keys; single quotes are not JSON",
        ]
        if scene.exception.message.hasPrefix("Expecting value: line 1 column 1 (char 0)") {
            advice.suggestions.insert("The text is empty or does not start with JSON: check where it comes from", at: 0)
        }
        return advice
    }

    private static func unicodeError(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        advice.context = "Text\(scene.onLine) could not be converted with the chosen encoding: \(scene.exception.message.firstLine)"
        advice.suggestions = ["Pass encoding='utf-8' (or the file's real encoding) when opening or decoding", "Use errors='replace' to keep going past invalid bytes"]
        return advice
    }

    private static func overflow(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        advice.context = "A number\(scene.onLine) is too large for the operation: \(scene.exception.message.firstLine)"
        advice.suggestions = ["Use int arithmetic or decimal.Decimal for very large values", "Check the values for runaway growth"]
        return advice
    }

    private static func stopIteration(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        advice.context = "next() was called\(scene.onLine) on an exhausted iterator"
        advice.suggestions = ["Pass a default to next(it, default)", "Loop with 'for' instead of calling next() by hand"]
        return advice
    }

    private static func notImplemented(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        advice.context = "Code\(scene.inFunction) that is not implemented yet was called\(scene.onLine)"
        advice.suggestions = ["Implement the function body, or avoid calling it"]
        return advice
    }

    private static func eofError(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        advice.context = "input()\(scene.onLine) reached the end of stdin"
        advice.suggestions = ["Send the input with the request's 'stdin' field, one line per input() call"]
        return advice
    }

    private static func exceptionGroup(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        let members = scene.exception.groupMembers ?? []
        let listed = members.prefix(5).map { "\($0.type): \($0.message.firstLine)" }
        advice.context = "\(members.count) exception\(members.count == 1 ? "" : "s") were raised together\(scene.onLine)"
            + (listed.isEmpty ? "" : ": " + listed.joined(separator: "; "))
        advice.contributingFactors = listed
        advice.suggestions = ["Handle each member with 'except*', or fix the failures listed"]
        return advice
    }

    private static func generic(_ scene: FailureScene) -> Advice {
        var advice = Advice()
        let message = scene.exception.message.firstLine
        advice.context = "\(scene.exception.type) was raised\(scene.onLine)\(scene.inFunction)" + (message.isEmpty ? "" : ": \(message)")
        advice.suggestions = [
            "Read the message and the traceback to find the value that caused it",
            "Add error handling with try/except \(scene.exception.type)",
        ]
        return advice
    }

    /// "Raised while handling KeyError: 'x'" for each link of the chain.
    private static func chainFactors(_ exception: HarnessException) -> [String] {
        (exception.chain ?? []).prefix(3).map { link in
            let at = link.lineNumber.map { " (line \($0))" } ?? ""
            switch link.relation {
            case "cause": return "Caused by \(link.type): \(link.message.firstLine)\(at)"
            case "context": return "Raised while handling \(link.type): \(link.message.firstLine)\(at)"
            default: return "\(link.type): \(link.message.firstLine)\(at)"
            }
        }
    }
}

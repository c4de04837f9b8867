import Testing
import WardenProtocol
import WardenRuntime

/// `full_traceback` (and what reaches stderr) must be exactly what plain CPython's `traceback`
/// module prints for the same code: the reference is computed here, by the same interpreter.
@Suite struct HarnessTracebackTests {
    @Test func nameErrorOnLineThreeMatchesCPython() throws {
        let code = "total = 10\ncount = 2\nprint(totl / count)\n"
        let run = try Harness.run(code)
        let expected = try #require(try Harness.reference(code).traceback)
        let exception = try #require(run.report.exception)

        #expect(run.report.status == .exception)
        #expect(run.exitStatus == 1)
        #expect(exception.fullTraceback == expected)
        #expect(run.stderr == expected)
        #expect(expected.hasSuffix("NameError: name 'totl' is not defined\n"))
        #expect(exception.type == "NameError")
        #expect(exception.qualifiedType == "NameError")
        #expect(exception.message == "name 'totl' is not defined")
        #expect(exception.name == "totl")
        #expect(exception.namesInScope?.contains("total") == true)
        #expect(exception.namesInScope?.contains("print") == true)
        #expect(exception.frames.count == 1)
        let frame = try #require(exception.frames.first)
        #expect(frame.filename == "<string>")
        #expect(frame.lineNumber == 3)
        #expect(frame.functionName == "<module>")
        #expect(frame.codeLine == "print(totl / count)")
        #expect(frame.column == 7)
        #expect(frame.endColumn == 11)
        #expect(run.report.totalStatements == 3)
        #expect(run.report.completedStatements == 2)
        #expect(run.report.variables == ["total": .int(10), "count": .int(2)])
    }

    @Test func syntaxErrorMatchesCPython() throws {
        let code = "if x = 5:\n    pass\n"
        let run = try Harness.run(code)
        let reference = try Harness.reference(code)
        let expected = try #require(reference.traceback)
        let exception = try #require(run.report.exception)
        let syntax = try #require(exception.syntax)

        #expect(run.report.status == .syntaxError)
        #expect(run.exitStatus == 1)
        #expect(exception.type == "SyntaxError")
        #expect(exception.frames.isEmpty)
        #expect(exception.fullTraceback == expected)
        #expect(run.stderr == expected)
        #expect(!expected.contains("Traceback"))
        #expect(syntax.lineNumber == 1)
        #expect(syntax.offset == reference.offset)
        #expect(syntax.offset == 4)
        #expect(syntax.text == "if x = 5:\n")
        #expect(exception.message == syntax.msg)
        #expect(run.report.totalStatements == 0)
        #expect(run.report.statementLines.isEmpty)
    }

    @Test(arguments: [
        "def f():\nreturn 1\n",  // IndentationError
        "if True:\n\tx = 1\n        y = 2\n",  // TabError
        "x = 1\nreturn x\n",  // compiler error, no source text
        "x = 1\nfrom __future__ import annotations\n",  // only invalid in context
        "s = 'abc\nprint(s)\n",
        "print('a'\nx = 2\n",
    ])
    func compileErrorsMatchCPython(code: String) throws {
        let run = try Harness.run(code)
        let reference = try Harness.reference(code)
        let exception = try #require(run.report.exception)
        #expect(run.report.status == .syntaxError)
        #expect(exception.fullTraceback == reference.traceback)
        #expect(run.stderr == reference.traceback)
        #expect(exception.syntax?.lineNumber == reference.lineno)
        #expect(exception.syntax?.offset == reference.offset)
    }

    @Test(arguments: [
        // Chained: context, then cause inside a function, then both.
        "try:\n    {}['k']\nexcept KeyError:\n    raise ValueError('bad')\n",
        "def f():\n    try:\n        int('x')\n    except ValueError as e:\n        raise RuntimeError('wrap') from e\nf()\n",
        "try:\n    try:\n        1/0\n    except ZeroDivisionError as e:\n        raise KeyError('k') from e\nexcept KeyError:\n    raise ValueError('final')\n",
        // ExceptionGroup boxes.
        "def f():\n    raise ExceptionGroup('many', [ValueError('a'), TypeError('b'), ExceptionGroup('inner', [KeyError('k')])])\nf()\n",
        // Frames inside the standard library, carets on binary operators, a final expression.
        "import json\njson.loads('{bad json')\n",
        "a = 1\nb = 0\nresult = (a +\n  a) / b\n",
        "x = {'a': 1}\nx['b']\n",
        "10 / 0",
        "s = 'héllo'\nn = len(s) + s.nope\n",
        "class A:\n    def m(self):\n        return self.x\nA().m()\n",
        "def deco(fn):\n    return fn\n\n@deco\ndef g():\n    raise TypeError('t')\n\ng()\n",
        "def f(n):\n    return f(n + 1)\nf(0)\n",
        "eval('1 +')\n",
        "open('/nonexistent-warden-test/file.txt')\n",
        "import nonexistent_module_for_warden_tests\n",
        "class E(Exception):\n    def __str__(self):\n        raise RuntimeError\nraise E()\n",
        "raise KeyboardInterrupt\n",
    ])
    func runtimeErrorsMatchCPython(code: String) throws {
        let run = try Harness.run(code)
        let expected = try #require(try Harness.reference(code).traceback)
        let exception = try #require(run.report.exception)
        #expect(run.report.status == .exception)
        #expect(run.exitStatus == 1)
        #expect(exception.fullTraceback == expected)
        #expect(run.stderr == expected)
        #expect(!exception.fullTraceback.contains("harness"))
    }

    @Test func chainIsReportedRootCauseFirst() throws {
        let code = "try:\n    try:\n        1/0\n    except ZeroDivisionError as e:\n        raise KeyError('k') from e\nexcept KeyError:\n    raise ValueError('final')\n"
        let exception = try #require(try Harness.run(code).report.exception)
        #expect(exception.type == "ValueError")
        #expect(
            exception.chain == [
                ChainedException(type: "ZeroDivisionError", message: "division by zero", relation: "cause", lineNumber: 3),
                ChainedException(type: "KeyError", message: "'k'", relation: "context", lineNumber: 5),
            ]
        )
    }

    @Test func exceptionGroupLeavesAreMembers() throws {
        let code = "raise ExceptionGroup('many', [ValueError('a'), ExceptionGroup('inner', [KeyError('k')])])\n"
        let exception = try #require(try Harness.run(code).report.exception)
        #expect(exception.type == "ExceptionGroup")
        #expect(exception.groupMembers?.map(\.type) == ["ValueError", "KeyError"])
        #expect(exception.groupMembers?.allSatisfy { $0.relation == "member" } == true)
    }

    @Test func standardLibraryFramesAreKeptAndTyped() throws {
        let code = "import json\ndata = json.loads('{bad json')\n"
        let exception = try #require(try Harness.run(code, allowedModules: ["json"]).report.exception)
        #expect(exception.type == "JSONDecodeError")
        #expect(exception.qualifiedType == "json.decoder.JSONDecodeError")
        #expect(exception.frames.first?.filename == "<string>")
        #expect(exception.frames.first?.lineNumber == 2)
        #expect(exception.frames.count > 1)
        #expect(exception.frames.dropFirst().allSatisfy { $0.filename.hasSuffix(".py") })
    }

    @Test func osErrorFacts() throws {
        let exception = try #require(try Harness.run("open('/nonexistent-warden-test/x.txt')\n").report.exception)
        #expect(exception.type == "FileNotFoundError")
        #expect(exception.errnoName == "ENOENT")
        #expect(exception.filename == "/nonexistent-warden-test/x.txt")
    }

    @Test func attributeAndKeyErrorFacts() throws {
        let attribute = try #require(try Harness.run("items = [1, 2]\nitems.push(3)\n").report.exception)
        #expect(attribute.name == "push")
        #expect(attribute.objectType == "list")
        #expect(attribute.objectAttributes?.contains("append") == true)
        #expect(attribute.objectAttributes?.contains("__len__") == false)

        let key = try #require(try Harness.run("d = {'a': 1}\nd['missing']\n").report.exception)
        #expect(key.type == "KeyError")
        #expect(key.key == "'missing'")
    }
}

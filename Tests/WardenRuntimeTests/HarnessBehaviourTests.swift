import Foundation
import Testing
import WardenProtocol
import WardenRuntime

/// The harness run end to end with real descriptors, benign fixtures only.
@Suite struct HarnessBehaviourTests {
    /// Computation-only modules, like the strict preset (the harness adds __future__ and __main__).
    static let strict = ["json", "math", "collections", "itertools", "functools", "time", "datetime", "re", "warnings"]

    @Test func printGoesToStdout() throws {
        let run = try Harness.run("print('hello')\nprint('world')\n")
        #expect(run.exitStatus == 0)
        #expect(run.stdout == "hello\nworld\n")
        #expect(run.stderr == "")
        #expect(run.report.status == .ok)
        #expect(run.report.exitCode == 0)
        #expect(run.report.exception == nil)
        #expect(run.report.returnValue == nil)
        #expect(run.report.totalStatements == 2)
        #expect(run.report.completedStatements == 2)
        #expect(run.report.statementLines == [[1, 1], [2, 2]])
        #expect(run.report.warnings.isEmpty)
        #expect(run.report.executionPath == nil)
    }

    @Test func finalExpressionIsTheReturnValue() throws {
        let run = try Harness.run("x = 20\nx + 22")
        #expect(run.report.returnValue == .int(42))
        #expect(run.report.variables == ["x": .int(20)])

        let list = try Harness.run("items = [1, 'two', 3.5]\nitems\n")
        #expect(list.report.returnValue == .string("[1, 'two', 3.5]"))

        let none = try Harness.run("x = 1\nNone\n")
        #expect(none.report.returnValue == nil)
        #expect(none.report.status == .ok)
    }

    @Test func exceptionInsideFunctionHasFramesAndLocals() throws {
        let code = """
            def calculate_average(numbers):
                total = sum(numbers)
                count = 0
                return total / count

            nums = [10, 20, 30, 40]
            calculate_average(nums)
            """
        let run = try Harness.run(code)
        let exception = try #require(run.report.exception)
        #expect(exception.type == "ZeroDivisionError")
        #expect(exception.frames.map(\.functionName) == ["<module>", "calculate_average"])
        #expect(exception.frames.map(\.lineNumber) == [7, 4])
        let inner = try #require(exception.frames.last)
        #expect(inner.codeLine == "return total / count")
        #expect(inner.column == 12)
        #expect(inner.locals?["total"] == .int(100))
        #expect(inner.locals?["count"] == .int(0))
        #expect(inner.locals?["numbers"] == .string("[10, 20, 30, 40]"))
        #expect(exception.frames.first?.locals == nil)
        #expect(exception.namesInScope?.contains("numbers") == true)
        #expect(run.report.statementLines == [[1, 4], [6, 6], [7, 7]])
        #expect(run.report.completedStatements == 2)
        #expect(run.report.variables["calculate_average"] == .string("<function calculate_average>"))

        let full = try #require(try Harness.run(code, detail: .full).report.exception)
        #expect(full.frames.first?.locals?["nums"] == .string("[10, 20, 30, 40]"))
        let summary = try #require(try Harness.run(code, detail: .summary).report.exception)
        #expect(summary.frames.allSatisfy { $0.locals == nil })
    }

    @Test func systemExit() throws {
        let three = try Harness.run("import sys\nprint('bye')\nsys.exit(3)\n", allowedModules: ["sys"])
        #expect(three.report.status == .exit)
        #expect(three.report.exitCode == 3)
        #expect(three.exitStatus == 3)
        #expect(three.stdout == "bye\n")
        #expect(three.report.exception == nil)
        #expect(three.report.completedStatements == 2)

        let zero = try Harness.run("raise SystemExit(0)\n")
        #expect(zero.report.status == .ok)
        #expect(zero.exitStatus == 0)

        let message = try Harness.run("raise SystemExit('fatal: no input')\n")
        #expect(message.report.status == .exit)
        #expect(message.report.exitCode == 1)
        #expect(message.exitStatus == 1)
        #expect(message.stderr == "fatal: no input\n")

        let builtin = try Harness.run("exit(4)\n")
        #expect(builtin.report.exitCode == 4)
        #expect(builtin.exitStatus == 4)
    }

    @Test func blockedImportOnlyForTheUsersOwnImports() throws {
        let code = """
            import json
            import time, datetime
            from collections import abc
            print(json.dumps([time.strptime('2024', '%Y').tm_year, datetime.datetime.strptime('2025', '%Y').year]))
            import os
            """
        let run = try Harness.run(code, allowedModules: Self.strict)
        let exception = try #require(run.report.exception)
        #expect(run.stdout == "[2024, 2025]\n")
        #expect(run.report.status == .exception)
        #expect(exception.blockedImport == "os")
        #expect(exception.type == "SecurityViolation")
        #expect(exception.name == "os")
        #expect(exception.message == "import of 'os' is not allowed at security level 'strict'")
        #expect(exception.frames.map(\.lineNumber) == [5])
        #expect(run.report.completedStatements == 4)
        #expect(run.stderr.hasSuffix("SecurityViolation: import of 'os' is not allowed at security level 'strict'\n"))

        let direct = try Harness.run("m = __import__('subprocess.run')\n", allowedModules: Self.strict)
        #expect(direct.report.exception?.blockedImport == "subprocess")

        let caught = try Harness.run(
            "try:\n    import socket\nexcept ImportError as e:\n    print('fallback', e.name)\n", allowedModules: Self.strict
        )
        #expect(caught.report.status == .ok)
        #expect(caught.stdout == "fallback socket\n")

        let open = try Harness.run("import os\nprint(os.sep)\n", allowedModules: nil)
        #expect(open.report.status == .ok)
        #expect(open.stdout == "/\n")
    }

    @Test func warningsAreCapturedAndPrinted() throws {
        let code = """
            import warnings
            warnings.warn('careful')
            def old():
                warnings.warn('old api', DeprecationWarning, stacklevel=2)
            old()
            """
        let run = try Harness.run(code, allowedModules: Self.strict)
        #expect(run.report.status == .ok)
        #expect(
            run.report.warnings == [
                WarningRecord(category: "UserWarning", message: "careful", lineNumber: 2),
                WarningRecord(category: "DeprecationWarning", message: "old api", lineNumber: 5),
            ]
        )
        #expect(run.stderr.contains("<string>:2: UserWarning: careful\n"))
        #expect(run.stderr.contains("<string>:5: DeprecationWarning: old api\n"))
    }

    @Test func valuesStayBoundedAndCheap() throws {
        let code = """
            big = 'x' * (10 * 1024 * 1024)
            nums = list(range(10**6))
            table = {i: str(i) for i in range(10**5)}
            class Bad:
                def __repr__(self):
                    raise RuntimeError('no repr')
            class Endless:
                def __repr__(self):
                    while True:
                        pass
            bad = Bad()
            endless = Endless()
            mixed = [1, Bad(), None]
            huge = 10 ** 5000
            small = 'héllo'
            exact = 2 ** 53
            inexact = 2 ** 53 + 1
            nan = float('nan')
            nums
            """
        let started = Date()
        let run = try Harness.run(code, maxValueChars: 200)
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(run.report.status == .ok)
        #expect(run.reportBytes.count < 16 * 1024)
        let variables = run.report.variables
        let big = try #require(variables["big"]?.stringValue)
        #expect(big.count <= 200)
        #expect(big.hasPrefix("'xxxx"))
        #expect(big.hasSuffix("…"))
        let nums = try #require(variables["nums"]?.stringValue)
        #expect(nums.hasPrefix("[0, 1, 2, 3"))
        #expect(nums.count <= 200)
        #expect((variables["table"]?.stringValue?.count ?? 1000) <= 200)
        #expect(variables["bad"] == .string("<unrepresentable Bad object>"))
        #expect(variables["endless"] == .string("<repr timed out>"))
        #expect(variables["mixed"] == .string("[1, <unrepresentable Bad object>, None]"))
        #expect(variables["huge"] == .string("<int with 5001 digits>"))
        #expect(variables["small"] == .string("héllo"))
        #expect(variables["exact"] == .int(1 << 53))
        #expect(variables["inexact"] == .string("9007199254740993"))
        #expect(variables["nan"] == .string("nan"))
        #expect(variables["Bad"] == .string("<class Bad>"))
        #expect(run.report.returnValue?.stringValue?.hasPrefix("[0, 1, 2") == true)
    }

    @Test func tracingRecordsTheExecutionPath() throws {
        let code = "total = 0\nfor i in range(2):\n    total += i\ntotal\n"
        let traced = try Harness.run(code, trace: true)
        #expect(traced.report.executionPath == ["line 1", "line 2", "line 3", "line 2", "line 3", "line 2", "line 4"])
        #expect(traced.report.returnValue == .int(1))
        #expect(try Harness.run(code).report.executionPath == nil)
    }

    @Test func timeoutSignalReportsTheLineBeingExecuted() throws {
        let code = "print('started', flush=True)\nn = 0\nwhile True:\n    n += 1\n"
        let run = try Harness.run(code, signalAfter: 0.5)
        #expect(run.report.status == .timeout)
        #expect(run.exitStatus == 124)
        #expect(run.report.exitCode == 124)
        #expect(run.report.lastLine == 3 || run.report.lastLine == 4)
        #expect(run.report.completedStatements == 2)
        #expect(run.report.totalStatements == 3)
        #expect(run.stdout == "started\n")
        #expect(run.report.variables["n"] != nil)
    }

    @Test func stdinIsTheUsersInput() throws {
        let run = try Harness.run("name = input()\nprint('hi', name)\n", stdin: "Ada\n")
        #expect(run.stdout == "hi Ada\n")
        #expect(run.report.variables["name"] == .string("Ada"))
    }

    @Test func statementsAreCountedLikeTheScriptReadsThem() throws {
        let code = """
            \"\"\"Module docstring.\"\"\"
            from __future__ import annotations
            import functools

            @functools.lru_cache
            def square(n: int) -> int:
                return n * n

            class Point:
                x: Point | None = None

            'a bare string is not the docstring'
            result = [square(i) for i in range(3)]
            print(__name__, __doc__, Point.__annotations__)
            """
        let run = try Harness.run(code, allowedModules: Self.strict)
        #expect(run.report.status == .ok)
        #expect(run.stdout == "__main__ Module docstring. {'x': 'Point | None'}\n")
        #expect(run.report.statementLines == [[1, 1], [2, 2], [3, 3], [5, 7], [9, 10], [12, 12], [13, 13], [14, 14]])
        #expect(run.report.totalStatements == 8)
        #expect(run.report.variables["result"] == .string("[0, 1, 4]"))
        #expect(run.report.variables["annotations"] == nil)
    }

    @Test func hostileButBenignCodeStillYieldsAReport() throws {
        let code = """
            import sys, io, builtins
            print('visible')
            sys.stdout = io.StringIO()
            def hook(kind, value, tb):
                sys.__stderr__.write('custom hook: ' + kind.__name__ + '\\n')
            sys.excepthook = hook
            del builtins.len
            builtins.__import__ = None
            sys.setrecursionlimit(50)
            raise ValueError('still reported')
            """
        let run = try Harness.run(code, allowedModules: ["sys", "io", "builtins"])
        let exception = try #require(run.report.exception)
        #expect(run.stdout == "visible\n")
        #expect(run.stderr == "custom hook: ValueError\n")
        #expect(exception.type == "ValueError")
        #expect(exception.fullTraceback.hasPrefix("Traceback (most recent call last):\n  File \"<string>\", line 10"))
        #expect(run.report.variables["hook"] == .string("<function hook>"))

        let interrupt = try Harness.run("x = 1\nraise KeyboardInterrupt('stop')\n")
        #expect(interrupt.report.status == .exception)
        #expect(interrupt.report.exception?.type == "KeyboardInterrupt")
    }

    /// Strange exceptions still give a report the decoder accepts, bounded in size.
    @Test(arguments: [
        "E = type('', (Exception,), {})\nraise E('anonymous class')\n",
        "raise SyntaxError('custom', ('<string>', -5, -3, 'x', 0, -9))\n",
        "raise ValueError('m' * (10 * 1024 * 1024))\n",
        "raise KeyError('k' * (10 * 1024 * 1024))\n",
        "class Loud(Exception):\n    def __str__(self):\n        while True:\n            pass\nraise Loud()\n",
        "error = None\nfor i in range(200):\n    try:\n        raise ValueError(i) from error\n    except ValueError as e:\n        error = e\nraise error\n",
        "raise ExceptionGroup('many', [ValueError(i) for i in range(5000)])\n",
        "class Wide:\n    pass\nw = Wide()\nfor i in range(10000):\n    setattr(w, f'a{i}', i)\nw.missing\n",
        "def f(n):\n    return f(n + 1) if n < 5000 else 1 / 0\nimport sys\nsys.setrecursionlimit(20000)\nf(0)\n",
    ])
    func oddExceptionsStillGiveBoundedReports(code: String) throws {
        let run = try Harness.run(code, detail: .full, allowedModules: ["sys"])
        #expect(run.report.status == .exception)
        #expect(run.reportBytes.count < HarnessReportDecoder.maxReportBytes)
        let exception = try #require(run.report.exception)
        #expect(!exception.type.isEmpty)
        #expect(exception.message.count <= 4000)
        #expect(exception.frames.count <= 200)
        #expect((exception.chain?.count ?? 0) <= 20)
        #expect((exception.groupMembers?.count ?? 0) <= 50)
        #expect((exception.objectAttributes?.count ?? 0) <= 200)
    }

    @Test func jobAndReportDescriptorsAreNotVisibleAsThreeAndFour() throws {
        // The harness reads fd 4 and moves the report pipe to a close-on-exec descriptor
        // before the user's code runs, so the user's first open() gets fd 3.
        let code = """
            import os
            def is_open(fd):
                try:
                    os.fstat(fd)
                    return True
                except OSError:
                    return False
            print(is_open(3), is_open(4))
            """
        let run = try Harness.run(code, allowedModules: nil)
        #expect(run.report.status == .ok)
        #expect(run.stdout == "False False\n")
    }
}

import Foundation

/// Runs benign reference programs under plain CPython on the host, to obtain the facts a
/// result must match (never hostile code: that runs only inside the sandbox).
enum ReferencePython {
    static let path = "/usr/bin/python3"

    /// The traceback text CPython's `traceback` module prints for `code` compiled as
    /// `<string>` with its source in linecache, without the caller's own frame.
    static func traceback(for code: String) throws -> String {
        let program = """
            import linecache, sys, traceback
            code = sys.stdin.read()
            linecache.cache["<string>"] = (len(code), None, code.splitlines(True), "<string>")
            try:
                exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
            except BaseException as error:
                tb = error.__traceback__
                if not isinstance(error, SyntaxError):
                    tb = tb.tb_next
                sys.stdout.write("".join(traceback.format_exception(type(error), error, tb)))
            """
        return try run(program, stdin: code)
    }

    static func run(_ program: String, stdin: String) throws -> String {
        try runProgram(path, ["-I", "-S", "-c", program], stdin: stdin, mergeStandardError: false).output
    }
}

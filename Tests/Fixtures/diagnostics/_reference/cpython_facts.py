# Runs one benign script under plain CPython the way Warden's harness presents it, and writes
# the facts a result must match as JSON to the file named by argv[1]. The script's own
# stdout/stderr go to this process's stdout/stderr, as they would for `python3 script.py`.
#
# - source compiled as "<string>", registered in linecache newline-terminated (as the harness
#   does: split on \n, \r\n and \r only);
# - the code runs as __main__, exec'd from this module's top level (the recursion depth the
#   harness reproduces), a final bare expression evaluated as the return value;
# - an escaping exception is printed to stderr as CPython's excepthook would print it, without
#   this program's frame; SystemExit follows CPython's exit rules.
import ast
import json
import linecache
import sys
import traceback
import warnings

out_path = sys.argv[1]
code = sys.stdin.read()
lines = code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
if lines and lines[-1] == "":
    lines.pop()
linecache.cache["<string>"] = (len(code), None, [line + "\n" for line in lines], "<string>")

facts = {"outcome": "ok", "exit_code": 0, "warnings": []}
_show = warnings.showwarning


def _innermost_user_line(frame):
    while frame is not None:
        if frame.f_code.co_filename == "<string>":
            return frame.f_lineno
        frame = frame.f_back
    return None


def _record(message, category, filename, lineno, file=None, line=None):
    where = lineno if filename == "<string>" else _innermost_user_line(sys._getframe(1))
    facts["warnings"].append({"category": category.__name__, "message": str(message), "line_number": where})
    return _show(message, category, filename, lineno, file, line)


warnings.showwarning = _record


def _scalar(value):
    """The value as the harness renders it, when that is a plain JSON scalar or a short repr."""
    kind = type(value)
    if value is None or kind is bool:
        return value
    if kind is int and -(2**53) <= value <= 2**53:
        return value
    if kind is float and value == value and value not in (float("inf"), float("-inf")):
        return value
    if kind is str:
        return value if len(value) <= 200 else None
    if kind in (list, tuple, dict, set) and len(value) <= 20:
        text = repr(value)
        return text if len(text) <= 200 else None
    return None


def _qualified(kind):
    module = kind.__module__
    if module in ("builtins", "__main__"):
        return kind.__qualname__
    return module + "." + kind.__qualname__


def _message(error):
    try:
        return str(error)
    except BaseException:
        return "<exception str() failed>"


namespace = {"__name__": "__main__"}
phase = "compile"
body = []
value = None
has_value = False
try:
    whole = compile(code, "<string>", "exec")
    body = ast.parse(code).body
    phase = "run"
    if body and type(body[-1]) is ast.Expr:
        head = compile(ast.Module(body[:-1], []), "<string>", "exec")
        last = compile(ast.Expression(body[-1].value), "<string>", "eval")
        exec(head, namespace)
        value = eval(last, namespace)
        has_value = True
    else:
        exec(whole, namespace)
except SystemExit as error:
    code_value = error.code
    if code_value is None:
        facts["exit_code"] = 0
    elif type(code_value) is int:
        facts["exit_code"] = code_value
    else:
        sys.stdout.flush()
        sys.stderr.write(str(code_value) + "\n")
        facts["exit_code"] = 1
    facts["outcome"] = "ok" if facts["exit_code"] == 0 else "exit"
except BaseException as error:
    facts["outcome"] = "syntax_error" if phase == "compile" else "exception"
    facts["exit_code"] = 1
    facts["type"] = type(error).__name__
    facts["qualified_type"] = _qualified(type(error))
    if phase == "compile":
        tb = None
        facts["message"] = error.msg if isinstance(error, SyntaxError) else _message(error)
        facts["line_number"] = getattr(error, "lineno", None)
        facts["offset"] = getattr(error, "offset", None)
    else:
        tb = error.__traceback__.tb_next
        facts["message"] = _message(error)
        user = []
        entry = tb
        while entry is not None:
            if entry.tb_frame.f_code.co_filename == "<string>":
                user.append(entry.tb_lineno)
            entry = entry.tb_next
        facts["line_number"] = user[-1] if user else None
        module_line = user[0] if user else None
        facts["completed_statements"] = sum(1 for node in body if module_line and node.end_lineno < module_line)
    text = "".join(traceback.format_exception(type(error), error, tb))
    facts["full_traceback"] = text
    sys.stdout.flush()
    sys.stderr.write(text)
facts["total_statements"] = len(body)
if has_value and facts["outcome"] == "ok":
    facts["return_value"] = _scalar(value)
    facts["has_return_value"] = _scalar(value) is not None or value is None
facts["variables"] = {
    name: _scalar(item)
    for name, item in namespace.items()
    if not name.startswith("__") and (item is None or _scalar(item) is not None)
}
sys.stdout.flush()
sys.stderr.flush()
with open(out_path, "w", encoding="utf-8") as out:
    json.dump(facts, out, ensure_ascii=False)

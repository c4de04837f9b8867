# Warden harness: the in-worker half of one execution.
#
# Started by the supervisor as `/usr/bin/python3 -I -S -B harness.py` inside an already
# confined process, cwd = a private work directory, with these descriptors:
#   0 stdin for the user's code, 1 / 2 the user's stdout / stderr (pipes),
#   3 the report pipe (write end): exactly one JSON document is written there, then closed,
#   4 the job (a memfd, file or pipe): {"code", "detail", "trace", "security_level",
#     "allowed_modules", "max_value_chars", "files", "stdin", "rlimits", "seccomp_fd"},
#   5 (when the job names it as "seccomp_fd") the stage-2 seccomp program: raw
#     `struct sock_filter` bytes, loaded with prctl before the user's code runs.
# The report's keys are those of `HarnessReport` in Sources/WardenProtocol/HarnessReport.swift.
#
# This file collects facts; it explains nothing (WardenDiagnostics does). It runs on every
# execution, so the success path imports only built-in modules plus `warnings`; `traceback`
# and `linecache` are imported when an exception has to be formatted.
#
# The user's code runs in this process and can reach anything here. The supervisor treats the
# report as hostile and measures exit status, signals, time and memory itself; the harness
# only tries hard to keep producing an honest report when ordinary code misbehaves (replaced
# sys.stdout, deleted builtins, custom __import__, BaseException subclasses, ...).

import sys
import posix
import builtins
import _signal
import _ast
import _collections
import warnings as _warnings_module

# The harness resolves built-in names through a private copy, so user code that deletes or
# replaces names in `builtins` cannot break the report. Functions capture this at definition.
__builtins__ = dict(builtins.__dict__)
_BUILTINS_SNAPSHOT = __builtins__

_HARNESS_MODULE = sys.modules.get("__main__")
_HARNESS_FILE = sys._getframe().f_code.co_filename
_USER_FILE = "<string>"
_SYS = sys
_POSIX = posix
_BUILTINS = builtins
_BUILTINS_NAMES = tuple(builtins.__dict__)
_ORIG_IMPORT = builtins.__import__
_ORIG_SHOWWARNING = _warnings_module.showwarning
_getframe = sys._getframe
_settrace = sys.settrace
_setprofile = sys.setprofile
_getrecursionlimit = sys.getrecursionlimit
_setrecursionlimit = sys.setrecursionlimit
_MODULES = sys.modules
_MODULES_SNAPSHOT = dict(sys.modules)
_PATH_SNAPSHOT = list(sys.path)
_META_PATH_SNAPSHOT = list(sys.meta_path)
_PATH_HOOKS_SNAPSHOT = list(sys.path_hooks)
_STDOUT = sys.stdout
_STDERR = sys.stderr
_ORIG_EXCEPTHOOK = sys.__excepthook__
_RECURSION_LIMIT = sys.getrecursionlimit()
_ModuleType = type(sys)
_FunctionType = type(lambda: None)
_INF = float("inf")

_MAX_VARIABLES = 200
_MAX_LOCALS = 100
_MAX_FRAMES = 200
_MAX_NAMES_IN_SCOPE = 500
_MAX_ATTRIBUTES = 200
_MAX_WARNINGS = 100
_MAX_CHAIN = 20
_MAX_GROUP_MEMBERS = 50
_MAX_MESSAGE_CHARS = 4000
_MAX_LINE_CHARS = 1000
_MAX_TRACEBACK_CHARS = 200_000
_MAX_STATEMENT_LINES = 50_000
_MAX_TRACE_ENTRIES = 1000
_MAX_REPORT_BYTES = (4 << 20) - (64 << 10)
_VALUE_CHAR_BUDGET = 800_000
_REPR_SECONDS = 0.2  # total for all the user-code reprs of one report
_REPR_CALL_SECONDS = 0.05  # for any one of them (a pandas DataFrame repr takes ~10 ms)
_TIMEOUT_REPR_SECONDS = 0.03
_FORMAT_SECONDS = 0.5

_EXIT_OK = 0
_EXIT_FAILURE = 1
_EXIT_TIMEOUT = 124
_EXIT_HARNESS_ERROR = 70

# --- mutable state (module globals of the harness, never the user's namespace) --------------

_report_fd = -1
_phase = "setup"  # "setup" → "running" → "reporting"
_written = False
_code = ""
_code_lines = []
_detail = "standard"
_trace = False
_security_level = "strict"
_allowed = None  # frozenset of top-level module names, or None for "any"
_max_chars = 1000
_files = {}
_seccomp_program = None  # bytes of the stage-2 filter, read from the job's seccomp_fd
_total = 0
_completed = 0
_statement_lines = []
_ns = None
_warnings = []
_path = None
_linecache_pending = True
_importlib_pending = False
_value_budget = _VALUE_CHAR_BUDGET
_repr_left = 0.0


class _ReprTimeout(BaseException):
    """Raised by the SIGALRM handler while a user __repr__ runs past its budget."""


class SecurityViolation(ModuleNotFoundError):
    """An import the security level does not allow (the harness's friendly refusal)."""


SecurityViolation.__module__ = "builtins"

_TIMED_OUT = "<repr timed out>"


# --- small helpers ------------------------------------------------------------------------------


def _write_fd(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = _POSIX.write(fd, view)
        except InterruptedError:
            continue
        except OSError:
            return False
        view = view[n:]
    return True


def _utf8(text):
    try:
        return text.encode("utf-8")
    except UnicodeError:
        return text.encode("utf-8", "replace")


def _clip(text, limit):
    if len(text) > limit:
        return text[: max(limit - 1, 0)] + "…"
    return text


def _flush_streams():
    seen = []
    for stream in (_SYS.stdout, _STDOUT, _SYS.stderr, _STDERR):
        if stream is None or any(stream is s for s in seen):
            continue
        seen.append(stream)
        try:
            stream.flush()
        except BaseException:
            pass


def _write_stderr(text):
    stream = _SYS.stderr
    if stream is not None:
        try:
            stream.write(text)
            stream.flush()
            return
        except BaseException:
            pass
    _write_fd(2, text.encode("utf-8", "backslashreplace"))


def _type_name(t):
    try:
        name = type.__dict__["__name__"].__get__(t)
        if type(name) is str:
            return name or "<anonymous>"
    except BaseException:
        pass
    return "object"


def _qualified_name(t):
    try:
        qual = type.__dict__["__qualname__"].__get__(t)
        if type(qual) is not str or not qual:
            qual = _type_name(t)
        module = t.__module__
        if type(module) is str and module not in ("builtins", "__main__"):
            return module + "." + qual
        return qual
    except BaseException:
        return _type_name(t)


def _split_lines(code):
    # The compiler's notion of lines: \n, \r\n and \r only (str.splitlines also splits on
    # \f, \v, \x1c.. and U+2028, which would shift every later line number).
    lines = code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line + "\n" for line in lines]


def _source_line(filename, lineno):
    if type(lineno) is not int or lineno < 1:
        return None
    if filename == _USER_FILE:
        if lineno <= len(_code_lines):
            return _code_lines[lineno - 1]
        return None
    linecache = _MODULES.get("linecache")
    if linecache is None:
        return None
    try:
        line = linecache.getline(filename, lineno)
    except BaseException:
        return None
    return line if type(line) is str and line else None


def _column(line, byte_offset):
    """A CPython 0-based UTF-8 byte offset on `line` → a 1-based character column."""
    if type(byte_offset) is not int or byte_offset < 0:
        return None
    if line is None:
        return byte_offset + 1
    try:
        return len(line.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1
    except BaseException:
        return byte_offset + 1


# --- bounded values -----------------------------------------------------------------------------


def _on_alarm(signum, frame):
    raise _ReprTimeout()


def _arm_repr_budget(seconds):
    global _repr_left
    _repr_left = seconds
    try:
        _signal.signal(_signal.SIGALRM, _on_alarm)
    except BaseException:
        _repr_left = 0.0


_FAILED = object()


def _guarded(function, argument, seconds=_REPR_CALL_SECONDS):
    """Call user-reachable code under a SIGALRM budget: at most `seconds`, and at most what
    is left of the report's total. Never raises."""
    global _repr_left
    allowed = min(seconds, _repr_left)
    if allowed <= 0.0005:
        return _TIMED_OUT
    try:
        try:
            _signal.setitimer(_signal.ITIMER_REAL, allowed)
            result = function(argument)
        finally:
            _repr_left -= allowed - _signal.setitimer(_signal.ITIMER_REAL, 0)[0]
    except _ReprTimeout:
        return _TIMED_OUT
    except BaseException:
        return _FAILED
    return result


def _int_repr(value):
    if value.bit_length() > 10_000:
        return "<int with %d digits>" % (int(value.bit_length() * 0.30103) + 1)
    return int.__repr__(value)


_CONTAINERS = (list, tuple, dict, set, frozenset)
_deque = _collections.deque


def _repr_items(items, limit, depth, seen, pairs):
    parts = []
    used = 0
    count = 0
    for item in items:
        if count >= 1000 or used > limit:
            parts.append("...")
            break
        if pairs:
            text = _brepr(item[0], limit - used, depth, seen) + ": " + _brepr(item[1], limit - used, depth, seen)
        else:
            text = _brepr(item, limit - used, depth, seen)
        parts.append(text)
        used += len(text) + 2
        count += 1
    return parts


def _brepr(x, limit, depth=0, seen=None):
    """A bounded repr: cheap for huge builtin containers and strings, guarded for user code."""
    t = type(x)
    if t is str or t is bytes or t is bytearray:
        if len(x) > limit:
            return repr(x[: max(limit, 1)])
        return repr(x)
    if t is int:
        return _int_repr(x)
    if x is None or t is bool or t is float or t is complex:
        return repr(x)
    if limit <= 0:
        return "..."
    base = None
    if t in _CONTAINERS or t is _deque:
        base = t
    else:
        for candidate in _CONTAINERS + (_deque,):
            if issubclass(t, candidate):
                try:
                    if candidate.__len__(x) > 1000:
                        base = candidate
                except BaseException:
                    pass
                break
    if base is None:
        text = _guarded(repr, x)
        if text is _FAILED or type(text) is not str:
            return "<unrepresentable %s object>" % _type_name(t)
        return text
    if seen is None:
        seen = set()
    if depth >= 6 or id(x) in seen:
        inner = "..."
    else:
        seen.add(id(x))
        try:
            if base is dict:
                inner = ", ".join(_repr_items(dict.items(x), limit, depth + 1, seen, True))
            else:
                inner = ", ".join(_repr_items(base.__iter__(x), limit, depth + 1, seen, False))
        except BaseException:
            inner = "..."
        seen.discard(id(x))
    if base is list:
        text = "[" + inner + "]"
    elif base is tuple:
        text = "(" + inner + (",)" if tuple.__len__(x) == 1 else ")")
    elif base is dict:
        text = "{" + inner + "}"
    elif base is set:
        text = "{" + inner + "}" if inner else "set()"
    elif base is frozenset:
        text = "frozenset({" + inner + "})" if inner else "frozenset()"
    else:
        text = "deque([" + inner + "])"
    if t is not base:
        text = _type_name(t) + "(" + text + ")"
    return text


def _value(x):
    """A JSON-safe rendering of a Python value (SPEC §3 "Values")."""
    global _value_budget
    t = type(x)
    if x is None or t is bool:
        return x
    if t is int and -9007199254740992 <= x <= 9007199254740992:
        return x
    if t is float and x == x and x != _INF and x != -_INF:
        return x
    if _value_budget <= 0:
        return "<omitted: report size limit>"
    limit = _max_chars
    if t is str and len(x) <= limit:
        _value_budget -= len(x)
        return x
    if t is _FunctionType:
        text = "<function %s>" % _safe_attr(x, "__qualname__")
    elif issubclass(t, type):
        text = "<class %s>" % _safe_attr(x, "__qualname__")
    else:
        try:
            text = _brepr(x, limit)
        except BaseException:
            text = "<unrepresentable %s object>" % _type_name(t)
    text = _clip(text, limit)
    _value_budget -= len(text)
    return text


def _safe_attr(x, name):
    try:
        value = object.__getattribute__(x, name) if not issubclass(type(x), type) else type.__dict__[name].__get__(x)
        if type(value) is str:
            return _clip(value, 200)
    except BaseException:
        pass
    return "?"


_FUTURE_FEATURE = None  # __future__._Feature, once a `from __future__` import was compiled


def _variables(namespace, limit=_MAX_VARIABLES):
    out = {}
    if type(namespace) is not dict:
        return out
    try:
        items = list(namespace.items())
    except BaseException:
        return out
    for name, value in items:
        if len(out) >= limit:
            break
        if type(name) is not str or name.startswith("__"):
            continue
        kind = type(value)
        if issubclass(kind, _ModuleType) or kind is _FUTURE_FEATURE:
            continue
        out[_clip(name, 200)] = _value(value)
    return out


def _locals_of(frame):
    if frame.f_code.co_name == "<module>" and frame.f_globals is _ns:
        return _variables(_ns)
    try:
        items = list(frame.f_locals.items())
    except BaseException:
        return {}
    out = {}
    for name, value in items:
        if len(out) >= _MAX_LOCALS:
            break
        if type(name) is not str:
            continue
        out[_clip(name, 200)] = _value(value)
    return out


# --- JSON without importing `json` (which pulls in `re`): the C accelerator directly ------------


def _json_codec():
    try:
        import _json

        class _Context:
            strict = True
            object_hook = None
            object_pairs_hook = None
            parse_float = float
            parse_int = int
            parse_constant = float

        scanner = _json.make_scanner(_Context())
        encoder = _json.make_encoder(None, None, _json.encode_basestring, None, ":", ",", False, False, False)

        def loads(text):
            start = 0
            end = len(text)
            while start < end and text[start] in " \t\r\n":
                start += 1
            try:
                value, stop = scanner(text, start)
            except StopIteration:
                raise ValueError("the job is not valid JSON") from None
            while stop < end and text[stop] in " \t\r\n":
                stop += 1
            if stop != end:
                raise ValueError("extra data after the job's JSON")
            return value

        def dumps(value):
            return "".join(encoder(value, 0))

        return loads, dumps
    except (ImportError, AttributeError, TypeError):
        import json

        def dumps(value):
            return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))

        return json.loads, dumps


_json_loads, _json_dumps = _json_codec()


# --- the report -----------------------------------------------------------------------------------


def _base_report(status):
    lines = _statement_lines
    if len(lines) > _MAX_STATEMENT_LINES:
        lines = lines[:_MAX_STATEMENT_LINES]
    return {
        "version": 1,
        "status": status,
        "return_value": None,
        "variables": {},
        "total_statements": _total,
        "completed_statements": _completed,
        "statement_lines": lines,
        "exception": None,
        "exit_code": None,
        "last_line": None,
        "warnings": list(_warnings),
        "execution_path": ["line %d" % n for n in _path if type(n) is int] if _path is not None else None,
    }


def _shrink(report):
    """Make an oversized report fit: drop values first, then trim the traceback."""
    report["variables"] = {}
    report["return_value"] = None if report.get("return_value") is None else "<omitted: report size limit>"
    exception = report.get("exception")
    if exception:
        for frame in exception.get("frames") or []:
            frame["locals"] = None
        exception["names_in_scope"] = None
        exception["object_attributes"] = None
        text = exception.get("full_traceback") or ""
        if len(text) > 20_000:
            exception["full_traceback"] = text[:5_000] + "\n…\n" + text[-15_000:]
        frames = exception.get("frames") or []
        if len(frames) > 40:
            exception["frames"] = frames[:10] + frames[-30:]
    report["statement_lines"] = report["statement_lines"][:1000]


def _emit(report):
    global _written
    if _written:
        return
    _written = True
    data = None
    try:
        data = _encode(report)
    except MemoryError:
        # The code holds memory up to the limit (and may have caught MemoryError to stay
        # there). The report already has the bounded values it needs: let the user's objects
        # go, and try again.
        _release_user_memory()
        try:
            data = _encode(report)
        except BaseException as error:
            data = _last_resort(report, error)
    except BaseException as error:
        data = _last_resort(report, error)
    if _report_fd >= 0:
        _write_fd(_report_fd, data)
        try:
            _POSIX.close(_report_fd)
        except OSError:
            pass


def _encode(report):
    data = _utf8(_json_dumps(report))
    if len(data) > _MAX_REPORT_BYTES:
        _shrink(report)
        data = _utf8(_json_dumps(report))
    return data


def _release_user_memory():
    try:
        if type(_ns) is dict:
            dict.clear(_ns)
    except BaseException:
        pass


def _last_resort(report, error):
    """The smallest report that still says what happened: the status, exit code and the
    exception's type and message when there was one (else a HarnessError naming why)."""
    exception = None
    try:
        original = report.get("exception") if type(report) is dict else None
        if type(original) is dict and type(original.get("type")) is str:
            exception = {
                "type": original["type"],
                "qualified_type": original.get("qualified_type") or original["type"],
                "message": _clip(original.get("message") or "", 1000),
                "frames": [],
                "full_traceback": _clip(original.get("full_traceback") or "", 20_000),
            }
        head = {
            "version": 1, "status": report.get("status", "exception"), "variables": {},
            "total_statements": report.get("total_statements", 0),
            "completed_statements": report.get("completed_statements", 0),
            "statement_lines": [], "warnings": [], "exit_code": report.get("exit_code"),
        }
        if exception is not None:
            head["exception"] = exception
        return _utf8(_json_dumps(head))
    except BaseException:
        pass
    return _utf8(
        '{"version":1,"status":"exception","variables":{},"total_statements":0,'
        '"completed_statements":0,"statement_lines":[],"warnings":[],"exception":'
        + _json_dumps(
            {
                "type": "HarnessError",
                "qualified_type": "HarnessError",
                "message": "the harness could not encode its report: %s" % _type_name(type(error)),
                "frames": [],
                "full_traceback": "",
            }
        )
        + "}"
    )


# --- warnings -------------------------------------------------------------------------------------


def _innermost_user_line(frame):
    while frame is not None:
        code = frame.f_code
        if code.co_filename == _USER_FILE:
            line = frame.f_lineno
            return line if type(line) is int and line > 0 else None
        frame = frame.f_back
    return None


def _showwarning(message, category, filename, lineno, file=None, line=None):
    try:
        if len(_warnings) < _MAX_WARNINGS:
            if filename == _USER_FILE and type(lineno) is int and lineno > 0:
                where = lineno
            else:
                where = _innermost_user_line(_getframe(1))
            try:
                text = str(message)
            except BaseException:
                text = "<warning str() failed>"
            if type(text) is not str:
                text = "<warning>"
            name = _type_name(category) if issubclass(type(category), type) else "Warning"
            _warnings.append({"category": name, "message": _clip(text, _MAX_MESSAGE_CHARS), "line_number": where})
            if _live:
                _send_live("warning", name, _clip(text, _MAX_MESSAGE_CHARS), where)
    except BaseException:
        pass
    if line is None and filename == _USER_FILE:
        line = _source_line(filename, lineno) or ""  # spares importing linecache
    return _ORIG_SHOWWARNING(message, category, filename, lineno, file, line)


# --- streaming: live warnings and pre-run checks ------------------------------------------------
# With "stream": true in the job, warnings and the findings of the pre-run check go to the report
# pipe as they happen, each as 0x1E + one JSON object + "\n", ahead of the final report (which
# never starts with 0x1E). The supervisor turns them into `warning` events.

_live = False
_live_sent = 0


def _configure_streaming(job):
    global _live
    _live = type(job) is dict and job.get("stream") is True


def _send_live(kind, category, message, line):
    global _live_sent
    if _live_sent >= _MAX_WARNINGS or _report_fd < 0:
        return
    _live_sent += 1
    try:
        # One record stays under the supervisor's 8 KiB bound (LiveRecords.maxRecordBytes),
        # whatever the characters and their escapes; it keeps 100 and 2,000 characters anyway.
        category = _clip(category, 100) if type(category) is str else None
        message = _clip(message, 2000)
        while True:
            data = _utf8(_json_dumps({"kind": kind, "category": category, "message": message, "line": line}))
            if len(data) <= 8000 or not message:
                break
            message = message[: len(message) // 2]
        _write_fd(_report_fd, b"\x1e" + data + b"\n")
    except BaseException:
        pass


def _loads_and_stores(node, loads, stores):
    """Names `node` reads and binds when it runs now: the bodies of functions, lambdas and
    classes run later (only their decorators, defaults and bases count), comprehension
    variables are their own."""
    stack = [node]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is _ast.Name:
            if type(item.ctx) is _ast.Load:
                loads.append((item.id, item.lineno))
            elif type(item.ctx) is _ast.Store:
                stores.add(item.id)
            continue
        if kind is _ast.FunctionDef or kind is _ast.AsyncFunctionDef or kind is _ast.Lambda:
            if kind is not _ast.Lambda:
                stores.add(item.name)
                stack.extend(item.decorator_list)
            stack.extend(item.args.defaults)
            stack.extend([default for default in item.args.kw_defaults if default is not None])
            continue
        if kind is _ast.ClassDef:
            stores.add(item.name)
            stack.extend(item.decorator_list)
            stack.extend(item.bases)
            stack.extend([keyword.value for keyword in item.keywords])
            continue
        if kind is _ast.Import or kind is _ast.ImportFrom:
            for alias in item.names:
                if alias.name != "*":
                    stores.add(alias.asname or alias.name.split(".")[0])
            continue
        if kind is _ast.ListComp or kind is _ast.SetComp or kind is _ast.GeneratorExp or kind is _ast.DictComp:
            inner_loads = []
            inner_stores = set()
            for field in item._fields:
                value = getattr(item, field, None)
                for child in value if type(value) is list else [value]:
                    if isinstance(child, _ast.AST):
                        _loads_and_stores(child, inner_loads, inner_stores)
            loads.extend([entry for entry in inner_loads if entry[0] not in inner_stores])
            continue
        name = getattr(item, "name", None)
        if type(name) is str and (kind is _ast.ExceptHandler or kind.__name__.startswith("Match")):
            stores.add(name)
        for field in item._fields:
            value = getattr(item, field, None)
            if type(value) is list:
                stack.extend([child for child in value if isinstance(child, _ast.AST)])
            elif isinstance(value, _ast.AST):
                stack.append(value)


def _prerun_checks(code):
    """Pre-run check (streaming only): a top-level statement that reads a module name which no
    earlier top-level statement binds but a later one does ("used before it is assigned").
    Conservative: a binding anywhere in an earlier statement (even a branch) counts, and a
    compound statement's own bindings count for its reads."""
    try:
        body = compile(code, _USER_FILE, "exec", _ast.PyCF_ONLY_AST, True).body
        statements = []
        for node in body:
            loads = []
            stores = set()
            if type(node) is _ast.Assign or type(node) is _ast.AnnAssign or type(node) is _ast.AugAssign:
                # The value is evaluated before the targets are bound.
                if node.value is not None:
                    _loads_and_stores(node.value, loads, set())
                targets = node.targets if type(node) is _ast.Assign else [node.target]
                for target in targets:
                    if type(node) is _ast.AugAssign and type(target) is _ast.Name:
                        loads.append((target.id, target.lineno))
                    _loads_and_stores(target, loads, stores)
                own = set()
            else:
                _loads_and_stores(node, loads, stores)
                own = stores
            statements.append((node.lineno, loads, stores, own))
        first_binding = {}
        for line, _, stores, _ in statements:
            for name in stores:
                first_binding.setdefault(name, line)
        bound = set()
        reported = set()
        for line, loads, stores, own in statements:
            for name, where in loads:
                if name in bound or name in own or name in reported or name.startswith("__"):
                    continue
                later = first_binding.get(name)
                if later is not None and later > line and not hasattr(_BUILTINS, name):
                    reported.add(name)
                    _send_live(
                        "check", "UseBeforeAssignment",
                        "name '%s' is used on line %d before it is assigned (on line %d)" % (name, where, later),
                        where,
                    )
            bound.update(stores)
    except BaseException:
        pass


# --- imports: policy and linecache registration ------------------------------------------------


def _register_linecache(linecache=None):
    global _linecache_pending
    if linecache is None:
        linecache = _MODULES.get("linecache")
    try:
        linecache.cache[_USER_FILE] = (len(_code), None, list(_code_lines), _USER_FILE)
        _linecache_pending = False
    except BaseException:
        pass


def _blocked(name):
    error = SecurityViolation(
        "import of '%s' is not allowed at security level '%s'" % (name, _security_level), name=name
    )
    return error


def _exists(top):
    """Whether a top-level module can be found at all (the interpreter's own finders, as they
    were at start-up; nothing is imported). An import the policy refuses is reported as
    refused only when the module exists: a module that exists nowhere gets CPython's own
    ModuleNotFoundError (an import error, not a security one). In doubt: it exists."""
    if top in _MODULES:
        return True
    for finder in _META_PATH_SNAPSHOT:
        try:
            if finder.find_spec(top, None) is not None:
                return True
        except BaseException:
            return True
    return False


def _import_hook(name, globals=None, locals=None, fromlist=(), level=0):
    # Only imports written in the user's own code are checked. C code importing on its own
    # behalf (PyImport_Import: `time.strptime` importing `_strptime`) passes an empty *list*
    # as fromlist; the import statement passes None or a tuple, a direct call () by default.
    if _allowed is not None and level == 0 and issubclass(type(name), str):
        if not (type(fromlist) is list and not fromlist):
            try:
                caller = _getframe(1)
            except ValueError:
                caller = None
            if caller is not None and caller.f_code.co_filename == _USER_FILE:
                top = str.partition(name, ".")[0]
                if top not in _allowed and _exists(top):
                    raise _blocked(top)
    module = _ORIG_IMPORT(name, globals, locals, fromlist, level)
    if _linecache_pending and "linecache" in _MODULES:
        _register_linecache()
    if _importlib_pending and "importlib" in _MODULES:
        _patch_importlib()
    return module


def _patch_importlib():
    global _importlib_pending
    _importlib_pending = False
    try:
        importlib = _MODULES["importlib"]
        original = importlib.import_module
    except BaseException:
        return

    def import_module(name, package=None):
        caller = _getframe(1)
        if caller.f_code.co_filename == _USER_FILE and issubclass(type(name), str) and not name.startswith("."):
            top = str.partition(name, ".")[0]
            if top not in _allowed and _exists(top):
                raise _blocked(top)
        return original(name, package)

    import_module.__doc__ = original.__doc__
    import_module.__module__ = "importlib"
    try:
        importlib.import_module = import_module
    except BaseException:
        pass


# --- tracing --------------------------------------------------------------------------------------


def _trace_global(frame, event, arg):
    if frame.f_code.co_filename == _USER_FILE:
        return _trace_local
    return None


def _trace_local(frame, event, arg):
    if event == "line":
        _path.append(frame.f_lineno)
    return _trace_local


# --- timeout ---------------------------------------------------------------------------------------


def _on_timeout(signum, frame):
    global _phase
    if _phase == "reporting" or _written:
        return
    _phase = "reporting"
    try:
        _settrace(None)
    except BaseException:
        pass
    report = None
    try:
        report = _base_report("timeout")
        report["last_line"] = _innermost_user_line(frame)
        report["exit_code"] = _EXIT_TIMEOUT
        _arm_repr_budget(_TIMEOUT_REPR_SECONDS)
        if _ns is not None:
            report["variables"] = _variables(_ns)
    except BaseException:
        pass
    _flush_streams()
    if report is not None:
        _emit(report)
    _POSIX._exit(_EXIT_TIMEOUT)


# --- exceptions ------------------------------------------------------------------------------------


def _walk_exceptions(error, visit, seen=None, depth=0):
    """Call visit(e) for `error`, its cause/context chain and group members, once each."""
    if seen is None:
        seen = set()
    stack = [(error, 0)]
    while stack:
        current, level = stack.pop()
        if current is None or id(current) in seen or level > 100 or len(seen) > 1000:
            continue
        if not issubclass(type(current), BaseException):
            continue
        seen.add(id(current))
        visit(current)
        stack.append((current.__cause__, level + 1))
        stack.append((current.__context__, level + 1))
        if issubclass(type(current), BaseExceptionGroup):
            try:
                members = tuple(BaseExceptionGroup.__dict__["exceptions"].__get__(current))
            except BaseException:
                members = ()
            for member in members:
                stack.append((member, level + 1))


def _strip_harness_frames(error):
    tb = error.__traceback__
    kept = []
    changed = False
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _HARNESS_FILE:
            changed = True
        else:
            kept.append(tb)
        tb = tb.tb_next
    if not changed:
        return
    for index, entry in enumerate(kept):
        entry.tb_next = kept[index + 1] if index + 1 < len(kept) else None
    error.__traceback__ = kept[0] if kept else None


def _code_position(code, lasti):
    if type(lasti) is not int or lasti < 0:
        return (None, None, None, None)
    index = lasti // 2
    try:
        for position in code.co_positions():
            if index == 0:
                return position
            index -= 1
    except BaseException:
        pass
    return (None, None, None, None)


def _tb_entries(error):
    entries = []
    tb = error.__traceback__
    while tb is not None and len(entries) < 100_000:
        entries.append(tb)
        tb = tb.tb_next
    return entries


def _user_line_of(error):
    line = None
    for tb in _tb_entries(error):
        if tb.tb_frame.f_code.co_filename == _USER_FILE:
            candidate = tb.tb_lineno
            if type(candidate) is int and candidate > 0:
                line = candidate
    return line


def _message_of(error):
    text = _guarded(str, error)
    if text is _TIMED_OUT:
        return "<exception str() timed out>"
    if text is _FAILED or type(text) is not str:
        return "<exception str() failed>"
    return _clip(text, _MAX_MESSAGE_CHARS)


def _frame_facts(tb, with_locals):
    frame = tb.tb_frame
    code = frame.f_code
    filename = code.co_filename
    lineno = tb.tb_lineno
    if type(lineno) is not int or lineno < 1:
        lineno = max(code.co_firstlineno, 1)
    start, end_line, col, end_col = _code_position(code, tb.tb_lasti)
    line = _source_line(filename, lineno)
    end_text = line if end_line in (None, lineno) else _source_line(filename, end_line)
    facts = {
        "filename": _clip(filename if type(filename) is str else "?", 1000),
        "line_number": lineno,
        "end_line_number": end_line if type(end_line) is int and end_line >= lineno else None,
        "column": _column(line, col),
        "end_column": _column(end_text, end_col),
        "function_name": _clip(code.co_name, 200),
        "code_line": _clip(line.strip(), _MAX_LINE_CHARS) if line is not None else None,
        "locals": _locals_of(frame) if with_locals else None,
    }
    return facts


def _format_traceback(error):
    def run(argument):
        import traceback

        return "".join(traceback.format_exception(argument))

    saved = _repr_left
    _arm_repr_budget(_FORMAT_SECONDS)
    try:
        text = _guarded(run, error, _FORMAT_SECONDS)
    finally:
        _set_repr_left(saved)
    if type(text) is not str or text is _TIMED_OUT:
        text = "%s: %s\n" % (_qualified_name(type(error)), _message_of(error))
    if len(text) > _MAX_TRACEBACK_CHARS:
        head = _MAX_TRACEBACK_CHARS // 4
        text = text[:head] + "\n…\n" + text[-(_MAX_TRACEBACK_CHARS - head):]
    return text


def _set_repr_left(seconds):
    global _repr_left
    _repr_left = seconds


def _ensure_linecache():
    try:
        import linecache
    except BaseException:
        return
    _register_linecache(linecache)


def _syntax_facts(error):
    def as_int(value, smallest):
        return value if type(value) is int and value >= smallest else None

    text = getattr(error, "text", None)
    msg = getattr(error, "msg", None)
    line = as_int(getattr(error, "lineno", None), 1)
    end_line = as_int(getattr(error, "end_lineno", None), 1)
    return {
        "line_number": line,
        "offset": as_int(getattr(error, "offset", None), 0),
        "end_line_number": end_line if line is None or end_line is None or end_line >= line else None,
        "end_offset": as_int(getattr(error, "end_offset", None), 0),
        "text": _clip(text, _MAX_LINE_CHARS) if type(text) is str else None,
        "msg": _clip(msg, _MAX_MESSAGE_CHARS) if type(msg) is str else _message_of(error),
    }


def _exception_object(error, message, text):
    return {
        "type": _clip(_type_name(type(error)), 200),
        "qualified_type": _clip(_qualified_name(type(error)), 400),
        "message": message,
        "frames": [],
        "full_traceback": text,
        "name": None,
        "object_type": None,
        "object_attributes": None,
        "key": None,
        "names_in_scope": None,
        "syntax": None,
        "chain": None,
        "group_members": None,
        "blocked_import": None,
        "errno_name": None,
        "filename": None,
    }


def _exception_facts(error):
    """The `exception` object of the report, for an exception that escaped the user's code."""
    _ensure_linecache()
    try:
        _walk_exceptions(error, _strip_harness_frames)
    except BaseException:
        pass
    error_type = type(error)
    facts = _exception_object(error, _message_of(error), _format_traceback(error))
    entries = _tb_entries(error)
    innermost_user = None
    for index, tb in enumerate(entries):
        if tb.tb_frame.f_code.co_filename == _USER_FILE:
            innermost_user = index
    if len(entries) > _MAX_FRAMES:
        keep = list(range(50)) + list(range(len(entries) - (_MAX_FRAMES - 50), len(entries)))
    else:
        keep = range(len(entries))
    frames = []
    for index in keep:
        with_locals = _detail == "full" or (_detail == "standard" and index == innermost_user)
        try:
            frames.append(_frame_facts(entries[index], with_locals))
        except BaseException:
            pass
    facts["frames"] = frames
    for step in (_name_facts, _scope_facts, _syntax_step, _chain_facts, _os_facts):
        try:
            step(error, facts, entries, innermost_user)
        except BaseException:
            pass
    if issubclass(error_type, SecurityViolation):
        facts["blocked_import"] = facts["name"]
    return facts


def _name_facts(error, facts, entries, innermost_user):
    if issubclass(type(error), (NameError, AttributeError, ImportError)):
        name = error.name
        if type(name) is str:
            facts["name"] = _clip(name, 200)
    if issubclass(type(error), AttributeError) and facts["name"] is not None:
        target = error.obj
        facts["object_type"] = _clip(_type_name(type(target)), 200)
        names = _guarded(dir, target)
        if type(names) is list:
            public = sorted(n for n in names if type(n) is str and not (n.startswith("__") and n.endswith("__")))
            facts["object_attributes"] = [_clip(n, 200) for n in public[:_MAX_ATTRIBUTES]]
    if issubclass(type(error), KeyError):
        args = BaseException.__dict__["args"].__get__(error)
        if args:
            text = _guarded(repr, args[0])
            if type(text) is str and text is not _TIMED_OUT:
                facts["key"] = _clip(text, _max_chars)
            elif text is _TIMED_OUT:
                facts["key"] = _TIMED_OUT


def _scope_facts(error, facts, entries, innermost_user):
    names = []
    seen = set()

    def add(candidates):
        for name in candidates:
            if len(names) >= _MAX_NAMES_IN_SCOPE:
                return
            if type(name) is str and len(name) <= 100 and name not in seen and not name.startswith("__"):
                seen.add(name)
                names.append(name)

    if innermost_user is not None:
        frame = entries[innermost_user].tb_frame
        if frame.f_globals is not _ns or frame.f_code.co_name != "<module>":
            try:
                add(list(frame.f_locals))
            except BaseException:
                pass
    if type(_ns) is dict:
        add(list(_ns))
        user_builtins = _ns.get("__builtins__")
        if issubclass(type(user_builtins), _ModuleType):
            user_builtins = user_builtins.__dict__
        if type(user_builtins) is dict:
            add(list(user_builtins))
    add(_BUILTINS_NAMES)
    facts["names_in_scope"] = names


def _syntax_step(error, facts, entries, innermost_user):
    if issubclass(type(error), SyntaxError):
        facts["syntax"] = _syntax_facts(error)


def _link(error, relation):
    return {
        "type": _clip(_type_name(type(error)), 200),
        "message": _clip(_message_of(error), 1000),
        "relation": relation,
        "line_number": _user_line_of(error),
    }


def _chain_facts(error, facts, entries, innermost_user):
    chain = []
    seen = {id(error)}
    current = error
    while len(chain) < _MAX_CHAIN:
        cause = current.__cause__
        if cause is not None:
            relation, following = "cause", cause
        elif current.__context__ is not None and not current.__suppress_context__:
            relation, following = "context", current.__context__
        else:
            break
        if id(following) in seen:
            break
        seen.add(id(following))
        chain.append(_link(following, relation))
        current = following
    if chain:
        chain.reverse()  # root cause first, in the order a traceback prints them
        facts["chain"] = chain
    if issubclass(type(error), BaseExceptionGroup):
        members = []
        _leaves(error, members, 0, set())
        facts["group_members"] = [_link(member, "member") for member in members]


def _leaves(group, out, depth, seen):
    if id(group) in seen:
        return
    seen.add(id(group))
    for member in tuple(BaseExceptionGroup.__dict__["exceptions"].__get__(group)):
        if len(out) >= _MAX_GROUP_MEMBERS:
            return
        if issubclass(type(member), BaseExceptionGroup) and depth < 10:
            _leaves(member, out, depth + 1, seen)
        elif issubclass(type(member), BaseException):
            out.append(member)


def _os_facts(error, facts, entries, innermost_user):
    if not issubclass(type(error), OSError):
        return
    import errno

    number = error.errno
    if type(number) is int:
        name = errno.errorcode.get(number)
        if type(name) is str:
            facts["errno_name"] = name
    filename = error.filename
    if type(filename) is str:
        facts["filename"] = _clip(filename, 1000)
    elif type(filename) is bytes:
        facts["filename"] = _clip(filename.decode("utf-8", "replace"), 1000)
    elif type(filename) is int:
        facts["filename"] = str(filename)


def _print_exception(error, text):
    """What CPython's excepthook would print for `error`, on the user's current sys.stderr."""
    hook = getattr(_SYS, "excepthook", None)
    if hook is not None and hook is not _ORIG_EXCEPTHOOK:
        try:
            hook(type(error), error, error.__traceback__)
            return
        except BaseException:
            pass
    _write_stderr(text)


def _syntax_error_facts(error):
    def run(argument):
        import traceback

        return "".join(traceback.format_exception_only(type(argument), argument))

    _arm_repr_budget(_FORMAT_SECONDS)
    text = _guarded(run, error, _FORMAT_SECONDS)
    _arm_repr_budget(_REPR_SECONDS)
    if type(text) is not str or text is _TIMED_OUT:
        text = "%s: %s\n" % (_qualified_name(type(error)), _message_of(error))
    facts = _exception_object(error, None, _clip(text, _MAX_TRACEBACK_CHARS))
    if issubclass(type(error), SyntaxError):
        facts["syntax"] = _syntax_facts(error)
        facts["message"] = facts["syntax"]["msg"]
    else:
        message = _message_of(error)
        facts["message"] = message
        facts["syntax"] = {
            "line_number": None, "offset": None, "end_line_number": None,
            "end_offset": None, "text": None, "msg": message,
        }
    return facts, text


# --- compiling ---------------------------------------------------------------------------------------


def _is_docstring(node):
    return (
        type(node) is _ast.Expr
        and type(node.value) is _ast.Constant
        and type(node.value.value) is str
    )


def _compile(code):
    """Parse and compile every top-level statement up front. Raises what compile() raises."""
    global _total, _statement_lines, _FUTURE_FEATURE
    tree = compile(code, _USER_FILE, "exec", _ast.PyCF_ONLY_AST, True)
    body = tree.body
    # `from __future__` statements at the head of the module apply to every later statement.
    flags = 0
    index = 1 if body and _is_docstring(body[0]) else 0
    while index < len(body) and type(body[index]) is _ast.ImportFrom and body[index].module == "__future__":
        import __future__

        _FUTURE_FEATURE = __future__._Feature

        for alias in body[index].names:
            feature = getattr(__future__, alias.name, None)
            flags |= getattr(feature, "compiler_flag", 0)
        index += 1
    # Statements whose validity depends on the rest of the module get a whole-module check.
    whole_module_check = False
    for position, node in enumerate(body):
        kind = type(node)
        if kind is _ast.Global or kind is _ast.Nonlocal:
            whole_module_check = True
        elif kind is _ast.ImportFrom and node.module == "__future__" and position >= index:
            whole_module_check = True
    codes = []
    failure = None
    last = len(body) - 1
    for position, node in enumerate(body):
        try:
            if position == last and type(node) is _ast.Expr:
                codes.append((compile(_ast.Expression(node.value), _USER_FILE, "eval", flags, True), True))
            else:
                if position > 0 and _is_docstring(node):
                    # A later bare string is a no-op; compiled alone it would become __doc__.
                    node = _ast.Pass(
                        lineno=node.lineno, col_offset=node.col_offset,
                        end_lineno=node.end_lineno, end_col_offset=node.end_col_offset,
                    )
                codes.append((compile(_ast.Module([node], []), _USER_FILE, "exec", flags, True), False))
        except SyntaxError as error:
            failure = error
            break
    if failure is not None or whole_module_check:
        # The whole module decides which error CPython reports first (and catches the rare
        # statement that is only invalid in context). Its warnings were already shown.
        with _warnings_module.catch_warnings():
            _warnings_module.simplefilter("ignore")
            try:
                compile(tree, _USER_FILE, "exec", 0, True)
            except SyntaxError as error:
                failure = error
        if failure is not None:
            raise failure
    lines = []
    for node in body:
        first = node.lineno
        for decorator in getattr(node, "decorator_list", ()) or ():
            if decorator.lineno < first:
                first = decorator.lineno
        lines.append([first, max(node.end_lineno or first, first)])
    _total = len(body)
    _statement_lines = lines
    return codes


# --- running -------------------------------------------------------------------------------------


class _Outcome:
    __slots__ = ("value", "has_value", "error")

    def __init__(self):
        self.value = None
        self.has_value = False
        self.error = None


def _run(codes, namespace, outcome):
    global _completed
    # The user's frames sit below the harness's; lift the recursion limit by that depth so a
    # RecursionError (and its "[Previous line repeated N more times]") matches a plain exec()
    # of the code from a module's top level.
    depth = 0
    frame = _getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    try:
        _setrecursionlimit(_getrecursionlimit() + depth - 1)
    except BaseException:
        pass
    for code, is_expression in codes:
        if is_expression:
            outcome.value = eval(code, namespace)
            outcome.has_value = True
        else:
            exec(code, namespace)
        _completed += 1


def _read_all(fd):
    """Everything in a memfd or file from offset 0 (the writer need not rewind), or a pipe."""
    chunks = []
    offset = 0
    try:
        while True:
            chunk = _POSIX.pread(fd, 1 << 20, offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
    except OSError:
        if offset:
            raise
        chunks = []
        while True:
            chunk = _POSIX.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _read_job():
    return _json_loads(_read_all(4).decode("utf-8"))


def _prewarm():
    """A pre-started worker waits for its job on a pipe: import now what the error path and the
    stage-2 load would import later, so that none of it is paid while the request waits."""
    for name in ("traceback", "linecache", "_ctypes", "json", "_json", "resource"):
        try:
            __import__(name)
        except BaseException:
            pass


def _apply_rlimits(limits):
    """The request's limits, applied to this process before anything of the request runs.

    The worker was started (possibly ahead of its request) with the server's maxima as hard
    limits; lowering soft and hard limits needs no privilege, and the user's code can never
    raise them again. CPU time already spent starting up is added to the CPU budget."""
    import resource

    if type(limits) is not dict:
        raise ValueError("the job's rlimits are not an object")
    names = {
        "address_space": resource.RLIMIT_AS, "processes": resource.RLIMIT_NPROC,
        "file_size": resource.RLIMIT_FSIZE, "open_files": resource.RLIMIT_NOFILE,
    }
    for key, value in limits.items():
        if type(value) is not int or value < 0:
            raise ValueError("the job's rlimit %r is not a count" % (key,))
        if key == "cpu_seconds":
            usage = resource.getrusage(resource.RUSAGE_SELF)
            soft = value + int(usage.ru_utime + usage.ru_stime + 0.999)
            _, hard = resource.getrlimit(resource.RLIMIT_CPU)
            new_hard = soft + 1 if hard == resource.RLIM_INFINITY else min(soft + 1, hard)
            resource.setrlimit(resource.RLIMIT_CPU, (min(soft, new_hard), new_hard))
        elif key in names:
            _, hard = resource.getrlimit(names[key])
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(names[key], (value, value))
        else:
            raise ValueError("the job names an unknown rlimit %r" % (key,))


def _install_stdin(text):
    """The job's stdin becomes descriptor 0 (a sealed-size memfd read from the start)."""
    data = text.encode("utf-8", "surrogateescape")
    fd = _POSIX.memfd_create("warden-stdin", _POSIX.MFD_CLOEXEC)
    try:
        _write_fd_or_raise(fd, data)
        _POSIX.lseek(fd, 0, 0)
        _POSIX.dup2(fd, 0)
    finally:
        _POSIX.close(fd)


def _claim_report_fd():
    """Move the report pipe off fd 3 to a high, close-on-exec descriptor."""
    fd = _POSIX.dup(3)  # non-inheritable (PEP 446)
    for target in (1023, 255, 63):
        if target <= fd:
            continue
        try:
            _POSIX.fstat(target)
            continue  # in use
        except OSError:
            pass
        try:
            _POSIX.dup2(fd, target, inheritable=False)
        except OSError:
            continue
        _POSIX.close(fd)
        fd = target
        break
    _POSIX.close(3)
    return fd


def _configure(job):
    global _code, _code_lines, _detail, _trace, _security_level, _allowed, _max_chars, _files, _seccomp_program
    if type(job) is not dict or type(job.get("code")) is not str:
        raise ValueError("the job has no code")
    _code = job["code"]
    _code_lines = _split_lines(_code)
    detail = job.get("detail")
    _detail = detail if detail in ("summary", "standard", "full") else "standard"
    _trace = job.get("trace") is True
    level = job.get("security_level")
    _security_level = _clip(level, 40) if type(level) is str else "strict"
    allowed = job.get("allowed_modules")
    if type(allowed) is list:
        _allowed = frozenset([name for name in allowed if type(name) is str] + ["__future__", "__main__"])
    else:
        _allowed = None
    chars = job.get("max_value_chars")
    if type(chars) is int:
        _max_chars = min(max(chars, 16), 100_000)
    files = job.get("files")
    if files is not None:
        if type(files) is not dict:
            raise ValueError("the job's files are not an object")
        for name, content in files.items():
            if type(content) is not str or not _safe_relative_name(name):
                raise ValueError("the job names an unsafe file: %r" % (name,))
        _files = files
    limits = job.get("rlimits")
    if limits is not None:
        _apply_rlimits(limits)
    stdin = job.get("stdin")
    if stdin is not None:
        if type(stdin) is not str:
            raise ValueError("the job's stdin is not a string")
        _install_stdin(stdin)
    network = job.get("network")
    if network is not None:
        _install_network_policy(network)
    seccomp_fd = job.get("seccomp_fd")
    if seccomp_fd is not None:
        if type(seccomp_fd) is not int or seccomp_fd < 0:
            raise ValueError("the job's seccomp_fd is not a descriptor")
        try:
            if seccomp_fd == 5 and _PREPARED_PROGRAM is not None:
                _seccomp_program = _PREPARED_PROGRAM[0]  # the zygote read this very fd 5
            else:
                _seccomp_program = _read_all(seccomp_fd)
        finally:
            _POSIX.close(seccomp_fd)
        count, remainder = divmod(len(_seccomp_program), 8)
        if remainder or not 0 < count <= 4096:
            raise ValueError("the stage-2 seccomp program has %d bytes" % len(_seccomp_program))


# --- network grants (user space: the kernel lets every address through once granted) -------------

def _install_network_policy(patterns):
    """With a `network:` grant the worker shares the host's network and its seccomp filter
    allows every socket family, so the kernel would let any address through: this audit hook
    refuses connect, sendto and bind to endpoints that no grant names. User space only: code
    that bypasses the interpreter (ctypes) is not stopped by it (docs/security.md)."""
    if type(patterns) is not list or len(patterns) > 64:
        raise ValueError("the job's network grants are not a list")
    parsed = []
    for pattern in patterns:
        if type(pattern) is not str or not 0 < len(pattern) <= 300:
            raise ValueError("the job names an invalid network grant")
        if pattern.startswith("["):
            host, _, rest = pattern[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else ""
        else:
            host, _, port = pattern.partition(":")
        parsed.append((host.lower(), int(port) if port not in ("", "*") else None))
    import _socket

    _SYS.addaudithook(_network_audit(_socket, tuple(parsed)))


def _network_audit(_socket, granted):
    """The hook keeps its state in its closure, out of reach of module globals that user code
    could find through a frame."""
    inet = (_socket.AF_INET, _socket.AF_INET6)
    looked_up = []  # names the code resolved (for `*.domain` patterns), bounded
    resolved = {}  # pattern or name -> frozenset of addresses

    def addresses_of(name):
        known = resolved.get(name)
        if known is None:
            try:
                known = frozenset(info[4][0] for info in _socket.getaddrinfo(name, None))
            except BaseException:
                known = frozenset()
            if len(resolved) < 256:
                resolved[name] = known
        return known

    def allowed(host, port):
        host = str.lower(host)
        for pattern, granted_port in granted:
            if granted_port is not None and granted_port != port:
                continue
            if pattern == "*" or pattern == host:
                return True
            if pattern.startswith("*."):
                for name in looked_up:
                    if name.endswith(pattern[1:]) and host in addresses_of(name):
                        return True
            elif host in addresses_of(pattern):
                return True
        return False

    def hook(event, args):
        if event == "socket.getaddrinfo":
            name = args[0]
            if type(name) is bytes:
                name = name.decode("ascii", "replace")
            if type(name) is str and len(looked_up) < 64 and name not in looked_up:
                looked_up.append(str.lower(name))
            return
        if event not in ("socket.connect", "socket.sendto", "socket.bind"):
            return
        sock, address = args[0], args[-1]
        if getattr(sock, "family", None) not in inet or type(address) is not tuple or len(address) < 2:
            return
        host, port = address[0], address[1]
        if type(host) is not str or type(port) is not int or allowed(host, port):
            return
        allowing = ", ".join("network:%s%s" % ("[%s]" % h if ":" in h else h, "" if p is None else ":%d" % p)
                            for h, p in granted)
        raise PermissionError(
            13, "network access to %s:%d is not granted (the request's grants allow: %s)" % (host, port, allowing)
        )

    return hook


def _safe_relative_name(name):
    if type(name) is not str or not name or name.startswith("/") or "\0" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _write_files():
    """The request's files, created in the working directory before the code runs."""
    flags = _POSIX.O_WRONLY | _POSIX.O_CREAT | _POSIX.O_TRUNC | _POSIX.O_NOFOLLOW | _POSIX.O_CLOEXEC
    for name, content in _files.items():
        parts = name.split("/")
        for depth in range(1, len(parts)):
            try:
                _POSIX.mkdir("/".join(parts[:depth]), 0o755)
            except FileExistsError:
                pass
        fd = _POSIX.open(name, flags, 0o644)
        try:
            _write_fd_or_raise(fd, content.encode("utf-8", "surrogateescape"))
        finally:
            _POSIX.close(fd)


def _write_fd_or_raise(fd, data):
    view = memoryview(data)
    while view:
        try:
            view = view[_POSIX.write(fd, view):]
        except InterruptedError:
            continue


class _SeccompUnavailable(Exception):
    pass


_PRCTL = None  # (prctl, get_errno, make_program), built once (a zygote builds it before forking)
_REHEARSE = False  # a zygote worker's fork command asked for `_rehearse`
_PREPARED_PROGRAM = None  # (bytes, make_program's result): stage 2 built before the job arrives


def _prepare_stage2():
    """In a zygote before it freezes: read and build the stage-2 program of fd 5 once. Every
    worker inherits both that descriptor (a sealed memfd: its bytes cannot change) and this
    build, so that neither its job's parsing nor the load of stage 2 reads or builds again."""
    global _PREPARED_PROGRAM
    try:
        program = _read_all(5)
        if _PRCTL is not None and program and len(program) % 8 == 0:
            _PREPARED_PROGRAM = (program, _PRCTL[2](program))
    except BaseException:
        _PREPARED_PROGRAM = None


def _load_seccomp(program):
    """Install `program` (raw struct sock_filter bytes) with prctl(PR_SET_SECCOMP).

    Uses `_ctypes` directly: `import ctypes` costs ~2.5 ms (it imports os, types and
    struct), `_ctypes` ~0.35 ms. Falls back to `ctypes` if the direct route fails."""
    global _PRCTL
    if _PRCTL is None:
        try:
            _PRCTL = _raw_prctl()
        except Exception:
            _PRCTL = _ctypes_prctl()
    prctl, get_errno, make_program = _PRCTL
    prepared = _PREPARED_PROGRAM
    if prepared is not None and prepared[0] == program:
        keep, program_pointer = prepared[1]
    else:
        keep, program_pointer = make_program(program)
    if prctl(38, 1) != 0:  # PR_SET_NO_NEW_PRIVS
        raise _SeccompUnavailable("PR_SET_NO_NEW_PRIVS failed with errno %d" % get_errno())
    if prctl(22, 2, program_pointer) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        raise _SeccompUnavailable("PR_SET_SECCOMP failed with errno %d" % get_errno())
    del keep


def _raw_prctl():
    import _ctypes

    class ULong(_ctypes._SimpleCData):
        _type_ = "L"

    class Int(_ctypes._SimpleCData):
        _type_ = "i"

    class UShort(_ctypes._SimpleCData):
        _type_ = "H"

    class VoidPointer(_ctypes._SimpleCData):
        _type_ = "P"

    class Char(_ctypes._SimpleCData):
        _type_ = "c"

    class Program(_ctypes.Structure):
        _fields_ = [("len", UShort), ("filter", VoidPointer)]

    class Function(_ctypes.CFuncPtr):
        _flags_ = _ctypes.FUNCFLAG_CDECL | _ctypes.FUNCFLAG_USE_ERRNO
        _restype_ = Int

    class Library:
        _handle = _ctypes.dlopen(None, _ctypes.RTLD_LOCAL)

    function = Function(("prctl", Library))

    def prctl(option, argument, pointer=None):
        third = _ctypes.byref(pointer) if pointer is not None else ULong(0)
        return function(Int(option), ULong(argument), third, ULong(0), ULong(0))

    def make_program(program):
        buffer = type("Filter", (_ctypes.Array,), {"_type_": Char, "_length_": len(program)}).from_buffer_copy(program)
        structure = Program(len(program) // 8, _ctypes.addressof(buffer))
        return (buffer, structure), structure

    return prctl, _ctypes.get_errno, make_program


def _ctypes_prctl():
    import ctypes

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    function = ctypes.CDLL(None, use_errno=True).prctl
    function.restype = ctypes.c_int

    def prctl(option, argument, pointer=None):
        third = ctypes.byref(pointer) if pointer is not None else ctypes.c_ulong(0)
        return function(ctypes.c_int(option), ctypes.c_ulong(argument), third, ctypes.c_ulong(0), ctypes.c_ulong(0))

    def make_program(program):
        buffer = ctypes.create_string_buffer(program, len(program))
        structure = Program(len(program) // 8, ctypes.addressof(buffer))
        return (buffer, structure), structure

    return prctl, ctypes.get_errno, make_program


class _Quitter:
    """`exit` and `quit` as `site` defines them (the harness runs with -S, so site does not)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Use %s() or Ctrl-D (i.e. EOF) to exit" % self.name

    def __call__(self, code=None):
        try:
            _SYS.stdin.close()
        except BaseException:
            pass
        raise SystemExit(code)


def _join_threads():
    threading = _MODULES.get("threading")
    if threading is None:
        return
    try:
        main = threading.main_thread()
        for thread in threading.enumerate():
            if thread is not main and not thread.daemon:
                thread.join()
    except BaseException:
        pass


def _rehearse():
    """In a worker forked from a zygote, before its job: go once through what every execution
    does (parse and compile, build and encode a report, make a module) without keeping
    anything. A forked process copies each inherited page the first time it writes to it; these
    copies are better made now than while the request waits (~0.5 ms)."""
    global _code, _code_lines, _detail, _trace, _security_level, _allowed, _value_budget
    saved = (_code, _code_lines, _detail, _trace, _security_level, _allowed)
    budget = _value_budget
    try:
        # The job's parsing and the interpreter check before reporting (which reads every
        # module of the snapshot: ~0.3 ms of copies on first touch). Nothing here is kept: no
        # rlimits, files, stdin or seccomp in the job, and the import hook is put back.
        _configure({"code": "x = 1\n", "detail": "standard", "security_level": "strict",
                    "allowed_modules": list(_MODULES_SNAPSHOT)[:64]})
        _restore_interpreter()
        _BUILTINS.__import__ = _ORIG_IMPORT
    except BaseException:
        pass
    _code, _code_lines, _detail, _trace, _security_level, _allowed = saved
    try:
        tree = compile("x = 1\nprint(x)\n", "<rehearsal>", "exec", _ast.PyCF_ONLY_AST, True)
        for node in tree.body:
            compile(_ast.Module([node], []), "<rehearsal>", "exec", 0, True)
        module = _ModuleType("__rehearsal__")
        exec(compile("y = [1, 2]\n", "<rehearsal>", "exec"), module.__dict__)
        report = _base_report("ok")
        report["variables"] = _variables(module.__dict__)
        _json_loads(_json_dumps(report))
        _json_loads('{"code": "x = 1", "detail": "standard", "rlimits": {"cpu_seconds": 1}}')
    except BaseException:
        pass
    _value_budget = budget


def _main():
    global _report_fd, _phase, _ns, _path, _importlib_pending

    _report_fd = _claim_report_fd()
    if "--warm" in _SYS.argv[1:]:
        _prewarm()
    if "--zygote" in _SYS.argv[1:] and _REHEARSE:
        _rehearse()
    try:
        job = _read_job()
    finally:
        try:
            _POSIX.close(4)
        except OSError:
            pass
    _configure(job)
    _configure_streaming(job)

    # A parent spawning from a thread that blocks signals (libdispatch workers block nearly
    # all) hands its mask down through exec; the timeout and repr timers need theirs, and
    # the user's code should start from a normal, empty mask.
    try:
        _signal.pthread_sigmask(_signal.SIG_SETMASK, [])
    except BaseException:
        pass
    for signal_number in (_signal.SIGUSR2, _signal.SIGXCPU):
        _signal.signal(signal_number, _on_timeout)
    _warnings_module.showwarning = _showwarning
    _SYS.argv[:] = ["-c"]

    # 1. Compile everything before running anything.
    try:
        codes = _compile(_code)
    except BaseException as error:
        _phase = "reporting"
        if not issubclass(type(error), (SyntaxError, ValueError, UnicodeError)):
            # RecursionError or MemoryError while compiling: the code's fault, not a syntax error.
            _arm_repr_budget(_REPR_SECONDS)
            text = "%s: %s\n" % (_qualified_name(type(error)), _message_of(error))
            report = _base_report("exception")
            report["exception"] = _exception_object(error, _message_of(error), text)
            report["exit_code"] = _EXIT_FAILURE
            _flush_streams()
            _write_stderr(text)
            _emit(report)
            return _EXIT_FAILURE
        exception, text = _syntax_error_facts(error)
        report = _base_report("syntax_error")
        report["total_statements"] = 0
        report["completed_statements"] = 0
        report["statement_lines"] = []
        report["exception"] = exception
        report["exit_code"] = _EXIT_FAILURE
        _flush_streams()
        _write_stderr(text)
        _emit(report)
        return _EXIT_FAILURE

    if _live:
        _prerun_checks(_code)

    # 2. The request's files. A failure (a full work directory, the file-size limit) is
    #    reported like the OSError the code would have met.
    try:
        _write_files()
    except OSError as error:
        _phase = "reporting"
        _arm_repr_budget(_REPR_SECONDS)
        text = "%s: %s\n" % (_qualified_name(type(error)), _message_of(error))
        report = _base_report("exception")
        report["exception"] = _exception_object(error, _message_of(error), text)
        try:
            _os_facts(error, report["exception"], [], None)
        except BaseException:
            pass
        report["exit_code"] = _EXIT_FAILURE
        _write_stderr(text)
        _emit(report)
        return _EXIT_FAILURE

    # 3. A fresh __main__ for the user; the harness keeps its own module private.
    module = _ModuleType("__main__")
    namespace = module.__dict__
    namespace["__builtins__"] = _BUILTINS
    for name in ("exit", "quit"):
        if name not in _BUILTINS.__dict__:
            setattr(_BUILTINS, name, _Quitter(name))
    _ns = namespace
    _MODULES["__main__"] = module

    # 4. Import hook (policy + linecache registration), tracing.
    _BUILTINS.__import__ = _import_hook
    if "linecache" in _MODULES:
        _register_linecache()
    if _allowed is not None:
        _importlib_pending = True
        if "importlib" in _MODULES:
            _patch_importlib()
    if _trace:
        _path = _deque(maxlen=_MAX_TRACE_ENTRIES)

    # 5. Stage-2 seccomp, last: failing closed, the code never runs without it (no report, so
    #    the supervisor records a system error).
    if _seccomp_program is not None:
        _load_seccomp(_seccomp_program)

    outcome = _Outcome()
    _phase = "running"
    try:
        if _trace:
            _settrace(_trace_global)
        _run(codes, namespace, outcome)
        _settrace(None)
        # Like interpreter shutdown, wait for non-daemon threads (a timeout still reports).
        _join_threads()
    except BaseException as error:
        outcome.error = error
    _phase = "reporting"
    return _finish(outcome)


def _restore_interpreter():
    """After the user's code: put back what reporting needs (the stdlib modules it imports
    resolve names through the real builtins and sys.modules, which the code may have wrecked)."""
    try:
        _settrace(None)
        _setprofile(None)
    except BaseException:
        pass
    try:
        if _getrecursionlimit() < _RECURSION_LIMIT:
            _setrecursionlimit(_RECURSION_LIMIT)
    except BaseException:
        pass
    try:
        names = _BUILTINS.__dict__
        for name, value in _BUILTINS_SNAPSHOT.items():
            if names.get(name) is not value:
                names[name] = value
        names["__import__"] = _import_hook
    except BaseException:
        pass
    try:
        if _SYS.modules is not _MODULES:
            _SYS.modules = _MODULES
        for name, module in _MODULES_SNAPSHOT.items():
            if name != "__main__" and _MODULES.get(name) is not module:
                _MODULES[name] = module
    except BaseException:
        pass
    for attribute, snapshot in (
        ("path", _PATH_SNAPSHOT), ("meta_path", _META_PATH_SNAPSHOT), ("path_hooks", _PATH_HOOKS_SNAPSHOT),
    ):
        try:
            current = getattr(_SYS, attribute, None)
            if type(current) is not list:
                setattr(_SYS, attribute, list(snapshot))
            elif any(entry not in current for entry in snapshot):
                current[:] = snapshot + [entry for entry in current if entry not in snapshot]
        except BaseException:
            pass


def _finish(outcome):
    _restore_interpreter()
    _arm_repr_budget(_REPR_SECONDS)

    error = outcome.error
    exit_code = _EXIT_OK
    status = "ok"
    reraise = None
    if error is not None and issubclass(type(error), SystemExit):
        code = error.code
        if issubclass(type(code), int):
            code = int.__add__(code, 0)  # a plain int, as CPython's exit handling reads it
        if code is None or code == 0 and type(code) is int:
            status, exit_code = "ok", _EXIT_OK
        elif type(code) is int:
            status = "exit"
            exit_code = code if -(1 << 31) <= code < (1 << 31) else -1
            reraise = code
        else:
            # CPython prints a non-integer code to stderr and exits with 1.
            status, exit_code, reraise = "exit", _EXIT_FAILURE, code
        error = None
    elif error is not None:
        status, exit_code = "exception", _EXIT_FAILURE

    text = None
    try:
        report = _base_report(status)
        report["exit_code"] = exit_code
        if error is not None:
            try:
                report["exception"] = _exception_facts(error)
                text = report["exception"]["full_traceback"]
            except BaseException:
                text = "%s: %s\n" % (_qualified_name(type(error)), _message_of(error))
                report["exception"] = _exception_object(error, _message_of(error), text)
        if outcome.has_value and status == "ok":
            try:
                report["return_value"] = _value(outcome.value)
            except BaseException:
                pass
        try:
            report["variables"] = _variables(_ns)
        except BaseException:
            pass
    except BaseException:
        # Out of memory, most likely: the smallest honest report.
        report = {
            "version": 1, "status": status, "variables": {}, "total_statements": _total,
            "completed_statements": _completed, "statement_lines": [], "warnings": [], "exit_code": exit_code,
        }
        if error is not None:
            name = _type_name(type(error))
            text = text or name + "\n"
            report["exception"] = {
                "type": name, "qualified_type": name, "message": "", "frames": [], "full_traceback": text,
            }
    try:
        _signal.setitimer(_signal.ITIMER_REAL, 0)
    except BaseException:
        pass
    _flush_streams()
    if error is not None:
        _print_exception(error, text)
    _emit(report)
    _flush_streams()
    if reraise is not None:
        raise SystemExit(reraise)
    return exit_code


def _entry():
    try:
        code = _main()
    except SystemExit as exit:
        code = exit.code
    except BaseException as error:
        # A harness fault (or a broken job): no report, so the supervisor records a system error.
        try:
            _write_fd(2, _utf8("warden harness: internal error: %s: %s\n" % (_type_name(type(error)), error)))
        except BaseException:
            pass
        code = _EXIT_HARNESS_ERROR if not _written else _EXIT_FAILURE
    _exit_process(code)


def _exit_process(code):
    """Ends the process as CPython's own exit does — the SystemExit code's status (a code that is
    not an int is printed to stderr, status 1), non-daemon threads joined, atexit handlers run,
    stdout and stderr flushed (status 120 when that fails) — but without finalizing the
    interpreter. Tearing down every module and object costs ~5 ms in a forked worker (each page
    it touches is copied first), and nothing of it is observable: the process, its memory and
    its /work end right after."""
    if code is None:
        status = 0
    elif issubclass(type(code), int):
        code = int.__add__(code, 0)
        status = code if -(1 << 31) <= code < (1 << 31) else -1
    else:
        status = 1
        try:
            _SYS.stderr.write("%s\n" % (code,))
        except BaseException:
            try:
                _write_fd(2, _utf8("%s\n" % (code,)))
            except BaseException:
                pass
    _join_threads()
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (getattr(_SYS, "stdout", None), getattr(_SYS, "stderr", None)):
        try:
            if stream is None or stream.closed:
                continue
        except BaseException:
            continue
        try:
            stream.flush()
        except BaseException as error:
            status = 120
            if stream is getattr(_SYS, "stdout", None):
                try:
                    _write_fd(2, _utf8("Exception ignored in: %r\n%s: %s\n" % (stream, _type_name(type(error)), error)))
                except BaseException:
                    pass
    _POSIX._exit(status & 0xFF)


# --- zygote ---------------------------------------------------------------------------------------
#
# With `--zygote` this process is a zygote, not a worker (docs/zygote.md). It was spawned like a
# worker (new user, PID, mount, network, IPC, UTS and cgroup namespaces, read-only root,
# no_new_privs, a seccomp filter) but keeps its capabilities inside its own user namespace. It
# imports what executions need, freezes its heap, and forks one worker per request of the
# supervisor; it never runs user code. Its descriptors:
#   0, 1 /dev/null, 2 its diagnostics (the supervisor logs them), 5 the stage-2 seccomp program
#   (every worker inherits it as its fd 5), 6 the control socket (SOCK_SEQPACKET), 7 the rules of
#   stage 1 the zygote's own filter lacks, which each worker stacks on it (read once, then closed).
# Control messages are JSON objects. The supervisor sends {"op": "fork", "id", "uid", "gid",
# "work_bytes", "cpu_seconds", "processes", "idle", "rehearse"} with four descriptors (the
# worker's stdout, stderr, report and job pipes): "idle" asks for nice 19 until the
# supervisor takes the worker, "rehearse" for a rehearsal before the job. The
# zygote answers {"op": "ready"} once, {"op": "forked", "id", "pid"} with SCM_CREDENTIALS naming
# the worker (the kernel translates the pid into the supervisor's PID namespace), or
# {"op": "failed", "id", "error"}; and {"op": "exit", "pid", "status", "user_us", "system_us",
# "maxrss_kb"} when one of its workers has ended (wait4).
#
# A forked worker is PID 1 of new PID, mount and IPC namespaces (and network, without Landlock
# scopes or with --netns-per-execution). Before it reads its job it mounts its own /proc and
# its /work tmpfs, drops every capability, takes the execution's uid and gid, enters a Landlock
# domain, and completes stage 1 on top of the zygote's filter; from there on it is exactly a
# warm worker waiting in `_main` for its job on fd 4.

_CLONE_FLAGS = 0x00020000 | 0x08000000 | 0x20000000  # NEWNS, NEWIPC, NEWPID
_CLONE_NEWNET = 0x40000000
_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET = 1
_SIGCHLD = 17
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 2, 4, 8
_ZYGOTE_EXIT_CONFINE = 71


class _ZygoteControl:
    """The zygote's end of its control socket and the libc calls a fork needs."""

    def __init__(self):
        import ctypes
        import socket
        import struct

        self.ctypes = ctypes
        self.socket_module = socket
        self.struct = struct
        self.libc = ctypes.CDLL(None, use_errno=True)
        # A PyDLL keeps the GIL across the call, as os.fork() does around fork().
        self.clone = ctypes.PyDLL(None, use_errno=True).syscall
        self.clone.restype = ctypes.c_long
        self.clone.argtypes = [ctypes.c_long] + [ctypes.c_ulong] * 5
        self.libc.syscall.restype = ctypes.c_long
        self.libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
        self.libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET, 0, 6)
        # --landlock SCOPED,HANDLED_NET: struct landlock_ruleset_attr {fs, net, scoped}.
        self.landlock = None
        if "--landlock" in _SYS.argv:
            scoped, net = (int(part) for part in _SYS.argv[_SYS.argv.index("--landlock") + 1].split(","))
            self.landlock = (ctypes.c_uint64 * 3)(0, net, scoped)
        # Without scoped abstract sockets, each worker needs a network namespace of its own
        # (abstract sockets belong to it); with them, workers share the zygote's empty one.
        self.clone_flags = _CLONE_FLAGS
        if self.landlock is None or not self.landlock[2] & _LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET \
                or "--netns-per-execution" in _SYS.argv:
            self.clone_flags |= _CLONE_NEWNET

    def send(self, message, pid=None):
        data = _json_dumps(message).encode("utf-8")
        if pid is None:
            self.socket.sendmsg([data])
        else:
            credentials = self.struct.pack("iII", pid, 0, 0)
            self.socket.sendmsg([data], [(self.socket_module.SOL_SOCKET, self.socket_module.SCM_CREDENTIALS, credentials)])

    def receive(self):
        """One command and the descriptors that came with it; (None, []) at end of stream."""
        socket = self.socket_module
        data, ancillary, _, _ = self.socket.recvmsg(65536, socket.CMSG_SPACE(16 * 4))
        fds = []
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                usable = len(payload) - len(payload) % 4
                fds += list(self.struct.unpack("%di" % (usable // 4), payload[:usable]))
        if not data:
            return None, fds
        return data, fds

    def check(self, result, step):
        if result != 0:
            error = self.ctypes.get_errno()
            raise OSError(error, "%s: %s" % (step, _POSIX.strerror(error)))


def _zygote_main():
    """Serves fork requests until the supervisor closes the control socket. Returns only in a
    forked worker, confined and ready for `_entry()`."""
    import gc
    import select

    control = _ZygoteControl()
    _zygote_drop_bounding(control)
    stage1 = _read_all(7)
    _POSIX.close(7)
    if len(stage1) % 8 or not 0 < len(stage1) // 8 <= 4096:
        raise ValueError("the stage-1 seccomp program has %d bytes" % len(stage1))
    _prewarm()
    global _PRCTL
    _PRCTL = _raw_prctl()
    _prepare_stage2()
    preload = []
    if "--preload" in _SYS.argv:
        preload = [name for name in _SYS.argv[_SYS.argv.index("--preload") + 1].split(",") if name]
    for name in preload:
        try:
            __import__(name)
        except BaseException as error:
            _write_fd(2, _utf8("warden zygote: could not preload %s: %s\n" % (name, error)))
    _warm_error_path()
    _refresh_snapshots()

    wake_read, wake_write = _POSIX.pipe()
    _POSIX.set_blocking(wake_write, False)
    _signal.signal(_signal.SIGCHLD, lambda number, frame: None)
    _signal.set_wakeup_fd(wake_write)
    gc.collect()
    gc.freeze()
    control.send({"op": "ready"})

    poller = select.poll()
    poller.register(6, select.POLLIN)
    poller.register(wake_read, select.POLLIN)
    while True:
        for fd, _ in poller.poll():
            if fd == wake_read:
                _POSIX.read(wake_read, 512)
                _zygote_reap(control)
                continue
            data, fds = control.receive()
            if data is None:
                _POSIX._exit(0)  # the supervisor is gone; our workers die with us (PID 1 of our namespace)
            try:
                command = _json_loads(data.decode("utf-8"))
                if type(command) is not dict or command.get("op") != "fork":
                    raise ValueError("unknown command")
                request = command.get("id")
                numbers = [command.get(key) for key in ("id", "uid", "gid", "work_bytes", "cpu_seconds", "processes")]
                if any(type(value) is not int or value < 0 for value in numbers) or len(fds) != 4:
                    raise ValueError("malformed fork command")
            except BaseException as error:
                for fd in fds:
                    _POSIX.close(fd)
                control.send({"op": "failed", "id": -1, "error": "%s" % (error,)})
                continue
            if _zygote_fork(control, command, fds, stage1, (wake_read, wake_write)):
                return


def _warm_error_path():
    """In a zygote: format one traceback with its source lines the way reporting does, so that
    what that fills lazily — `ast` (imported for the carets under an expression), the
    regular expressions and caches of `traceback` — is inherited by every worker instead of
    being made again in each failing execution (~1.2 ms)."""
    try:
        import linecache
        import traceback

        name = "<warden-warm-up>"
        source = "a = 1\nb = a / c\n"
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        try:
            exec(compile(source, name, "exec"), {"__builtins__": _BUILTINS})
        except NameError as error:
            "".join(traceback.format_exception(error))
        finally:
            linecache.cache.pop(name, None)
    except BaseException as error:
        _write_fd(2, _utf8("warden zygote: could not warm the error path: %s\n" % (error,)))


def _refresh_snapshots():
    """What was imported at start-up (preloads included) is what reporting restores."""
    global _MODULES_SNAPSHOT, _PATH_SNAPSHOT, _META_PATH_SNAPSHOT, _PATH_HOOKS_SNAPSHOT
    _MODULES_SNAPSHOT = dict(_MODULES)
    _PATH_SNAPSHOT = list(_SYS.path)
    _META_PATH_SNAPSHOT = list(_SYS.meta_path)
    _PATH_HOOKS_SNAPSHOT = list(_SYS.path_hooks)


def _zygote_reap(control):
    while True:
        try:
            pid, status, usage = _POSIX.wait4(-1, _POSIX.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        control.send({
            "op": "exit", "pid": pid, "status": status, "user_us": int(usage.ru_utime * 1e6),
            "system_us": int(usage.ru_stime * 1e6), "maxrss_kb": usage.ru_maxrss,
        })


def _zygote_fork(control, command, fds, stage1, wake):
    """Forks one worker into new namespaces. True in the worker (confined), False in the zygote."""
    api = control.ctypes.pythonapi
    api.PyOS_BeforeFork()
    pid = control.clone(56, control.clone_flags | _SIGCHLD, 0, 0, 0, 0)  # SYS_clone, fork-like: no new stack
    if pid == 0:
        api.PyOS_AfterFork_Child()
        try:
            _zygote_confine(control, command, fds, stage1, wake)
        except BaseException as error:
            try:
                _write_fd(2, _utf8("warden zygote: could not confine the worker: %s\n" % (error,)))
            finally:
                _POSIX._exit(_ZYGOTE_EXIT_CONFINE)
        return True
    error = control.ctypes.get_errno()
    api.PyOS_AfterFork_Parent()
    for fd in fds:
        _POSIX.close(fd)
    if pid < 0:
        control.send({"op": "failed", "id": command["id"], "error": "clone: %s" % _POSIX.strerror(error)})
    else:
        control.send({"op": "forked", "id": command["id"], "pid": pid}, pid=pid)
    return False


def _zygote_confine(control, command, fds, stage1, wake):
    """In the forked worker: everything of the zygote goes, the execution's layer comes."""
    global _REHEARSE
    _REHEARSE = command.get("rehearse") is True
    if command.get("idle") is True:
        # A worker for the pool confines and rehearses at the lowest priority, so that running
        # executions keep the CPU; the supervisor gives it the normal one when a request takes
        # it. Nice 19, not SCHED_IDLE: the mounts below take host-wide locks, and a task
        # holding one must get some CPU however busy the host is.
        try:
            _POSIX.setpriority(_POSIX.PRIO_PROCESS, 0, 19)
        except OSError:
            pass
    libc = control.libc
    control.socket.detach()  # fd 6 closes below; the object must not close a reused number later
    _signal.set_wakeup_fd(-1)
    _signal.signal(_signal.SIGCHLD, _signal.SIG_DFL)
    for target, fd in zip((1, 2, 3, 4), fds):
        _POSIX.dup2(fd, target)
    control.check(libc.syscall(436, 6, 0xFFFFFFFF, 0), "close the zygote's descriptors")  # close_range(6, ~0)
    _POSIX.setsid()
    control.check(libc.mount(b"proc", b"/proc", b"proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, None), "mount /proc")
    options = "size=%d,nr_inodes=65536,mode=0700,uid=%d,gid=%d" % (command["work_bytes"], command["uid"], command["gid"])
    control.check(libc.mount(b"tmpfs", b"/work", b"tmpfs", _MS_NOSUID | _MS_NODEV, options.encode()), "mount /work")
    _POSIX.chdir("/work")
    # The server's maxima as hard limits, as a spawned worker gets them (the zygote itself has
    # none: it lives long and forks all the time); the harness lowers them to the request's.
    import resource

    for limit, value in ((resource.RLIMIT_CPU, command["cpu_seconds"]), (resource.RLIMIT_NPROC, command["processes"])):
        resource.setrlimit(limit, (value, value))
    # The bounding and ambient sets were emptied in the zygote (`_zygote_drop_bounding`) and
    # are inherited as they are.
    if command["uid"] or command["gid"]:
        _POSIX.setresgid(command["gid"], command["gid"], command["gid"])
        _POSIX.setresuid(command["uid"], command["uid"], command["uid"])
    # The uid change made the process non-dumpable (an exec would have reset it): its own
    # /proc files would belong to root. A worker spawned cold is dumpable; so is this one.
    control.check(libc.prctl(4, 1, 0, 0, 0), "make the worker dumpable")  # PR_SET_DUMPABLE
    ctypes = control.ctypes
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    control.check(libc.capset(header, data), "clear every capability set")
    if control.landlock is not None:
        # A domain of its own: abstract sockets and signals reach only this execution. (The
        # zygote was spawned with no_new_privs, which Landlock needs; workers inherit it.)
        ruleset = libc.syscall(444, control.ctypes.byref(control.landlock), 24, 0)  # landlock_create_ruleset
        if ruleset < 0:
            control.check(-1, "create the Landlock ruleset")
        control.check(libc.syscall(446, ruleset, 0), "enter the Landlock domain")  # landlock_restrict_self
        _POSIX.close(ruleset)
    _load_seccomp(stage1)


def _zygote_drop_bounding(control):
    """Empties the zygote's bounding and ambient capability sets; every worker inherits them
    so. (They bound what an exec could gain; the zygote keeps its effective capabilities,
    which it needs to mount and switch uids in each worker, and never execs.)"""
    fd = _POSIX.open("/proc/sys/kernel/cap_last_cap", _POSIX.O_RDONLY)
    try:
        last = int(_POSIX.read(fd, 32))
    finally:
        _POSIX.close(fd)
    for capability in range(last + 1):
        control.check(control.libc.prctl(24, capability, 0, 0, 0), "drop capability %d" % capability)  # PR_CAPBSET_DROP
    control.check(control.libc.prctl(47, 4, 0, 0, 0), "clear the ambient capabilities")  # PR_CAP_AMBIENT_CLEAR_ALL


# Run as a script (the contract). With `--warm` the worker was started ahead of its request:
# it imports what it may need, then blocks on the job pipe (fd 4). With `--zygote` the process
# forks workers (above); `_zygote_main` returns in each of them, which then runs as a worker.
if __name__ == "__main__":
    if "--zygote" in _SYS.argv[1:]:
        _zygote_main()
    _entry()

import WardenProtocol

/// Which top-level modules the harness lets the user's own code import, per security level
/// (SPEC §6). This is the explanation layer; the kernel layers stop the same actions anyway.
public enum ImportPolicy {
    /// Computation-only standard library: no files, processes, network, or introspection
    /// of the interpreter.
    public static let strictModules: [String] = [
        "abc", "array", "base64", "binascii", "bisect", "calendar", "cmath", "collections", "colorsys",
        "contextlib", "copy", "csv", "dataclasses", "datetime", "decimal", "difflib", "enum", "fractions",
        "functools", "graphlib", "hashlib", "heapq", "hmac", "html", "itertools", "json", "keyword",
        "math", "numbers", "operator", "pprint", "random", "re", "reprlib", "secrets", "statistics",
        "string", "struct", "textwrap", "time", "types", "typing", "unicodedata", "uuid", "warnings",
        "zlib", "__future__",
    ]

    /// `strict` plus file work inside the work directory.
    public static let standardModules: [String] = (strictModules + [
        "os", "pathlib", "io", "tempfile", "shutil", "glob", "fnmatch", "gzip", "bz2", "lzma",
        "zipfile", "tarfile", "sqlite3", "pickle", "shelve", "configparser", "filecmp", "stat",
        "codecs", "locale", "errno", "traceback", "linecache", "inspect", "logging", "argparse",
        "signal", "sys", "time", "timeit", "unittest", "doctest", "weakref", "gc",
    ]).sorted()

    /// The modules allowed at a level; nil means any import is allowed.
    public static func allowedModules(for level: SecurityLevel, grants: [String] = []) -> [String]? {
        switch level {
        case .strict: return Array(Set(strictModules + grants)).sorted()
        case .standard: return Array(Set(standardModules + grants)).sorted()
        case .permissive: return nil
        }
    }
}

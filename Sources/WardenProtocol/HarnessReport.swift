/// What the in-worker harness claims about a run, decoded from its report pipe (fd 3).
///
/// Hostile input: user code runs in the same process as the harness and can write anything
/// to that pipe. The supervisor bounds the bytes before decoding, and `WardenDiagnostics`
/// trusts only the kernel's `ProcessObservation` for exit status, signal, time and memory.
/// The JSON keys are snake_case exactly as below; `harness.py` writes them.
public struct HarnessReport: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// The code ran to the end (or called `sys.exit(0)`).
        case ok
        /// An exception escaped the user's code.
        case exception
        /// The code did not compile.
        case syntaxError = "syntax_error"
        /// The supervisor's timeout signal arrived while the code ran.
        case timeout
        /// `sys.exit(n)` with n ≠ 0 (`exit_code` holds n).
        case exit
    }

    public var version: Int
    public var status: Status
    /// Set when the last top-level statement is a bare expression that produced a value.
    public var returnValue: JSONValue?
    /// Module globals at the end (or at the failure): user names only, bounded values.
    public var variables: [String: JSONValue]
    /// Top-level statements in the script (0 when it did not compile).
    public var totalStatements: Int
    /// Top-level statements that finished.
    public var completedStatements: Int
    /// First and last line of every top-level statement, in order: `[[1, 1], [2, 4], …]`.
    public var statementLines: [[Int]]
    public var exception: HarnessException?
    /// `SystemExit` code when status is `exit`.
    public var exitCode: Int?
    /// The line being executed when the timeout signal arrived.
    public var lastLine: Int?
    public var warnings: [WarningRecord]
    /// `execution_path` entries when tracing was asked for ("line 3").
    public var executionPath: [String]?

    public init(
        version: Int = 1, status: Status, returnValue: JSONValue? = nil, variables: [String: JSONValue] = [:],
        totalStatements: Int = 0, completedStatements: Int = 0, statementLines: [[Int]] = [],
        exception: HarnessException? = nil, exitCode: Int? = nil, lastLine: Int? = nil,
        warnings: [WarningRecord] = [], executionPath: [String]? = nil
    ) {
        self.version = version
        self.status = status
        self.returnValue = returnValue
        self.variables = variables
        self.totalStatements = totalStatements
        self.completedStatements = completedStatements
        self.statementLines = statementLines
        self.exception = exception
        self.exitCode = exitCode
        self.lastLine = lastLine
        self.warnings = warnings
        self.executionPath = executionPath
    }

    enum CodingKeys: String, CodingKey {
        case version, status
        case returnValue = "return_value"
        case variables
        case totalStatements = "total_statements"
        case completedStatements = "completed_statements"
        case statementLines = "statement_lines"
        case exception
        case exitCode = "exit_code"
        case lastLine = "last_line"
        case warnings
        case executionPath = "execution_path"
    }
}

/// An exception as the harness saw it. Frames are the user's only (`<string>` and the
/// functions it called), outermost first, as in a printed traceback.
public struct HarnessException: Sendable, Equatable, Codable {
    public var type: String
    public var qualifiedType: String
    public var message: String
    public var frames: [HarnessFrame]
    /// `traceback.format_exception` text, harness frames removed.
    public var fullTraceback: String
    /// `NameError.name`, `AttributeError.name`, `ImportError.name` (the module) where set.
    public var name: String?
    /// For AttributeError: the type name of the object (`'list'`).
    public var objectType: String?
    /// For AttributeError: the object's attribute names, bounded.
    public var objectAttributes: [String]?
    /// For KeyError: the repr of the missing key.
    public var key: String?
    /// Names visible at the failing frame (locals, globals, builtins), bounded, for "did you mean".
    public var namesInScope: [String]?
    /// For SyntaxError and its subclasses.
    public var syntax: SyntaxFacts?
    /// `__cause__` / `__context__` chain, innermost cause first, type and message only.
    public var chain: [ChainedException]?
    /// For ExceptionGroup: the leaf exceptions, type and message only.
    public var groupMembers: [ChainedException]?
    /// Set when the harness's import policy refused an import (`blocked_import`).
    public var blockedImport: String?
    /// For OSError: the errno name (`EACCES`), the filename and the operation where known.
    public var errnoName: String?
    public var filename: String?

    public init(
        type: String, qualifiedType: String, message: String, frames: [HarnessFrame], fullTraceback: String,
        name: String? = nil, objectType: String? = nil, objectAttributes: [String]? = nil, key: String? = nil,
        namesInScope: [String]? = nil, syntax: SyntaxFacts? = nil, chain: [ChainedException]? = nil,
        groupMembers: [ChainedException]? = nil, blockedImport: String? = nil, errnoName: String? = nil,
        filename: String? = nil
    ) {
        self.type = type
        self.qualifiedType = qualifiedType
        self.message = message
        self.frames = frames
        self.fullTraceback = fullTraceback
        self.name = name
        self.objectType = objectType
        self.objectAttributes = objectAttributes
        self.key = key
        self.namesInScope = namesInScope
        self.syntax = syntax
        self.chain = chain
        self.groupMembers = groupMembers
        self.blockedImport = blockedImport
        self.errnoName = errnoName
        self.filename = filename
    }

    enum CodingKeys: String, CodingKey {
        case type
        case qualifiedType = "qualified_type"
        case message, frames
        case fullTraceback = "full_traceback"
        case name
        case objectType = "object_type"
        case objectAttributes = "object_attributes"
        case key
        case namesInScope = "names_in_scope"
        case syntax, chain
        case groupMembers = "group_members"
        case blockedImport = "blocked_import"
        case errnoName = "errno_name"
        case filename
    }
}

/// One traceback frame as the harness saw it. Columns are 1-based (CPython's are 0-based;
/// the harness converts).
public struct HarnessFrame: Sendable, Equatable, Codable {
    public var filename: String
    public var lineNumber: Int
    public var endLineNumber: Int?
    public var column: Int?
    public var endColumn: Int?
    public var functionName: String
    public var codeLine: String?
    public var locals: [String: JSONValue]?

    public init(
        filename: String, lineNumber: Int, endLineNumber: Int? = nil, column: Int? = nil, endColumn: Int? = nil,
        functionName: String, codeLine: String?, locals: [String: JSONValue]? = nil
    ) {
        self.filename = filename
        self.lineNumber = lineNumber
        self.endLineNumber = endLineNumber
        self.column = column
        self.endColumn = endColumn
        self.functionName = functionName
        self.codeLine = codeLine
        self.locals = locals
    }

    enum CodingKeys: String, CodingKey {
        case filename
        case lineNumber = "line_number"
        case endLineNumber = "end_line_number"
        case column
        case endColumn = "end_column"
        case functionName = "function_name"
        case codeLine = "code_line"
        case locals
    }
}

/// A SyntaxError's own facts. `offset` is CPython's 1-based column.
public struct SyntaxFacts: Sendable, Equatable, Codable {
    public var lineNumber: Int?
    public var offset: Int?
    public var endLineNumber: Int?
    public var endOffset: Int?
    public var text: String?
    public var msg: String

    public init(lineNumber: Int?, offset: Int?, endLineNumber: Int? = nil, endOffset: Int? = nil, text: String?, msg: String) {
        self.lineNumber = lineNumber
        self.offset = offset
        self.endLineNumber = endLineNumber
        self.endOffset = endOffset
        self.text = text
        self.msg = msg
    }

    enum CodingKeys: String, CodingKey {
        case lineNumber = "line_number"
        case offset
        case endLineNumber = "end_line_number"
        case endOffset = "end_offset"
        case text, msg
    }
}

/// A link of an exception chain or a member of a group.
public struct ChainedException: Sendable, Equatable, Codable {
    public var type: String
    public var message: String
    /// "cause" (`raise … from …`), "context" (during handling) or "member" (of a group).
    public var relation: String
    public var lineNumber: Int?

    public init(type: String, message: String, relation: String, lineNumber: Int? = nil) {
        self.type = type
        self.message = message
        self.relation = relation
        self.lineNumber = lineNumber
    }

    enum CodingKeys: String, CodingKey {
        case type, message, relation
        case lineNumber = "line_number"
    }
}

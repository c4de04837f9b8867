/// The limits a request asks for; every field is optional and is clamped by the server.
public struct RequestedLimits: Sendable, Equatable, Codable {
    public var timeoutSeconds: Double?
    public var memoryMB: Int?
    public var cpuSeconds: Double?
    public var maxOutputBytes: Int?
    public var maxProcesses: Int?
    public var maxFileBytes: Int?
    public var maxOpenFiles: Int?

    public init(
        timeoutSeconds: Double? = nil, memoryMB: Int? = nil, cpuSeconds: Double? = nil,
        maxOutputBytes: Int? = nil, maxProcesses: Int? = nil, maxFileBytes: Int? = nil,
        maxOpenFiles: Int? = nil
    ) {
        self.timeoutSeconds = timeoutSeconds
        self.memoryMB = memoryMB
        self.cpuSeconds = cpuSeconds
        self.maxOutputBytes = maxOutputBytes
        self.maxProcesses = maxProcesses
        self.maxFileBytes = maxFileBytes
        self.maxOpenFiles = maxOpenFiles
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case timeoutSeconds = "timeout_seconds"
        case memoryMB = "memory_mb"
        case cpuSeconds = "cpu_seconds"
        case maxOutputBytes = "max_output_bytes"
        case maxProcesses = "max_processes"
        case maxFileBytes = "max_file_bytes"
        case maxOpenFiles = "max_open_files"
    }

    /// The wire names of every field, for strict decoding.
    public static let fieldNames: [String] = CodingKeys.allCases.map(\.rawValue)
}

/// The limits an execution actually ran under, echoed in every result.
public struct ExecutionLimits: Sendable, Equatable, Codable {
    public var timeoutSeconds: Double
    public var memoryMB: Int
    public var cpuSeconds: Double
    public var maxOutputBytes: Int
    public var maxProcesses: Int
    public var maxFileBytes: Int
    public var maxOpenFiles: Int

    public init(
        timeoutSeconds: Double, memoryMB: Int, cpuSeconds: Double, maxOutputBytes: Int,
        maxProcesses: Int, maxFileBytes: Int, maxOpenFiles: Int
    ) {
        self.timeoutSeconds = timeoutSeconds
        self.memoryMB = memoryMB
        self.cpuSeconds = cpuSeconds
        self.maxOutputBytes = maxOutputBytes
        self.maxProcesses = maxProcesses
        self.maxFileBytes = maxFileBytes
        self.maxOpenFiles = maxOpenFiles
    }

    public var memoryBytes: Int { memoryMB * 1024 * 1024 }

    enum CodingKeys: String, CodingKey {
        case timeoutSeconds = "timeout_seconds"
        case memoryMB = "memory_mb"
        case cpuSeconds = "cpu_seconds"
        case maxOutputBytes = "max_output_bytes"
        case maxProcesses = "max_processes"
        case maxFileBytes = "max_file_bytes"
        case maxOpenFiles = "max_open_files"
    }
}

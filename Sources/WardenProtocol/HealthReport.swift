/// `GET /v1/health`: liveness, version, and the confinement layers of this host.
public struct HealthReport: Sendable, Equatable, Codable {
    public struct Layer: Sendable, Equatable, Codable {
        public var name: String
        public var active: Bool
        /// Why the layer is not active on this host, or what it does when it is.
        public var detail: String

        public init(name: String, active: Bool, detail: String) {
            self.name = name
            self.active = active
            self.detail = detail
        }
    }

    public var status: String
    public var version: String
    public var uptimeSeconds: Double
    public var python: String
    public var layers: [Layer]

    public init(status: String, version: String, uptimeSeconds: Double, python: String, layers: [Layer]) {
        self.status = status
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.python = python
        self.layers = layers
    }

    enum CodingKeys: String, CodingKey {
        case status, version
        case uptimeSeconds = "uptime_seconds"
        case python, layers
    }
}

/// The daemon's version, reported by `/v1/health` and the CLIs.
public enum WardenVersion {
    public static let current = "0.1.0"
}

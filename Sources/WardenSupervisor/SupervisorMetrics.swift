import CoreMetrics
import Metrics
import WardenProtocol

/// The supervisor's metrics, created once through the factory the daemon passes (Prometheus in
/// `wardend`; nothing is recorded without one). Labels are bounded: category, security level,
/// refusal reason — never an execution id. Names and meanings are in `docs/operations.md`.
public struct SupervisorMetrics: Sendable {
    /// Metric names, shared with the daemon (which sets histogram buckets by name).
    public enum Name {
        public static let executions = "warden_executions_total"
        public static let duration = "warden_execution_duration_seconds"
        public static let queueWait = "warden_queue_wait_seconds"
        public static let peakMemory = "warden_execution_peak_memory_bytes"
        public static let workersBusy = "warden_workers_busy"
        public static let workersIdle = "warden_workers_idle"
        public static let queueDepth = "warden_queue_depth"
        public static let rejections = "warden_rejections_total"
        public static let circuitState = "warden_circuit_state"
        public static let workerStartFailures = "warden_worker_start_failures_total"
        public static let historyWriteFailures = "warden_history_write_failures_total"
        public static let cancelled = "warden_executions_cancelled_total"
        public static let workersTaken = "warden_workers_taken_total"
    }

    /// By `category` (an error category, or `success`) and `security_level`.
    private let executions: [String: Counter]
    let duration: Timer
    let queueWait: Timer
    let peakMemory: Recorder
    let workersBusy: Gauge
    let workersIdle: Gauge
    let queueDepth: Gauge
    private let rejections: [Refusal.Reason: Counter]
    /// 0 closed, 1 half-open, 2 open.
    let circuitState: Gauge
    let workerStartFailures: Counter
    let historyWriteFailures: Counter
    let cancelled: Counter
    /// By `source`: `pool` (a warm worker was waiting) or `on_demand` (the request made one).
    private let workersTaken: [Bool: Counter]

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        var executions: [String: Counter] = [:]
        let categories = ["success"] + ErrorCategory.allCases.map(\.rawValue)
        for category in categories {
            for level in SecurityLevel.allCases {
                executions[category + "/" + level.rawValue] = Counter(
                    label: Name.executions, dimensions: [("category", category), ("security_level", level.rawValue)],
                    factory: factory
                )
            }
        }
        self.executions = executions
        duration = Timer(label: Name.duration, factory: factory)
        queueWait = Timer(label: Name.queueWait, factory: factory)
        peakMemory = Recorder(label: Name.peakMemory, aggregate: true, factory: factory)
        workersBusy = Gauge(label: Name.workersBusy, factory: factory)
        workersIdle = Gauge(label: Name.workersIdle, factory: factory)
        queueDepth = Gauge(label: Name.queueDepth, factory: factory)
        var rejections: [Refusal.Reason: Counter] = [:]
        for reason in [Refusal.Reason.queueFull, .circuitOpen] {
            rejections[reason] = Counter(label: Name.rejections, dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.rejections = rejections
        circuitState = Gauge(label: Name.circuitState, factory: factory)
        workerStartFailures = Counter(label: Name.workerStartFailures, factory: factory)
        historyWriteFailures = Counter(label: Name.historyWriteFailures, factory: factory)
        cancelled = Counter(label: Name.cancelled, factory: factory)
        workersTaken = [
            true: Counter(label: Name.workersTaken, dimensions: [("source", "pool")], factory: factory),
            false: Counter(label: Name.workersTaken, dimensions: [("source", "on_demand")], factory: factory),
        ]
        circuitState.record(0)
    }

    func executionFinished(_ result: ExecutionResult, securityLevel: SecurityLevel) {
        executions[(result.errorCategory?.rawValue ?? "success") + "/" + securityLevel.rawValue]?.increment()
        duration.recordSeconds(result.executionResult.executionTime)
        peakMemory.record(result.executionResult.memoryUsedBytes)
    }

    func workerTaken(fromPool: Bool) {
        workersTaken[fromPool]?.increment()
    }

    func refused(_ refusal: Refusal) {
        rejections[refusal.reason]?.increment()
    }
}

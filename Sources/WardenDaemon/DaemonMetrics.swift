import Prometheus
import WardenSupervisor

/// The daemon's metrics registry and the factory the supervisor records through, with
/// histogram buckets fitted to each metric (seconds for durations, bytes for memory).
enum DaemonMetrics {
    static func make() -> (registry: PrometheusCollectorRegistry, factory: PrometheusMetricsFactory) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let name = SupervisorMetrics.Name.self
        factory.durationHistogramBuckets = [
            name.duration: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300].map(Self.duration),
            name.queueWait: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60].map(Self.duration),
        ]
        let mebibyte = Double(1 << 20)
        factory.valueHistogramBuckets = [
            name.peakMemory: [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096].map { $0 * mebibyte }
        ]
        return (registry, factory)
    }

    private static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64(seconds * 1e9))
    }
}

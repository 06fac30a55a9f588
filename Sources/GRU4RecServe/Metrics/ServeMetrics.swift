import Foundation
import Metrics
import Prometheus

/// The server's metrics, through swift-metrics into its own Prometheus registry
/// (no global bootstrap, so several servers can live in one test process):
///
/// - `gru4rec_http_requests_total{route, method, status}`: requests answered.
/// - `gru4rec_http_request_duration_seconds{route, method}`: latency histogram
///   (buckets from 0.1 ms to 1 s).
/// - `gru4rec_sessions_active`: stateful sessions held.
/// - `gru4rec_model_reloads_total{result}`: reloads, `ok` or `failed`.
/// - `gru4rec_model_generation`: 1 at start, +1 per successful reload.
public final class ServeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let activeSessions: Metrics.Gauge
    let generation: Metrics.Gauge
    private let cache = MetricsCache()

    static let requestsLabel = "gru4rec_http_requests_total"
    static let durationLabel = "gru4rec_http_request_duration_seconds"

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Self.durationLabel] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        self.factory = factory
        activeSessions = Metrics.Gauge(label: "gru4rec_sessions_active", factory: factory)
        generation = Metrics.Gauge(label: "gru4rec_model_generation", factory: factory)
    }

    /// Counts one answered request and its latency.
    func record(route: String, method: String, status: Int, nanoseconds: Int64) {
        let m = cache.metrics(route: route, method: method, status: status, factory: factory)
        m.counter.increment()
        m.timer.recordNanoseconds(nanoseconds)
    }

    func recordReload(ok: Bool) {
        Metrics.Counter(label: "gru4rec_model_reloads_total", dimensions: [("result", ok ? "ok" : "failed")], factory: factory).increment()
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String { registry.emitToString() }
}

/// Metric handles by (route, method, status), so a request does not build label arrays.
private final class MetricsCache: @unchecked Sendable {
    struct Key: Hashable { var route: String, method: String, status: Int }
    struct Handles { var counter: Metrics.Counter, timer: Metrics.Timer }
    private let lock = NSLock()
    private var handles: [Key: Handles] = [:]

    func metrics(route: String, method: String, status: Int, factory: PrometheusMetricsFactory) -> Handles {
        let key = Key(route: route, method: method, status: status)
        return lock.withLock {
            if let h = handles[key] { return h }
            let h = Handles(
                counter: Metrics.Counter(label: ServeMetrics.requestsLabel,
                                 dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory),
                timer: Metrics.Timer(label: ServeMetrics.durationLabel, dimensions: [("route", route), ("method", method)], factory: factory))
            handles[key] = h
            return h
        }
    }
}

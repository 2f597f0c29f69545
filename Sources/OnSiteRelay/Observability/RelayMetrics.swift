import CoreMetrics
import Foundation
import Metrics
import Prometheus

/// The relay's counters, histograms and gauges, recorded through swift-metrics into a Prometheus registry of its
/// own (no global bootstrap: several relays in one test process keep separate figures), served at `/metrics`.
///
/// | name | type | labels |
/// |---|---|---|
/// | `onsite_http_requests_total` | counter | `route`, `method`, `status` |
/// | `onsite_http_request_duration_seconds` | histogram | `route` |
/// | `onsite_operations_total` | counter | `outcome` (`applied`, `superseded`, `duplicate`, `rejected`) |
/// | `onsite_conflicts_recorded_total` | counter | |
/// | `onsite_pull_entries_total` | counter | |
/// | `onsite_upload_bytes_total` | counter | |
/// | `onsite_active_devices` | gauge | devices not revoked that made a request in the last 24 hours |
/// | `onsite_database_bytes` | gauge | `relay.sqlite` with its `-wal` file |
public final class RelayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // From 1 ms (a health check) to 30 s (a large page or chunk on a slow link).
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
    }

    /// One answered request: `route` is the route's pattern (bounded label values), never the raw path.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        Counter(label: "onsite_http_requests_total",
                dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory).increment()
        CoreMetrics.Timer(label: "onsite_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(Self.nanoseconds(duration))
    }

    /// The outcomes of one pushed change set's operations (a replay counts nothing: it applied nothing).
    func recordOperations(_ counts: [String: Int]) {
        for (outcome, count) in counts where count > 0 {
            Counter(label: "onsite_operations_total", dimensions: [("outcome", outcome)], factory: factory).increment(by: count)
        }
    }

    func recordConflicts(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "onsite_conflicts_recorded_total", factory: factory).increment(by: count)
    }

    func recordPullEntries(_ count: Int) {
        Counter(label: "onsite_pull_entries_total", factory: factory).increment(by: count)
    }

    func recordUploadBytes(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "onsite_upload_bytes_total", factory: factory).increment(by: count)
    }

    /// The gauges read at scrape time, then everything in the Prometheus text format (version 0.0.4).
    func exposition(activeDevices: Int, databaseBytes: Int64) -> [UInt8] {
        Gauge(label: "onsite_active_devices", factory: factory).record(activeDevices)
        Gauge(label: "onsite_database_bytes", factory: factory).record(databaseBytes)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

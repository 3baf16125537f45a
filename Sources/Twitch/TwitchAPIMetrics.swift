import CoreMetrics
import Metrics
import Synchronization

/// The Twitch clients' metrics: emitted through swift-metrics (the executables bootstrap Prometheus) and kept as
/// local counts, so a test or a health page can read one client's numbers without a metrics backend.
///
/// - `twitch_api_requests_total{endpoint,status}`
/// - `twitch_api_errors_total{endpoint,kind}`
/// - `twitch_api_rate_limited_total{endpoint}`
/// - `twitch_api_retries_total{endpoint,reason}`
/// - `twitch_api_token_refreshes_total{token}`
/// - `twitch_api_latency{endpoint}` (timer; seconds in Prometheus)
///
/// Each failed call is counted once in `twitch_api_errors_total`, under the endpoint whose request failed: a Helix
/// call that fails because no token could be minted is an `oauth_token` error, not also one of the Helix endpoint.
public final class TwitchAPIMetrics: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    private let factory: any MetricsFactory

    /// `factory` is the process's bootstrapped one by default; tests pass their own registry's.
    public init(factory: any MetricsFactory = MetricsSystem.factory) { self.factory = factory }

    func request(endpoint: String, status: Int, latency: Duration) {
        Counter(label: "twitch_api_requests_total", dimensions: [("endpoint", endpoint), ("status", String(status))], factory: factory).increment()
        Metrics.Timer(label: "twitch_api_latency", dimensions: [("endpoint", endpoint)], factory: factory).record(duration: latency)
        bump("requests{\(endpoint),\(status)}")
        bump("requests")
    }

    func error(endpoint: String, kind: String) {
        Counter(label: "twitch_api_errors_total", dimensions: [("endpoint", endpoint), ("kind", kind)], factory: factory).increment()
        bump("errors{\(endpoint),\(kind)}")
        bump("errors{\(kind)}")
        bump("errors")
    }

    func rateLimited(endpoint: String) {
        Counter(label: "twitch_api_rate_limited_total", dimensions: [("endpoint", endpoint)], factory: factory).increment()
        bump("rate_limited")
    }

    func retry(endpoint: String, reason: String) {
        Counter(label: "twitch_api_retries_total", dimensions: [("endpoint", endpoint), ("reason", reason)], factory: factory).increment()
        bump("retries{\(reason)}")
    }

    func tokenRefresh(kind: String) {
        Counter(label: "twitch_api_token_refreshes_total", dimensions: [("token", kind)], factory: factory).increment()
        bump("token_refreshes")
        bump("token_refreshes{\(kind)}")
    }

    private func bump(_ key: String) { counts.withLock { $0[key, default: 0] += 1 } }
    private func read(_ key: String) -> Int { counts.withLock { $0[key, default: 0] } }

    // Local reads (this client's process-lifetime counts).
    public var requests: Int { read("requests") }
    public func requests(endpoint: String, status: Int) -> Int { read("requests{\(endpoint),\(status)}") }
    public func errors(kind: String) -> Int { read("errors{\(kind)}") }
    /// Every failure counted, whatever the endpoint and kind (the sum of the `twitch_api_errors_total` series).
    public var errors: Int { read("errors") }
    public func errors(endpoint: String, kind: String) -> Int { read("errors{\(endpoint),\(kind)}") }
    public var rateLimitedResponses: Int { read("rate_limited") }
    /// Retries by reason: `server` (5xx), `transport`, `rate_limited`, `unauthorized`.
    public func retries(reason: String) -> Int { read("retries{\(reason)}") }
    public var tokenRefreshes: Int { read("token_refreshes") }
    public func tokenRefreshes(kind: String) -> Int { read("token_refreshes{\(kind)}") }
}

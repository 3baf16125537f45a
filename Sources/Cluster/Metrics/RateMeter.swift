import Dataflow
import Runtime
import Synchronization

/// Per-second rates of counters over a sliding time span, as Flink's `MeterView` (60 s by default): keeps one
/// sample of every counter per second (at most) and divides the growth over the span by its length. Until a job
/// has two samples a second apart, the rate is its count over its uptime.
public final class RateMeter: Sendable {
    private struct Sample { let time: Int64; let values: [RateKey: Int64] }
    private let span: Int64
    private let spacing: Int64
    private let shortSpan: Int64
    private let history = Mutex<[JobID: [Sample]]>([:])

    public init(spanMillis: Int64 = 60_000, spacingMillis: Int64 = 1000, shortSpanMillis: Int64 = 5000) {
        span = spanMillis
        spacing = spacingMillis
        shortSpan = shortSpanMillis
    }

    /// Records the current values (when a second has passed since the last sample) and returns the rates.
    func observe(_ job: JobID, values: [RateKey: Int64], now: Int64, runningSince: Int64?) -> [RateKey: Double] {
        history.withLock { all in
            var samples = all[job] ?? []
            if samples.last.map({ now - $0.time >= spacing }) ?? true {
                samples.append(Sample(time: now, values: values))
            }
            samples.removeAll { now - $0.time > span }
            all[job] = samples
            guard let oldest = samples.first, now - oldest.time >= spacing else {
                // A young job: its average since it started running.
                guard let since = runningSince, now > since else { return values.mapValues { _ in 0 } }
                let seconds = Double(now - since) / 1000
                return values.mapValues { Double($0) / seconds }
            }
            // Time shares (busy, idle, backpressured) follow the last few seconds, as Flink's timer gauges do, so a
            // dashboard sees backpressure come and go; record rates average over the whole span like MeterView.
            let recent = samples.first { now - $0.time <= shortSpan && now - $0.time >= spacing } ?? oldest
            var rates: [RateKey: Double] = [:]
            for (key, value) in values {
                let base = TaskTimeMetrics.isTaskScope(key.metric) ? recent : oldest
                let seconds = Double(now - base.time) / 1000
                rates[key] = max(0, Double(value - (base.values[key] ?? 0)) / seconds)
            }
            return rates
        }
    }

    /// Drops a job's history (when it ended, its rates are 0).
    func forget(_ job: JobID) {
        _ = history.withLock { $0.removeValue(forKey: job) }
    }
}

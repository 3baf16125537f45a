import Synchronization

/// A distribution of values (latencies in milliseconds, sizes) over a sliding window of the latest samples, as
/// Flink's `DescriptiveStatisticsHistogram`: the count covers every update, the other statistics the window.
/// Safe to update from any thread or task.
///
/// From an operator: `context.metrics.histogram("twitch_api_latency")` in `open`, then `update(ms)`.
/// From an async function (which runs as a Swift task off the subtask's thread and has no context parameter): the
/// async operator runs every call with `OperatorMetrics.current` bound to its metric group, so
/// `OperatorMetrics.current?.histogram("twitch_api_latency").update(ms)` inside `invoke` records into the operator
/// that made the call. Looking the histogram up once per call is a dictionary lookup under a lock; cheap next to I/O.
public final class Histogram: Sendable {
    public static let defaultWindowSize = 1024
    private struct Window {
        var samples: [Int64] = []
        var next = 0
        var count = 0
    }
    private let window = Mutex(Window())
    public let windowSize: Int

    public init(windowSize: Int = Histogram.defaultWindowSize) { self.windowSize = max(1, windowSize) }

    public func update(_ value: Int64) {
        window.withLock { w in
            if w.samples.count < windowSize { w.samples.append(value) } else { w.samples[w.next] = value }
            w.next = (w.next + 1) % windowSize
            w.count += 1
        }
    }

    public func statistics() -> HistogramStatistics {
        let (samples, count) = window.withLock { ($0.samples, $0.count) }
        return HistogramStatistics(count: count, samples: samples)
    }
}

/// A histogram's statistics at one moment (quantiles by linear interpolation between the closest ranks).
public struct HistogramStatistics: Sendable, Equatable {
    public let count: Int
    public let min: Double
    public let max: Double
    public let mean: Double
    public let stddev: Double
    /// Quantile (0.5, 0.75, 0.95, 0.98, 0.99, 0.999) → value.
    public let quantiles: [Double: Double]

    public static let reportedQuantiles: [Double] = [0.5, 0.75, 0.90, 0.95, 0.98, 0.99, 0.999]

    init(count: Int, samples: [Int64]) {
        self.count = count
        let sorted = samples.sorted().map(Double.init)
        guard !sorted.isEmpty else {
            min = 0; max = 0; mean = 0; stddev = 0
            quantiles = Dictionary(uniqueKeysWithValues: Self.reportedQuantiles.map { ($0, 0) })
            return
        }
        min = sorted.first!
        max = sorted.last!
        let m = sorted.reduce(0, +) / Double(sorted.count)
        mean = m
        // Sample standard deviation, as Commons Math's DescriptiveStatistics (which Flink uses) reports it.
        stddev = sorted.count > 1 ? (sorted.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(sorted.count - 1)).squareRoot() : 0
        quantiles = Dictionary(uniqueKeysWithValues: Self.reportedQuantiles.map { q in (q, Self.quantile(q, of: sorted)) })
    }

    static func quantile(_ q: Double, of sorted: [Double]) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }

    /// The flat names Flink's REST API lists a histogram under (`name_p99`, …) with their values; `name_count` too.
    public func flattened(_ name: String) -> [(String, Double)] {
        [("\(name)_count", Double(count)), ("\(name)_min", min), ("\(name)_max", max), ("\(name)_mean", mean),
         ("\(name)_stddev", stddev), ("\(name)_median", quantiles[0.5] ?? 0), ("\(name)_p75", quantiles[0.75] ?? 0),
         ("\(name)_p90", quantiles[0.90] ?? 0), ("\(name)_p95", quantiles[0.95] ?? 0), ("\(name)_p98", quantiles[0.98] ?? 0),
         ("\(name)_p99", quantiles[0.99] ?? 0), ("\(name)_p999", quantiles[0.999] ?? 0)]
    }
}

/// The metric group of the operator whose async call is running (bound by the async operator for each call).
public enum OperatorMetrics {
    @TaskLocal public static var current: MetricGroup?
}

extension HistogramStatistics {
    public init(count: Int, min: Double, max: Double, mean: Double, stddev: Double, quantiles: [Double: Double]) {
        self.count = count; self.min = min; self.max = max; self.mean = mean; self.stddev = stddev; self.quantiles = quantiles
    }
}

/// Reads histograms back from a flat metric snapshot (`name_count`, `name_p99`, …), e.g. one that crossed a process
/// boundary as plain numbers.
public enum HistogramNames {
    static let quantileSuffixes: [(String, Double)] = [("_median", 0.5), ("_p75", 0.75), ("_p90", 0.90), ("_p95", 0.95),
                                                       ("_p98", 0.98), ("_p99", 0.99), ("_p999", 0.999)]
    static let suffixes = ["_count", "_min", "_max", "_mean", "_stddev"] + quantileSuffixes.map(\.0)

    /// Every histogram in `values`, by name.
    public static func histograms<V: BinaryInteger>(in values: [String: V]) -> [String: HistogramStatistics] {
        var out: [String: HistogramStatistics] = [:]
        for key in values.keys where key.hasSuffix("_p999") {
            let name = String(key.dropLast("_p999".count))
            guard let count = values[name + "_count"] else { continue }
            func v(_ suffix: String) -> Double { Double(values[name + suffix] ?? 0) }
            out[name] = HistogramStatistics(count: Int(count), min: v("_min"), max: v("_max"), mean: v("_mean"), stddev: v("_stddev"),
                                            quantiles: Dictionary(uniqueKeysWithValues: quantileSuffixes.map { ($0.1, v($0.0)) }))
        }
        return out
    }

    /// Whether `metric` is one of the flat parts of a histogram named in `names`.
    public static func isPart(_ metric: String, of names: some Collection<String>) -> Bool {
        names.contains { name in metric.hasPrefix(name) && suffixes.contains(String(metric.dropFirst(name.count))) }
    }
}

import Synchronization

/// A monotonic counter shared between a task thread (which writes) and reporters (which read).
public final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    public init() {}
    @inlinable public func increment() { add(1) }
    public func add(_ n: Int) { value.wrappingAdd(n, ordering: .relaxed) }
    public var count: Int { value.load(ordering: .relaxed) }
}

/// A value set by a task thread and read by reporters (watermarks, queue lengths).
public final class Gauge: Sendable {
    private let value: Atomic<Int64>
    public init(_ initial: Int64 = 0) { value = Atomic(initial) }
    public func set(_ v: Int64) { value.store(v, ordering: .relaxed) }
    public var current: Int64 { value.load(ordering: .relaxed) }
}

/// The metrics of one operator instance, named like Flink's (`numRecordsIn`, `numLateRecordsDropped`, …)
/// plus whatever the user function registers (`anomalies_detected`).
public final class MetricGroup: @unchecked Sendable {
    private let lock = Mutex<([String: Counter], [String: Gauge])>(([:], [:]))
    private let histogramsByName = Mutex<[String: Histogram]>([:])
    public init() {}

    /// A latency (or size) distribution; see `Histogram` for recording from async functions.
    public func histogram(_ name: String) -> Histogram {
        histogramsByName.withLock { all in
            if let h = all[name] { return h }
            let h = Histogram(); all[name] = h; return h
        }
    }
    /// Every histogram's statistics at this moment.
    public func histogramSnapshot() -> [String: HistogramStatistics] {
        histogramsByName.withLock { $0 }.mapValues { $0.statistics() }
    }

    public func counter(_ name: String) -> Counter {
        lock.withLock { state in
            if let c = state.0[name] { return c }
            let c = Counter(); state.0[name] = c; return c
        }
    }
    public func gauge(_ name: String, initial: Int64 = 0) -> Gauge {
        lock.withLock { state in
            if let g = state.1[name] { return g }
            let g = Gauge(initial); state.1[name] = g; return g
        }
    }
    /// A point-in-time copy of every metric, counters and gauges alike; histograms as their flat statistics
    /// (`name_count`, `name_p99`, …, rounded to whole units).
    public func snapshot() -> [String: Int64] {
        var out = lock.withLock { state in
            var out: [String: Int64] = [:]
            for (k, c) in state.0 { out[k] = Int64(c.count) }
            for (k, g) in state.1 { out[k] = g.current }
            return out
        }
        for (name, stats) in histogramSnapshot() {
            for (k, v) in stats.flattened(name) { out[k] = Int64(v.rounded()) }
        }
        return out
    }
}

// Metric endpoint bodies: bare JSON arrays, as the dashboard reads them (flink-rest.md §0.2), not the
// `{"metrics": [...]}` the OpenAPI spec suggests.

/// `{"id": "numRecordsIn"}` when listing, `{"id": …, "value": "42"}` with `?get=` (values are strings).
public struct MetricValue: Codable, Sendable, Equatable, RESTArrayElement {
    public var id: String
    public var value: String?

    public init(id: String, value: String? = nil) {
        self.id = id
        self.value = value
    }

    /// Counters and long gauges (watermarks) print as integers, rates as doubles (`0.0`, `106501.65`), as Flink's.
    public init(id: String, number: Double) {
        self.id = id
        value = MetricText.format(number, isRate: id.hasSuffix("PerSecond") || id.hasSuffix("Load"))
    }
}

/// `{"id", "min", "max", "avg", "sum", "skew"}` of an aggregating endpoint; `?agg=` picks the fields.
public struct AggregatedMetric: Codable, Sendable, Equatable, RESTArrayElement {
    public var id: String
    public var min: Double?
    public var max: Double?
    public var avg: Double?
    public var sum: Double?
    public var skew: Double?

    public init(id: String) { self.id = id }

    /// Aggregates `values`; skew is Flink's `(max - avg) / avg * 100` (0 when avg is 0).
    public init(id: String, values: [Double], aggregations: [MetricAggregation] = MetricAggregation.allCases) {
        self.id = id
        guard !values.isEmpty else { return }
        let lowest = values.min()!, highest = values.max()!, total = values.reduce(0, +)
        let mean = total / Double(values.count)
        for a in aggregations {
            switch a {
            case .min: min = lowest
            case .max: max = highest
            case .avg: avg = mean
            case .sum: sum = total
            case .skew: skew = mean == 0 ? 0 : (highest - mean) / mean * 100
            }
        }
    }
}

enum MetricText {
    /// `42` for integral values (watermarks included: `-9223372036854775808` is "no watermark"), `0.5` otherwise.
    static func format(_ v: Double, isRate: Bool = false) -> String {
        if v == Double(Int64.min) { return String(Int64.min) }
        if v >= Double(Int64.max) { return String(Int64.max) }     // the watermark at the end of input
        if !isRate, v.rounded() == v, abs(v) < 9.0e15 { return String(Int64(v)) }
        return String(v)
    }
}

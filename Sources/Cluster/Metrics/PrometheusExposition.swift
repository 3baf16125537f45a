import Dataflow

/// One metric family of the Prometheus text format (version 0.0.4): a name, its HELP and TYPE, and its samples.
public struct PrometheusFamily: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public let labels: [(name: String, value: String)]
        public let value: Double
        /// Appended to the family's name on this sample's line (a summary's `_count`).
        public let nameSuffix: String
        public init(labels: [(name: String, value: String)], value: Double, nameSuffix: String = "") {
            self.labels = labels
            self.value = value
            self.nameSuffix = nameSuffix
        }
        public static func == (a: Sample, b: Sample) -> Bool {
            a.value == b.value && a.nameSuffix == b.nameSuffix && a.labels.map(\.name) == b.labels.map(\.name)
                && a.labels.map(\.value) == b.labels.map(\.value)
        }
    }
    public let name: String
    public let help: String
    public let type: String
    public var samples: [Sample]

    public init(name: String, help: String, type: String, samples: [Sample]) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
    }
}

/// Writes families as Prometheus text, named and labelled the way Flink's `AbstractPrometheusReporter` does:
/// characters outside `[a-zA-Z0-9:_]` become `_` in names and (Flink's default) label values.
public enum PrometheusText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func sanitize(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == ":" || c == "_" ? c : "_"
        }))
    }

    /// A label value: secrets masked first (a job or stage named after a connection string), then sanitized.
    public static func labelValue(_ s: String) -> String { sanitize(Secrets.mask(s)) }

    public static func render(_ families: [PrometheusFamily]) -> String {
        var out = ""
        out.reserveCapacity(families.reduce(0) { $0 + 120 + $1.samples.count * 300 })
        for f in families where !f.samples.isEmpty {
            out += "# HELP \(f.name) \(escapeHelp(f.help))\n# TYPE \(f.name) \(f.type)\n"
            for s in f.samples {
                out += f.name + s.nameSuffix
                if !s.labels.isEmpty {
                    out += "{"
                    out += s.labels.map { "\($0.name)=\"\(escapeLabel($0.value))\"" }.joined(separator: ",")
                    out += "}"
                }
                out += " \(format(s.value))\n"
            }
        }
        return out
    }

    /// Java's way with doubles, as Flink's output shows: `42.0`, `0.5`, `1.795907407847E12`.
    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v.rounded() == v, abs(v) < 1e7 { return "\(Int64(v)).0" }
        return "\(v)"
    }

    static func escapeLabel(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func escapeHelp(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// Collects samples into families keyed by name, keeping the order names first appear in.
struct PrometheusFamilies {
    private var families: [PrometheusFamily] = []
    private var index: [String: Int] = [:]

    /// Adds one sample of `metric` in Flink's logical `scope` (e.g. `taskmanager_job_task_operator`).
    mutating func add(scope: String, metric: String, labels: [(String, String)], value: Double) {
        let name = PrometheusText.sanitize("flink_\(scope)_\(metric)")
        let sample = PrometheusFamily.Sample(labels: labels.map { ($0.0, PrometheusText.labelValue($0.1)) }, value: value)
        if let i = index[name] {
            families[i].samples.append(sample)
        } else {
            index[name] = families.count
            let helpScope = metric.contains(".") ? "\(scope)_\(metric.split(separator: ".").dropLast().joined(separator: "_"))" : scope
            let short = metric.split(separator: ".").last.map(String.init) ?? metric
            families.append(PrometheusFamily(name: name, help: "\(short) (scope: \(helpScope))", type: "gauge", samples: [sample]))
        }
    }

    /// Adds a histogram as Flink's reporter exports it: a summary with `_count` and one sample per quantile.
    mutating func addSummary(scope: String, metric: String, labels: [(String, String)], statistics: HistogramStatistics) {
        let name = PrometheusText.sanitize("flink_\(scope)_\(metric)")
        let clean = labels.map { ($0.0, PrometheusText.labelValue($0.1)) }
        var samples = [PrometheusFamily.Sample(labels: clean, value: Double(statistics.count), nameSuffix: "_count")]
        for q in PrometheusFamilies.summaryQuantiles {
            samples.append(PrometheusFamily.Sample(labels: clean + [("quantile", "\(q)")], value: statistics.quantiles[q] ?? 0))
        }
        if let i = index[name] {
            families[i].samples += samples
        } else {
            index[name] = families.count
            families.append(PrometheusFamily(name: name, help: "\(metric) (scope: \(scope))", type: "summary", samples: samples))
        }
    }

    /// The quantiles Flink's Prometheus reporter exports for a histogram.
    static let summaryQuantiles: [Double] = [0.5, 0.75, 0.95, 0.98, 0.99, 0.999]

    var all: [PrometheusFamily] { families }
}

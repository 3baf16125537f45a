import Foundation

/// Metric names in a PromQL expression: identifiers that are not functions, keywords, label matchers, grouping
/// labels, range selectors or strings.
enum PromQL {
    static let keywords: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
                                        "unless", "offset", "inf", "nan"]

    static func metricNames(in expression: String) -> Set<String> {
        var text = expression
        text.replace(/"(?:[^"\\]|\\.)*"/, with: "")               // strings
        text.replace(/\{[^}]*\}/, with: "")                          // label matchers
        text.replace(/\[[^\]]*\]/, with: "")                         // ranges
        text.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/, with: "")  // grouping labels
        var names: Set<String> = []
        for match in text.matches(of: /([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/) {
            let name = String(match.output.1)
            if match.output.2 != nil || keywords.contains(name.lowercased()) { continue }   // a function call or keyword
            names.insert(name)
        }
        return names
    }
}

/// Which Prometheus names the code exports: Flink-style names are `flink_<scope>_<metric>` built by the cluster's
/// reporter from a scope literal and a metric name registered in the code; the services' names are literal
/// swift-metrics labels (plus the exposition's `_count`/`_sum`/`_bucket` series for histograms).
enum MetricCatalog {
    /// The reporter's scopes, e.g. `taskmanager_job_task_operator`, as written in Sources/.
    static let flinkScopes: [String] = {
        var scopes: Set<String> = []
        for text in Repository.productSources.values {
            for match in text.matches(of: /scope: "([a-z_]+)"/) { scopes.insert(String(match.output.1)) }
        }
        return scopes.sorted { $0.count > $1.count }    // longest first: operator scope before task scope
    }()

    /// Literals as the reporter sanitises them (`Status.JVM.CPU.Load` → `Status_JVM_CPU_Load`).
    static let sanitizedLiterals: Set<String> = Set(Repository.stringLiterals.map { literal in
        String(literal.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    })

    static func isExported(_ name: String) -> Bool {
        if name.hasPrefix("flink_") {
            for scope in flinkScopes where name.hasPrefix("flink_\(scope)_") {
                let metric = String(name.dropFirst("flink_\(scope)_".count))
                if sanitizedLiterals.contains(metric) { return true }
                // A key-value group (`addGroup(key, value)`, registered as `key.value.metric`): `<key>_<metric>`.
                for split in metric.indices where metric[split] == "_" {
                    let key = String(metric[..<split]), rest = String(metric[metric.index(after: split)...])
                    if sanitizedLiterals.contains(key) && sanitizedLiterals.contains(rest) { return true }
                }
            }
            return false
        }
        if Repository.stringLiterals.contains(name) { return true }
        for suffix in ["_count", "_sum", "_bucket"] where name.hasSuffix(suffix) {
            if Repository.stringLiterals.contains(String(name.dropLast(suffix.count))) { return true }
        }
        return false
    }
}

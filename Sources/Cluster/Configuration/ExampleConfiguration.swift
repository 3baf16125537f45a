import Dataflow

/// An example `configs/flink-conf.yaml` with every key the cluster reads and its default
/// (`dataflow cluster --print-example-config` writes it out).
public enum ExampleConfiguration {
    public static var yaml: String {
        var lines = [
            "# Dataflow cluster configuration — Flink's keys, this project's defaults.",
            "# Read by `dataflow cluster` (and by `dataflow run/list/cancel` for the REST address) from --config FILE,",
            "# $FLINK_CONF_DIR/config.yaml, or configs/flink-conf.yaml. Environment variables override the file",
            "# (FLINK_PARALLELISM → parallelism.default, FLINK_PROPERTIES: one 'key: value' per line), -D key=value",
            "# overrides both.",
            "",
        ]
        for option in ClusterOptions.all {
            lines.append("# \(option.summary)")
            let value = Secrets.mask(key: option.key, value: option.defaultText)
            lines.append(value.isEmpty ? "# \(option.key):" : "\(option.key): \(quoted(value))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// YAML would read `1 s` fine but `0.0.0.0`-like or `9249-9260` values are safer quoted.
    private static func quoted(_ value: String) -> String {
        value.allSatisfy(\.isNumber) ? value : "\"\(value)\""
    }
}

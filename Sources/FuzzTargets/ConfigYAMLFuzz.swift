import Cluster

/// The cluster configuration: a flink-conf / config.yaml file flattened to keys (`ConfigurationLoader.parseYAML`)
/// and applied with every option's type checked, as `dataflow cluster` loads it; the same text as `-D` arguments
/// and as Flink's docker-style `FLINK_PROPERTIES`. An accepted configuration must answer every derived setting.
public enum ConfigYAMLFuzz: FuzzTarget {
    public static let name = "config-yaml"

    public static func run(_ data: UnsafeRawBufferPointer) {
        let text = data.text
        if let settings = try? ConfigurationLoader.parseYAML(text) { exercise(settings) }
        let lines = text.split(separator: "\n").map(String.init)
        if let dynamic = try? ConfigurationLoader.parseDynamicProperties(lines) { exercise(dynamic) }
        if let environment = try? ConfigurationLoader.environmentSettings(["FLINK_PROPERTIES": text]) { exercise(environment) }
    }

    private static func exercise(_ settings: [String: String]) {
        guard let configuration = try? ClusterConfiguration(settings: settings) else { return }
        _ = configuration.runtime
        _ = configuration.restartStrategy.description
        _ = configuration.effectiveEntries
        _ = (configuration.restPort, configuration.restAddress, configuration.prometheusPorts, configuration.taskSlots)
    }
}

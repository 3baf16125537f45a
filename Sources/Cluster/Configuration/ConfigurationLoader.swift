import Foundation
import Yams

/// Reads the cluster configuration the way Flink does: a YAML file (flat `rest.port: 8081` keys or nested
/// `rest: {port: 8081}` maps, both as Flink 2's `config.yaml` allows), then the seed's environment variables,
/// then `-D key=value` from the command line.
public enum ConfigurationLoader {
    /// Where the config file is looked for when none is given: `$FLINK_CONF_DIR/config.yaml` (Flink 2) or
    /// `flink-conf.yaml` (Flink 1), then `configs/flink-conf.yaml` under the working directory.
    public static func defaultFile(environment: [String: String]) -> String? {
        var candidates: [String] = []
        if let dir = environment["FLINK_CONF_DIR"], !dir.isEmpty {
            candidates += ["\(dir)/config.yaml", "\(dir)/flink-conf.yaml"]
        }
        candidates += ["configs/flink-conf.yaml", "configs/config.yaml"]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The merged configuration. `file` nil searches the default locations; a named file must exist.
    public static func load(file: String?, environment: [String: String],
                            dynamicProperties: [String: String]) throws(ClusterConfigurationError) -> ClusterConfiguration {
        var configuration = ClusterConfiguration()
        if let path = file ?? defaultFile(environment: environment) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ClusterConfigurationError("cannot read the config file \(path)")
            }
            do {
                try configuration.apply(try parseYAML(text))
            } catch {
                throw ClusterConfigurationError("\(path): \(error)")
            }
        }
        try configuration.apply(environmentSettings(environment))
        try configuration.apply(dynamicProperties)
        return configuration
    }

    /// Flattens a YAML document into dotted keys.
    public static func parseYAML(_ text: String) throws(ClusterConfigurationError) -> [String: String] {
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch { throw ClusterConfigurationError("not valid YAML: \(error)") }
        guard let root else { return [:] }
        guard let map = root as? [String: Any] else { throw ClusterConfigurationError("the config file must be a mapping of keys to values") }
        var out: [String: String] = [:]
        func flatten(_ value: Any, prefix: String) {
            if let nested = value as? [String: Any] {
                for (k, v) in nested { flatten(v, prefix: prefix.isEmpty ? k : "\(prefix).\(k)") }
            } else if let list = value as? [Any] {
                out[prefix] = list.map { "\($0)" }.joined(separator: ";")    // Flink's list syntax
            } else {
                out[prefix] = "\(value)"
            }
        }
        flatten(map, prefix: "")
        return out
    }

    /// The seed's variables (`FLINK_PARALLELISM`, …) and Flink's docker-style `FLINK_PROPERTIES` (one
    /// `key: value` per line).
    public static func environmentSettings(_ environment: [String: String]) throws(ClusterConfigurationError) -> [String: String] {
        var out: [String: String] = [:]
        if let properties = environment["FLINK_PROPERTIES"] {
            for line in properties.split(whereSeparator: \.isNewline) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
                guard let colon = trimmed.firstIndex(of: ":") else {
                    throw ClusterConfigurationError("FLINK_PROPERTIES: expected 'key: value', not '\(trimmed)'")
                }
                let key = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
                out[key] = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        for (variable, key) in ClusterOptions.environmentVariables {
            if let value = environment[variable], !value.isEmpty { out[key] = value }
        }
        return out
    }

    /// Splits `-D key=value` arguments.
    public static func parseDynamicProperties(_ arguments: [String]) throws(ClusterConfigurationError) -> [String: String] {
        var out: [String: String] = [:]
        for argument in arguments {
            guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
                throw ClusterConfigurationError("-D expects key=value, not '\(argument)'")
            }
            out[String(argument[..<eq])] = String(argument[argument.index(after: eq)...])
        }
        return out
    }
}

import Foundation

/// docker/docker-compose.yml, read the way Docker Compose reads it (only what the checks need).
struct ComposeFile {
    static let path = "docker/docker-compose.yml"
    /// Compose resolves relative paths from the compose file's folder.
    static let folder = "docker"

    struct Service {
        let name: String
        let definition: [String: Any]

        var image: String? { definition["image"] as? String }
        /// Built from our Dockerfile: the Dataflow/Highlights processes whose variables and ports the code defines.
        var isOurs: Bool { definition["build"] != nil }
        var command: [String] {
            if let list = definition["command"] as? [Any] { return list.map { "\($0)" } }
            if let text = definition["command"] as? String { return text.split(separator: " ").map(String.init) }
            return []
        }
        var environment: [String: String] {
            if let map = definition["environment"] as? [String: Any] { return map.mapValues { "\($0)" } }
            if let list = definition["environment"] as? [String] {
                return Dictionary(list.map { entry -> (String, String) in
                    let parts = entry.split(separator: "=", maxSplits: 1)
                    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                }, uniquingKeysWith: { $1 })
            }
            return [:]
        }
        /// The environment as the container sees it: `${NAME:-default}` becomes its default, `${NAME:?error}` (a
        /// variable the operator must set) a placeholder, `$$` a single `$`.
        var interpolatedEnvironment: [String: String] {
            environment.mapValues { value in
                var text = value.replacingOccurrences(of: "$$", with: "\u{0}")
                text.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/) { String($0.output.1) }
                text.replace(/\$\{[A-Z0-9_]+:\?[^}]*\}/) { _ in "set-by-operator" }
                return text.replacingOccurrences(of: "\u{0}", with: "$")
            }
        }
        /// `-D key=value` pairs in the command.
        var dynamicProperties: [String: String] {
            let words = command.joined(separator: " ").split(separator: " ").map(String.init)
            var out: [String: String] = [:]
            for (index, word) in words.enumerated() where word == "-D" && index + 1 < words.count {
                let pair = words[index + 1].split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { out[pair[0]] = pair[1] }
            }
            return out
        }
        /// `ports` entries as (published host port or nil, container port).
        var ports: [(host: Int?, container: Int)] {
            ((definition["ports"] as? [Any]) ?? []).compactMap { entry in
                let text = "\(entry)".split(separator: "/").first.map(String.init) ?? ""
                let parts = text.split(separator: ":").map(String.init)
                guard let container = parts.last.flatMap(Int.init) else { return nil }
                return (parts.count >= 2 ? Int(parts[parts.count - 2]) : nil, container)
            }
        }
        var exposed: [Int] { ((definition["expose"] as? [Any]) ?? []).compactMap { Int("\($0)") } }
        /// Every port the service listens on, published or only exposed to the compose network.
        var listeningPorts: Set<Int> { Set(ports.map(\.container) + exposed) }
        var dependsOn: [String] {
            if let map = definition["depends_on"] as? [String: Any] { return Array(map.keys) }
            return (definition["depends_on"] as? [String]) ?? []
        }
        /// Bind-mount sources (`./x:/y`, `../x:/y`), as paths relative to the repository root.
        var bindMountSources: [String] {
            ((definition["volumes"] as? [Any]) ?? []).compactMap { entry -> String? in
                let source: String
                if let text = entry as? String { source = String(text.split(separator: ":").first ?? "") }
                else if let map = entry as? [String: Any], map["type"] as? String == "bind" { source = map["source"] as? String ?? "" }
                else { return nil }
                guard source.hasPrefix("./") || source.hasPrefix("../") else { return nil }
                return ComposeFile.repositoryPath(source)
            }
        }
        /// Bind mounts as (repository path, container path).
        var bindMounts: [(source: String, target: String)] {
            ((definition["volumes"] as? [Any]) ?? []).compactMap { entry in
                guard let text = entry as? String else { return nil }
                let parts = text.split(separator: ":").map(String.init)
                guard parts.count >= 2, parts[0].hasPrefix(".") else { return nil }
                return (ComposeFile.repositoryPath(parts[0]), parts[1])
            }
        }
        var healthcheck: [String: Any]? { definition["healthcheck"] as? [String: Any] }
        var restart: String? { definition["restart"].map { "\($0)" } }
    }

    let root: [String: Any]
    let services: [String: Service]

    init() throws {
        root = try Repository.yaml(Self.path)
        guard let map = root["services"] as? [String: Any] else { throw DeploymentCheckError("\(Self.path) has no services") }
        var services: [String: Service] = [:]
        for (name, value) in map {
            guard let definition = value as? [String: Any] else { throw DeploymentCheckError("service \(name) is not a mapping") }
            services[name] = Service(name: name, definition: definition)
        }
        self.services = services
    }

    func service(_ name: String) throws -> Service {
        guard let service = services[name] else { throw DeploymentCheckError("\(Self.path) has no service '\(name)'") }
        return service
    }

    /// A path in the compose file (relative to docker/) as a path relative to the repository root.
    static func repositoryPath(_ composeRelative: String) -> String {
        var parts = folder.split(separator: "/").map(String.init)
        for component in composeRelative.split(separator: "/").map(String.init) {
            switch component {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(component)
            }
        }
        return parts.joined(separator: "/")
    }
}

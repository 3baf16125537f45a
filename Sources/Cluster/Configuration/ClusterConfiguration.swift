import Dataflow
import Foundation
import Runtime

/// The cluster's configuration: Flink's `key: value` settings, merged from (lowest first) the defaults in
/// `ClusterOptions`, the YAML config file, the seed's environment variables and `-D key=value`. Every known key is
/// validated when the configuration is made, so reading one later cannot fail.
public struct ClusterConfiguration: Sendable, Equatable {
    /// The explicitly set keys (file, environment, `-D`), including ones this project does not interpret.
    public private(set) var settings: [String: String]

    /// Defaults only.
    public init() { settings = [:] }

    /// The defaults with `settings` on top; throws on the first invalid value of a known key.
    public init(settings: [String: String]) throws(ClusterConfigurationError) {
        self.settings = [:]
        try apply(settings)
    }

    /// Sets keys on top of the current ones (later sources override earlier ones).
    public mutating func apply(_ more: [String: String]) throws(ClusterConfigurationError) {
        let known = Dictionary(uniqueKeysWithValues: ClusterOptions.all.map { ($0.key, $0) })
        Secrets.remember(secretsIn: more)
        for (key, value) in more {
            if let option = known[key] { try option.validate(value) }
            settings[key] = value
        }
    }

    public subscript<V>(option: ConfigOption<V>) -> V {
        guard let text = settings[option.key] else { return option.defaultValue }
        // Validated in apply(_:), so this cannot fail.
        return (try? option.parse(text)) ?? option.defaultValue
    }

    // MARK: Named accessors for what the cluster reads most

    public var restPort: Int { self[ClusterOptions.restPort] }
    public var restBindAddress: String { self[ClusterOptions.restBindAddress] }
    /// Where clients send REST requests: `rest.address`, else `jobmanager.rpc.address`.
    public var restAddress: String {
        let explicit = self[ClusterOptions.restAddress]
        return explicit.isEmpty ? self[ClusterOptions.jobManagerAddress] : explicit
    }
    public var taskSlots: Int { self[ClusterOptions.taskSlots] }
    public var defaultParallelism: Int { self[ClusterOptions.defaultParallelism] }
    public var prometheusPorts: ClosedRange<Int> { self[ClusterOptions.prometheusPort] }
    public var prometheusBindAddress: String {
        let explicit = self[ClusterOptions.prometheusHost]
        return explicit.isEmpty ? restBindAddress : explicit
    }
    public var restartStrategy: RestartStrategy { RestartStrategy(self) }

    /// The runtime's settings for jobs run on this cluster.
    public var runtime: DataflowConfiguration {
        var r = DataflowConfiguration()
        r.defaultParallelism = defaultParallelism
        r.taskSlots = taskSlots
        r.maxParallelism = self[ClusterOptions.maxParallelism]
        r.bufferTimeoutMillis = FlinkDuration.milliseconds(self[ClusterOptions.bufferTimeout])
        r.bufferSize = self[ClusterOptions.bufferSize]
        r.buffersPerChannel = self[ClusterOptions.buffersPerChannel]
        r.taskCancellationTimeoutMillis = FlinkDuration.milliseconds(self[ClusterOptions.taskCancellationTimeout])
        r.taskCancellationIntervalMillis = FlinkDuration.milliseconds(self[ClusterOptions.taskCancellationInterval])
        return r
    }

    /// Who may connect to a port bound on `bindHost`: members holding `security.cluster.secret` (or the contents of
    /// `security.cluster.secret-file`). Without a secret, only a loopback address may be bound — anyone who can reach
    /// a wider address could otherwise join the cluster and run code in it — so that is a startup error.
    public func clusterAuthentication(bindHost: String, port: String) throws(ClusterConfigurationError) -> ClusterAuthentication {
        var secret = self[ClusterOptions.clusterSecret]
        let file = self[ClusterOptions.clusterSecretFile]
        if secret.isEmpty, !file.isEmpty {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ClusterConfigurationError("\(ClusterOptions.clusterSecretFile.key): cannot read '\(file)'")
            }
            secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !secret.isEmpty else { throw ClusterConfigurationError("\(ClusterOptions.clusterSecretFile.key): '\(file)' is empty") }
            Secrets.remember(secret)
        }
        if secret.isEmpty && !ClusterAuthentication.isLoopback(bindHost) {
            throw ClusterConfigurationError("the \(port) binds \(bindHost), which other hosts can reach, but no "
                + "\(ClusterOptions.clusterSecret.key) (or \(ClusterOptions.clusterSecretFile.key)) is set: any host could join the cluster. "
                + "Set the same secret on every JobManager and TaskManager, or bind a loopback address.")
        }
        return ClusterAuthentication(secret: secret)
    }

    /// Every key with its effective value, as `/jobmanager/config` lists them: the known options (defaults
    /// included, empty ones left out) and whatever else was set.
    public var effectiveEntries: [(key: String, value: String)] {
        var out: [(String, String)] = []
        var seen: Set<String> = []
        for option in ClusterOptions.all {
            seen.insert(option.key)
            let value = settings[option.key] ?? option.defaultText
            if !value.isEmpty { out.append((option.key, value)) }
        }
        for key in settings.keys.sorted() where !seen.contains(key) { out.append((key, settings[key]!)) }
        return out
    }
}

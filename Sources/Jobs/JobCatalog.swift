import Dataflow

public struct JobParameterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A job's parameters (from `jobs.yaml` and `-D name=value`), read with types and checked: a parameter the job
/// does not know is an error, so a typo does not silently run with a default.
public struct JobParameters: Sendable {
    public private(set) var values: [String: String]
    public init(_ values: [String: String] = [:]) { self.values = values }

    public func string(_ name: String) throws -> String {
        guard let v = values[name], !v.isEmpty else { throw JobParameterError("missing parameter '\(name)' (set it with -D \(name)=…)") }
        return v
    }
    public func int64(_ name: String, default d: Int64, min: Int64 = .min) throws -> Int64 {
        guard let s = values[name] else { return d }
        guard let v = Int64(s), v >= min else { throw JobParameterError("parameter '\(name)' must be an integer ≥ \(min), not '\(s)'") }
        return v
    }
    public func double(_ name: String, default d: Double) throws -> Double {
        guard let s = values[name] else { return d }
        guard let v = Double(s), v.isFinite else { throw JobParameterError("parameter '\(name)' must be a number, not '\(s)'") }
        return v
    }
    public func bool(_ name: String, default d: Bool) throws -> Bool {
        guard let s = values[name] else { return d }
        switch s.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0", "": return false
        default: throw JobParameterError("parameter '\(name)' must be true or false, not '\(s)'")
        }
    }
    public func rejectUnknown(allowed: [String]) throws {
        let unknown = values.keys.filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw JobParameterError("unknown parameter(s) \(unknown.joined(separator: ", ")); this job takes: \(allowed.joined(separator: ", "))")
        }
    }
}

/// A job compiled into this binary, as `jobs.yaml` entries refer to it.
public struct JobDefinition: Sendable {
    public let name: String
    public let summary: String
    public let parameterNames: [String]
    /// The counters the CLI's one-line summary prints: label, stage, metric.
    public let reportedMetrics: [(label: String, stage: String, metric: String)]
    public let make: @Sendable (_ name: String, JobParameters) throws -> Job
}

public enum JobCatalog {
    public static let all: [JobDefinition] = [
        JobDefinition(
            name: ClipDetectorReplay.name,
            summary: "The clip detector over a recorded chat stream (.jsonl or .jsonl.zst) into windows.csv and anomalies.csv",
            parameterNames: ["input", "output", "follow"] + ClipDetectorConfig.parameterNames,
            reportedMetrics: [("records in", "chat-source", "numRecordsOut"), ("late", "chat-rate", "numLateRecordsDropped"),
                              ("dead-lettered", "chat-source", "numDeadLetters"), ("windows", "windows", "numRecordsIn"),
                              ("anomalies", "anomalies", "numRecordsIn")],
            make: { name, p in
                try p.rejectUnknown(allowed: ["input", "output", "follow"] + ClipDetectorConfig.parameterNames)
                return try ClipDetectorReplay.job(name: name, input: p.string("input"), outputDirectory: p.string("output"),
                                                  config: ClipDetectorConfig(parameters: p), follow: try p.bool("follow", default: false))
            }),
        JobDefinition(
            name: LiveClipDetector.name,
            summary: "The live clip detector: chat from Kafka → bursts → Twitch clips → the clips table (Twitch from TWITCH_* variables)",
            parameterNames: LiveClipDetectorConfig.parameterNames,
            reportedMetrics: [("records in", "chat-source", "numRecordsOut"), ("late", "chat-rate", "numLateRecordsDropped"),
                              ("dead-lettered", "chat-source", "numDeadLetters"), ("anomalies", "anomaly-detector", "anomalies_detected"),
                              ("clips created", "clips", "clips_created_success"), ("clips failed", "clips", "clips_created_failed")],
            make: { name, p in
                try LiveClipDetector.job(name: name, config: LiveClipDetectorConfig(parameters: p),
                                         creator: HelixClipCreator.fromEnvironment())
            }),
        JobDefinition(
            name: ChatPublish.name,
            summary: "Publishes a recorded chat stream (.jsonl or .jsonl.zst) into a Kafka topic, keyed by broadcaster_id",
            parameterNames: ["input", "topic"],
            reportedMetrics: [("records in", "chat-file", "numRecordsOut"), ("dead-lettered", "chat-file", "numDeadLetters"),
                              ("published", "chat-topic", "numRecordsIn")],
            make: { name, p in
                try p.rejectUnknown(allowed: ["input", "topic"])
                return try ChatPublish.job(name: name, input: p.string("input"), topic: p.string("topic"))
            }),
        JobDefinition(
            name: KafkaReadBench.name,
            summary: "Reads a Kafka topic of chat messages to its end into a discarding sink (source throughput)",
            parameterNames: ["input"],
            reportedMetrics: [("records in", "topic", "numRecordsOut"), ("dead-lettered", "topic", "numDeadLetters")],
            make: { name, p in
                try p.rejectUnknown(allowed: ["input"])
                return try KafkaReadBench.job(name: name, input: p.string("input"))
            }),
        JobDefinition(
            name: PostgresSinkBench.name,
            summary: "Upserts generated rows into a PostgreSQL table (sink throughput)",
            parameterNames: ["rows", "table", "url"],
            reportedMetrics: [("records in", "rows", "numRecordsOut"), ("written", "postgres", "numRecordsIn")],
            make: { name, p in
                try p.rejectUnknown(allowed: ["rows", "table", "url"])
                return try PostgresSinkBench.job(name: name, rows: Int(p.int64("rows", default: 1_000_000, min: 1)),
                                                 table: p.values["table"] ?? "bench_rows", url: p.values["url"])
            }),
    ]

    public static func named(_ name: String) -> JobDefinition? { all.first { $0.name == name } }
}

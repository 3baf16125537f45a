import Dataflow

/// Every runtime default in one place, named by Flink's configuration keys where one exists.
public struct DataflowConfiguration: Sendable, Equatable {
    /// `parallelism.default`
    public var defaultParallelism: Int = 1
    /// `taskmanager.numberOfTaskSlots`: a job's widest stage may have this many parallel subtasks.
    public var taskSlots: Int = 4
    /// `pipeline.max-parallelism`: the number of key groups.
    public var maxParallelism: Int = KeyGroups.defaultMaxParallelism
    /// `execution.buffer-timeout`: the longest a partly filled output buffer waits before it is sent.
    public var bufferTimeoutMillis: Int64 = 50
    /// Elements per exchange buffer (Flink sizes buffers in bytes; we count elements).
    public var bufferSize: Int = 1024
    /// Buffers an input gate holds per input channel before its producers block (the backpressure bound).
    public var buffersPerChannel: Int = 4
    /// Records a source reader may hand over per poll.
    public var sourceBatchSize: Int = 1024
    /// How long an idle source waits before polling again.
    public var sourceIdlePollMillis: Int64 = 5
    /// `task.cancellation.timeout` (Flink's default): how long a cancelled subtask may take to end before its
    /// TaskManager gives up on it (the subtask is abandoned and counted as canceled, so the job still ends); 0 waits forever.
    public var taskCancellationTimeoutMillis: Int64 = 180_000
    /// `task.cancellation.interval` (Flink's default): how often a subtask that does not end after a cancel is logged.
    public var taskCancellationIntervalMillis: Int64 = 30_000

    public init() {}

    /// Applies Flink-style `key: value` overrides; unknown keys are rejected so typos do not pass silently.
    public mutating func apply(_ settings: [String: String]) throws {
        for (key, value) in settings {
            func int() throws -> Int {
                guard let v = Int(value), v > 0 else { throw ConfigurationError("\(key) must be a positive integer, not '\(value)'") }
                return v
            }
            func millis() throws -> Int64 {
                guard let v = Int64(value), v >= 0 else { throw ConfigurationError("\(key) must be milliseconds (0 or more), not '\(value)'") }
                return v
            }
            switch key {
            case "parallelism.default": defaultParallelism = try int()
            case "taskmanager.numberOfTaskSlots": taskSlots = try int()
            case "pipeline.max-parallelism": maxParallelism = try int()
            case "execution.buffer-timeout": bufferTimeoutMillis = Int64(try int())
            case "execution.buffer-size": bufferSize = try int()
            case "execution.buffers-per-channel": buffersPerChannel = try int()
            case "task.cancellation.timeout": taskCancellationTimeoutMillis = try millis()
            case "task.cancellation.interval": taskCancellationIntervalMillis = try millis()
            default: throw ConfigurationError("unknown configuration key '\(key)'")
            }
        }
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

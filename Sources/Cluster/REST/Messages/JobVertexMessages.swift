// Bodies of the vertex endpoints, field for field as Flink 2.3 sends them (reference/flink-rest-samples).

import Dataflow

/// Min, max, sum, mean and percentiles of a figure over subtasks (Flink's `AggregatedMetricsResponseBody` inside
/// vertex details: integers).
public struct AggregatedStatistics: Codable, Sendable, Equatable {
    public var p25: Int64
    public var min: Int64
    public var avg: Int64
    public var median: Int64
    public var max: Int64
    public var sum: Int64
    public var p95: Int64
    public var p75: Int64

    /// Percentiles as Apache Commons Math computes them (Flink's `DescriptiveStatistics`, R6 estimation).
    public init(_ values: [Int64]) {
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Int64 {
            guard !sorted.isEmpty else { return 0 }
            let position = p * Double(sorted.count + 1)
            if position < 1 { return sorted[0] }
            if position >= Double(sorted.count) { return sorted[sorted.count - 1] }
            let lower = Int(position.rounded(.down))
            let fraction = position - Double(lower)
            let a = Double(sorted[lower - 1]), b = Double(sorted[lower])
            return Int64((a + fraction * (b - a)).rounded(.down))
        }
        min = sorted.first ?? 0
        max = sorted.last ?? 0
        sum = sorted.reduce(0, +)
        avg = sorted.isEmpty ? 0 : sum / Int64(sorted.count)
        p25 = percentile(0.25)
        median = percentile(0.5)
        p75 = percentile(0.75)
        p95 = percentile(0.95)
    }
}

/// The `aggregated` block of vertex details: I/O figures and time per state over subtasks.
public struct VertexAggregates: Codable, Sendable, Equatable {
    public var metrics: [String: AggregatedStatistics]
    public var statusDuration: [String: AggregatedStatistics]
    enum CodingKeys: String, CodingKey { case metrics, statusDuration = "status-duration" }
}

/// One subtask in vertex details (`SubtaskExecutionAttemptDetailsInfo`).
public struct SubtaskDetails: Codable, Sendable, Equatable {
    public var subtask: Int
    public var status: ExecutionState
    public var attempt: Int
    public var endpoint: String
    public var startTime: Int64
    public var endTime: Int64
    public var duration: Int64
    public var metrics: IOMetrics
    public var taskManagerID: TaskManagerID
    public var statusDuration: [String: Int64]
    /// Flink still sends the old name beside `start-time`.
    public var legacyStartTime: Int64
    enum CodingKeys: String, CodingKey {
        case subtask, status, attempt, endpoint, startTime = "start-time", endTime = "end-time", duration, metrics
        case taskManagerID = "taskmanager-id", statusDuration = "status-duration", legacyStartTime = "start_time"
    }
}

/// `GET /jobs/:jobid/vertices/:vertexid` (`JobVertexDetailsInfo`).
public struct JobVertexDetailsInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public var id: VertexID
    public var name: String
    public var parallelism: Int
    public var maxParallelism: Int
    public var now: Int64
    public var subtasks: [SubtaskDetails]
    public var aggregated: VertexAggregates
}

/// `GET /jobs/:jobid/vertices/:vertexid/subtasktimes` (`SubtasksTimesInfo`).
public struct SubtasksTimesInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public struct Subtask: Codable, Sendable, Equatable {
        public var subtask: Int
        public var endpoint: String
        public var duration: Int64
        public var timestamps: [String: Int64]
    }
    public var id: VertexID
    public var name: String
    public var now: Int64
    public var subtasks: [Subtask]
}

/// `GET /jobs/:jobid/vertices/:vertexid/taskmanagers` (`JobVertexTaskManagersInfo`): the vertex's subtasks grouped
/// by the TaskManager running them.
public struct JobVertexTaskManagersInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public struct TaskManager: Codable, Sendable, Equatable {
        public var endpoint: String
        public var status: ExecutionState
        public var startTime: Int64
        public var endTime: Int64
        public var duration: Int64
        public var metrics: IOMetrics
        public var statusCounts: [String: Int]
        public var taskManagerID: TaskManagerID
        public var aggregated: VertexAggregates
        enum CodingKeys: String, CodingKey {
            case endpoint, status, startTime = "start-time", endTime = "end-time", duration, metrics
            case statusCounts = "status-counts", taskManagerID = "taskmanager-id", aggregated
        }
    }
    public var id: VertexID
    public var name: String
    public var now: Int64
    public var taskmanagers: [TaskManager]
}

/// `GET /jobs/:jobid/vertices/:vertexid/backpressure` (`JobVertexBackPressureInfo`).
public struct JobVertexBackPressureInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public struct Subtask: Codable, Sendable, Equatable {
        public var subtask: Int
        public var backpressureLevel: String
        public var ratio: Double
        public var idleRatio: Double
        public var busyRatio: Double
        /// Flink sends the level under both names.
        public var legacyBackpressureLevel: String
        enum CodingKeys: String, CodingKey {
            case subtask, backpressureLevel, ratio, idleRatio, busyRatio, legacyBackpressureLevel = "backpressure-level"
        }
    }
    public var status: String
    public var backpressureLevel: String
    public var endTimestamp: Int64
    public var subtasks: [Subtask]
    public var legacyBackpressureLevel: String
    enum CodingKeys: String, CodingKey {
        case status, backpressureLevel, endTimestamp = "end-timestamp", subtasks, legacyBackpressureLevel = "backpressure-level"
    }
}

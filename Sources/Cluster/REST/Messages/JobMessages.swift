// Bodies of the job endpoints, field for field as Flink 2.3 sends them (reference/flink-rest-samples).

import Dataflow

/// `GET /jobs` (`JobIdsWithStatusOverview`).
public struct JobIDsWithStatus: Codable, Sendable, Equatable, RESTMessageBody {
    public struct Entry: Codable, Sendable, Equatable {
        public var id: JobID
        public var status: JobState
    }
    public var jobs: [Entry]
}

/// `GET /jobs/overview` (`MultipleJobsDetails`): what `flink list` reads.
public struct MultipleJobsDetails: Codable, Sendable, Equatable, RESTMessageBody {
    public var jobs: [JobDetails]
}

/// One job of `/jobs/overview` (`JobDetails`); `tasks` counts subtasks by lower-case execution state plus `total`.
public struct JobDetails: Codable, Sendable, Equatable {
    public var jid: JobID
    public var name: String
    public var jobType: String
    public var schedulerType: String
    public var startTime: Int64
    public var endTime: Int64
    public var duration: Int64
    public var state: JobState
    public var lastModification: Int64
    public var tasks: [String: Int]
    public var pendingOperators: Int
    enum CodingKeys: String, CodingKey {
        case jid, name, jobType, schedulerType, startTime = "start-time", endTime = "end-time", duration, state
        case lastModification = "last-modification", tasks, pendingOperators = "pending-operators"
    }

    public init(jid: JobID, name: String, jobType: String, schedulerType: String, startTime: Int64, endTime: Int64, duration: Int64,
                state: JobState, lastModification: Int64, tasks: [String: Int], pendingOperators: Int) {
        self.jid = jid; self.name = name; self.jobType = jobType; self.schedulerType = schedulerType; self.startTime = startTime
        self.endTime = endTime; self.duration = duration; self.state = state; self.lastModification = lastModification
        self.tasks = tasks; self.pendingOperators = pendingOperators
    }
}

/// Flink's `IOMetricsInfo`: records and bytes a task (or subtask) read and wrote, and where its time went.
public struct IOMetrics: Codable, Sendable, Equatable {
    public var readBytes: Int64 = 0
    public var readBytesComplete = false
    public var writeBytes: Int64 = 0
    public var writeBytesComplete = false
    public var readRecords: Int64 = 0
    public var readRecordsComplete = true
    public var writeRecords: Int64 = 0
    public var writeRecordsComplete = true
    public var accumulatedBackpressuredTime: Int64 = 0
    public var accumulatedIdleTime: Int64 = 0
    public var accumulatedBusyTime: Double = 0
    enum CodingKeys: String, CodingKey {
        case readBytes = "read-bytes", readBytesComplete = "read-bytes-complete", writeBytes = "write-bytes"
        case writeBytesComplete = "write-bytes-complete", readRecords = "read-records", readRecordsComplete = "read-records-complete"
        case writeRecords = "write-records", writeRecordsComplete = "write-records-complete"
        case accumulatedBackpressuredTime = "accumulated-backpressured-time", accumulatedIdleTime = "accumulated-idle-time"
        case accumulatedBusyTime = "accumulated-busy-time"
    }
}

/// `GET /jobs/:jobid` (`JobDetailsInfo`).
public struct JobDetailsInfo: Codable, Sendable, Equatable, RESTMessageBody {
    /// One vertex in the job's details (`JobDetailsVertexInfo`).
    public struct Vertex: Codable, Sendable, Equatable {
        public var id: VertexID
        public var slotSharingGroupID: String
        public var name: String
        public var maxParallelism: Int
        public var parallelism: Int
        public var status: ExecutionState
        public var startTime: Int64
        public var endTime: Int64
        public var duration: Int64
        public var tasks: [String: Int]
        public var metrics: IOMetrics
        enum CodingKeys: String, CodingKey {
            case id, slotSharingGroupID = "slotSharingGroupId", name, maxParallelism, parallelism, status
            case startTime = "start-time", endTime = "end-time", duration, tasks, metrics
        }
    }
    public var jid: JobID
    public var applicationID: JobID
    public var name: String
    public var isStoppable: Bool
    public var state: JobState
    public var jobType: String
    public var schedulerType: String
    public var startTime: Int64
    public var endTime: Int64
    public var duration: Int64
    public var maxParallelism: Int
    public var now: Int64
    public var timestamps: [String: Int64]
    public var vertices: [Vertex]
    public var statusCounts: [String: Int]
    public var plan: JobPlan
    public var pendingOperators: Int
    enum CodingKeys: String, CodingKey {
        case jid, applicationID = "application-id", name, isStoppable, state, jobType = "job-type", schedulerType
        case startTime = "start-time", endTime = "end-time", duration, maxParallelism, now, timestamps, vertices
        case statusCounts = "status-counts", plan, pendingOperators = "pending-operators"
    }
}

/// The job graph as the dashboard draws it (`JobPlanInfo.Plan`, written by `JsonPlanGenerator`): one node per
/// chained task, sinks first, with the exchanges into it.
public struct JobPlan: Codable, Sendable, Equatable {
    public struct Node: Codable, Sendable, Equatable {
        public var id: VertexID
        public var `operator`: String
        public var parallelism: Int
        public var operatorStrategy: String
        public var description: String
        public var optimizerProperties: OptimizerProperties
        /// Absent for sources, as in Flink's plan.
        public var inputs: [Input]?
        enum CodingKeys: String, CodingKey {
            case id, `operator`, parallelism, operatorStrategy = "operator_strategy", description
            case optimizerProperties = "optimizer_properties", inputs
        }
    }
    public struct Input: Codable, Sendable, Equatable {
        public var id: VertexID
        public var num: Int
        public var exchange: String
        public var shipStrategy: String
        enum CodingKeys: String, CodingKey { case id, num, exchange, shipStrategy = "ship_strategy" }
    }
    /// Always `{}` (our optimizer has nothing to say).
    public struct OptimizerProperties: Codable, Sendable, Equatable {}
    public var jid: JobID
    public var name: String
    public var type: String
    public var nodes: [Node]
}

/// `GET /jobs/:jobid/plan` (`JobPlanInfo`).
public struct JobPlanInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public var plan: JobPlan
}

/// `GET /jobs/:jobid/status` (`JobStatusInfo`).
public struct JobStatusInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public var status: JobState
}

/// `GET /jobs/:jobid/config` (`JobConfigInfo`); the wire names are `jid`/`name`/`execution-config`.
public struct JobConfigInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public struct ExecutionConfig: Codable, Sendable, Equatable {
        public var restartStrategy: String
        public var jobParallelism: Int
        public var objectReuseMode: Bool
        /// The job's parameters (our jobs' "user config").
        public var userConfig: [String: String]
        enum CodingKeys: String, CodingKey {
            case restartStrategy = "restart-strategy", jobParallelism = "job-parallelism", objectReuseMode = "object-reuse-mode"
            case userConfig = "user-config"
        }
    }
    public var jid: JobID
    public var name: String
    public var executionConfig: ExecutionConfig
    enum CodingKeys: String, CodingKey { case jid, name, executionConfig = "execution-config" }
}

/// `GET /jobs/:jobid/exceptions` (`JobExceptionsInfoWithHistory`, Flink 2 shape: the history only).
public struct JobExceptionsInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public struct History: Codable, Sendable, Equatable {
        public var entries: [RootException]
        public var truncated: Bool
    }
    /// `RootExceptionInfo`.
    public struct RootException: Codable, Sendable, Equatable {
        public var exceptionName: String
        public var stacktrace: String
        public var timestamp: Int64
        public var taskName: String?
        public var endpoint: String?
        public var taskManagerID: String?
        public var failureLabels: [String: String]
        public var concurrentExceptions: [RootException]
        enum CodingKeys: String, CodingKey {
            case exceptionName, stacktrace, timestamp, taskName, endpoint, taskManagerID = "taskManagerId", failureLabels, concurrentExceptions
        }
    }
    public var exceptionHistory: History
}

/// `GET /jobs/:jobid/execution-result` (`JobExecutionResultResponseBody`): what an attached `run` polls.
public struct JobExecutionResultResponse: Codable, Sendable, Equatable, RESTMessageBody {
    public struct QueueStatus: Codable, Sendable, Equatable {
        public var id: String    // IN_PROGRESS | COMPLETED
    }
    public struct Result: Codable, Sendable, Equatable {
        public var id: JobID
        public var name: String
        public var applicationStatus: String    // SUCCEEDED | FAILED | CANCELED
        public var accumulatorResults: [String: String]
        public var netRuntime: Int64
        public var failureCause: FailureCause?
        enum CodingKeys: String, CodingKey {
            case id, name, applicationStatus = "application-status", accumulatorResults = "accumulator-results"
            case netRuntime = "net-runtime", failureCause = "failure-cause"
        }
    }
    /// Flink's `SerializedThrowable` as JSON, without the Java-serialized bytes.
    public struct FailureCause: Codable, Sendable, Equatable {
        public var className: String
        public var stackTrace: String
        enum CodingKeys: String, CodingKey { case className = "class", stackTrace = "stack-trace" }
    }
    public var status: QueueStatus
    public var jobExecutionResult: Result?
    enum CodingKeys: String, CodingKey { case status, jobExecutionResult = "job-execution-result" }
}

/// The answer to a submission: the new job's id (as `/jars/:id/run`) and URL (as `POST /jobs`).
public struct JobSubmitResponse: Codable, Sendable, Equatable, RESTMessageBody {
    public var jobID: JobID
    public var jobURL: String
    enum CodingKeys: String, CodingKey { case jobID = "jobid", jobURL = "jobUrl" }
}

extension JobSubmission: RESTMessageBody {}

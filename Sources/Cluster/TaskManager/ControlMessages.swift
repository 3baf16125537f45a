import Dataflow
import Foundation
import Runtime

/// The one message set between TaskManagers and the JobManager (`jobmanager.rpc.port`): JSON in length-prefixed
/// frames over one TCP connection per TaskManager, opened by the TaskManager.
public enum ControlMessage: Codable, Sendable {
    /// TaskManager → JobManager, first on a connection.
    case register(TaskManagerHello)
    /// JobManager → TaskManager: accepted.
    case registered(jobManager: String)
    /// TaskManager → JobManager, every `heartbeat.interval`.
    case heartbeat(timestamp: Int64, process: ProcessStatistics)
    /// JobManager → TaskManager: run the subtasks in your slots.
    case deploy(TaskDeploymentDescriptor)
    /// JobManager → TaskManager: stop a job attempt's subtasks.
    case cancel(jobID: JobID, attempt: Int)
    /// JobManager → TaskManager: stop a job attempt for a savepoint; its final `taskState` carries the states.
    case stop(jobID: JobID, attempt: Int, mode: JobExecution.StopMode)
    /// TaskManager → JobManager: a job attempt's state on this TaskManager and its subtasks' metrics and states
    /// (sent when deployed, when it ends, and every `metrics.fetcher.update-interval` while it runs).
    case taskState(TaskStateReport)

    static let frameKind: UInt8 = 10

    public func frame() throws -> [UInt8] { Array(try JSONEncoder().encode(self)) }
    public static func parse(_ payload: [UInt8]) throws -> ControlMessage { try JSONDecoder().decode(ControlMessage.self, from: Data(payload)) }
}

public struct TaskManagerHello: Codable, Sendable {
    public let id: TaskManagerID
    public let host: String
    public let dataPort: Int
    public let slots: Int
    public let cpuCores: Int
    public let physicalMemory: Int64
}

/// The runtime settings a job runs with (the JobManager's, so every TaskManager builds the same graph).
public struct RuntimeSettings: Codable, Sendable {
    var defaultParallelism: Int
    var maxParallelism: Int
    var bufferTimeoutMillis: Int64
    var bufferSize: Int
    var buffersPerChannel: Int
    var taskCancellationTimeoutMillis: Int64
    var taskCancellationIntervalMillis: Int64

    init(_ c: DataflowConfiguration) {
        defaultParallelism = c.defaultParallelism; maxParallelism = c.maxParallelism; bufferTimeoutMillis = c.bufferTimeoutMillis
        bufferSize = c.bufferSize; buffersPerChannel = c.buffersPerChannel
        taskCancellationTimeoutMillis = c.taskCancellationTimeoutMillis; taskCancellationIntervalMillis = c.taskCancellationIntervalMillis
    }

    var configuration: DataflowConfiguration {
        var c = DataflowConfiguration()
        c.defaultParallelism = defaultParallelism; c.maxParallelism = maxParallelism; c.bufferTimeoutMillis = bufferTimeoutMillis
        c.bufferSize = bufferSize; c.buffersPerChannel = buffersPerChannel
        c.taskCancellationTimeoutMillis = taskCancellationTimeoutMillis; c.taskCancellationIntervalMillis = taskCancellationIntervalMillis
        c.taskSlots = 1024
        return c
    }
}

/// What a TaskManager needs to run its share of a job attempt: the job by name (every process builds the same
/// graph from it), which TaskManager holds each of the job's slots, and where the others' data ports are.
public struct TaskDeploymentDescriptor: Codable, Sendable {
    public let jobID: JobID
    public let attempt: Int
    public let submission: JobSubmission
    public let runtime: RuntimeSettings
    /// Per slot (= subtask index), the TaskManager's id.
    public let slotOwners: [String]
    public let peers: [PeerAddress]
    /// A savepoint (its directory) every TaskManager reads its share of state from; nil starts empty.
    public var restoreFrom: String? = nil
    public var allowNonRestoredState: Bool? = nil

    /// The savepoint to restore, read from the shared path.
    func savepointRestore() throws -> SavepointRestore? {
        guard let restoreFrom else { return nil }
        return SavepointRestore(savepoint: try Savepoint.read(restoreFrom), allowNonRestoredState: allowNonRestoredState ?? false)
    }
}

public struct TaskStateReport: Codable, Sendable {
    public let jobID: JobID
    public let attempt: Int
    public let status: JobStatus
    public let failure: String?
    public let metrics: [SubtaskMetrics]
    /// With the final report of a stopped attempt: the subtasks' states for the savepoint.
    public var states: [SubtaskState]? = nil
    /// Each subtask's execution state here (absent from TaskManagers that predate per-subtask states).
    public var statuses: [SubtaskStatus]? = nil
}

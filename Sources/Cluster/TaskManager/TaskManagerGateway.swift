import Dataflow
import Runtime

/// What a TaskManager tells the JobManager when it registers: who it is, where it is, what it offers.
public struct TaskManagerRegistration: Sendable {
    public let id: TaskManagerID
    public let host: String
    /// Port for network exchanges between TaskManagers; -1 while exchanges stay inside one process.
    public let dataPort: Int
    public let slots: Int
    public let cpuCores: Int
    public let physicalMemory: Int64
    /// Epoch milliseconds.
    public let registeredAt: Int64

    /// `host:dataPort` as Flink's `endpoint` fields show it (the host alone without a data port).
    public var endpoint: String { dataPort > 0 ? "\(host):\(dataPort)" : host }
    /// Flink's `path` field: the TaskManager's RPC address.
    public var path: String { "dataflow://\(host)/taskmanager/\(id)" }
}

/// The JobManager's handle on a TaskManager (Flink's `TaskExecutorGateway`). In this slice a job is deployed whole
/// onto one TaskManager in the same process; a remote TaskManager implements the same protocol over RPC.
public protocol TaskManagerGateway: Sendable {
    var registration: TaskManagerRegistration { get }

    /// Builds and starts every subtask of `job` in this TaskManager's slots.
    func deploy(_ job: Job, jobID: JobID, parallelism: Int?, configuration: DataflowConfiguration) throws -> any DeployedJob

    /// The TaskManager's liveness and process statistics (memory, CPU, threads).
    func heartbeat() -> TaskManagerHeartbeat
}

/// A job running on a TaskManager, as the JobManager follows it.
public protocol DeployedJob: AnyObject, Sendable {
    var status: JobStatus { get }
    func cancel()
    func completion() async -> JobResult
    func subtaskMetrics() -> [SubtaskMetrics]
}

extension JobExecution: DeployedJob {}

/// A TaskManager's periodic report.
public struct TaskManagerHeartbeat: Sendable {
    /// Epoch milliseconds of the report.
    public let timestamp: Int64
    public let process: ProcessStatistics
}

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

    public init(id: TaskManagerID, host: String, dataPort: Int, slots: Int, cpuCores: Int, physicalMemory: Int64, registeredAt: Int64) {
        self.id = id; self.host = host; self.dataPort = dataPort; self.slots = slots; self.cpuCores = cpuCores
        self.physicalMemory = physicalMemory; self.registeredAt = registeredAt
    }

    /// `host:dataPort` as Flink's `endpoint` fields show it (the host alone without a data port).
    public var endpoint: String { dataPort > 0 ? "\(host):\(dataPort)" : host }
    /// Flink's `path` field: the TaskManager's RPC address.
    public var path: String { "dataflow://\(host)/taskmanager/\(id)" }
    /// Where its data port is, for the other TaskManagers of a job.
    public var peerAddress: PeerAddress { PeerAddress(id: id.description, host: host, port: dataPort) }
}

/// The JobManager's handle on a TaskManager (Flink's `TaskExecutorGateway`): one in this process
/// (`LocalTaskManager`), or one in another process reached over the RPC connection (`RemoteTaskManager`).
public protocol TaskManagerGateway: Sendable {
    var registration: TaskManagerRegistration { get }

    /// Builds and starts the subtasks of a job attempt that the descriptor places into this TaskManager's slots.
    /// `resolved` and `graph` are the JobManager's; a remote TaskManager builds its own from the descriptor.
    func deploy(_ descriptor: TaskDeploymentDescriptor, resolved: ResolvedJob, graph: JobGraph) throws -> any DeployedJob

    /// The TaskManager's liveness and process statistics (memory, CPU, threads).
    func heartbeat() -> TaskManagerHeartbeat
}

/// A job (or one TaskManager's share of it) running, as the JobManager follows it.
public protocol DeployedJob: AnyObject, Sendable {
    var status: JobStatus { get }
    func cancel()
    /// Stops for a savepoint (sources stop, the rest drains, subtasks snapshot); false when it is not running.
    @discardableResult
    func stopWithSavepoint(_ mode: JobExecution.StopMode) -> Bool
    /// Once ended after `stopWithSavepoint`: the subtasks' states.
    func subtaskStates() -> [SubtaskState]
    func completion() async -> JobResult
    func subtaskMetrics() -> [SubtaskMetrics]
    /// The state of each subtask it runs (none before the first report of a remote share).
    func subtaskStatuses() -> [SubtaskStatus]
}

extension JobExecution: DeployedJob {}

/// A TaskManager's periodic report.
public struct TaskManagerHeartbeat: Sendable {
    /// Epoch milliseconds of the report.
    public let timestamp: Int64
    public let process: ProcessStatistics
}

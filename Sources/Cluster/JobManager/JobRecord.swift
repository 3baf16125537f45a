import Dataflow
import Runtime

/// A failure kept for `/jobs/:id/exceptions` (Flink's exception history entry).
public struct JobException: Sendable, Equatable {
    public let exceptionName: String
    public let message: String
    /// Epoch milliseconds.
    public let timestamp: Int64
    /// The failing subtask, `name (i/n)`, when the runtime named one.
    public let taskName: String?
    public let taskManagerID: TaskManagerID?
    public let endpoint: String?

    /// Flink shows a stack trace; ours is the exception line (Swift errors carry no trace).
    public var stacktrace: String { "\(exceptionName): \(message)" }

    /// A failure before the job's subtasks ran (deployment).
    init(error: Error, timestamp: Int64, taskManager: TaskManagerRegistration?) {
        exceptionName = "DeploymentFailure"
        message = "\(error)"
        taskName = nil
        self.timestamp = timestamp
        taskManagerID = taskManager?.id
        endpoint = taskManager?.endpoint
    }

    /// Reads the runtime's failure text, `stage (i/n) failed: reason`.
    init(runtimeFailure failure: String, timestamp: Int64, taskManager: TaskManagerRegistration?) {
        if let range = failure.range(of: " failed: ") {
            taskName = String(failure[..<range.lowerBound])
            message = String(failure[range.upperBound...])
        } else {
            taskName = nil
            message = failure
        }
        exceptionName = "TaskFailure"
        self.timestamp = timestamp
        taskManagerID = taskManager?.id
        endpoint = taskManager?.endpoint
    }
}

/// When the subtasks of a job passed through deployment (Flink reports these per subtask; ours are job-wide).
public struct DeploymentTimes: Sendable {
    public var created: Int64 = 0
    public var scheduled: Int64 = 0
    public var deploying: Int64 = 0
    public var initializing: Int64 = 0
    public var running: Int64 = 0
}

/// Everything the JobManager keeps about one job. Guarded by the JobManager's lock.
struct JobRecord: Sendable {
    let id: JobID
    let name: String
    /// The graph of the current attempt (a rescale replaces it).
    var graph: JobGraph
    let parameters: [String: String]
    var parallelism: Int
    /// The TaskManager of the job's first slot (where a job on one TaskManager runs).
    var taskManager: TaskManagerID
    /// Per slot of the current attempt, its TaskManager.
    var slotOwners: [TaskManagerID] = []
    /// Every TaskManager's registration as the attempt was deployed (kept after a TaskManager is gone).
    var locations: [TaskManagerID: TaskManagerRegistration] = [:]
    /// The execution attempt: 0, then one more per restart.
    var attempt = 0
    /// Failures as the restart strategy counts them.
    var failureHistory = FailureHistory()
    /// The submission as received, for redeploying after a failure.
    var submission: JobSubmission?
    var resolved: ResolvedJob?
    var deployed: (any DeployedJob)?
    var state: JobState
    var timestamps: [JobState: Int64] = [:]
    var endTime: Int64 = -1
    var lastModification: Int64
    var exceptions: [JobException] = []
    var deployment = DeploymentTimes()
    /// From receiving the submission to RUNNING, in milliseconds.
    var submissionToRunningMillis: Double?
    /// The metrics as the job ended (the execution is let go then).
    var finalMetrics: [SubtaskMetrics]?
    /// The subtasks' states as the attempt ended.
    var finalStatuses: [SubtaskStatus]?
    /// The savepoint the next attempt restores (the one submitted with, then the latest taken): restarts after a
    /// failure resume from it too.
    var restoreFrom: String?
    var allowNonRestoredState = false
    /// A stop for a savepoint in progress (at most one at a time).
    var pendingSavepoint: PendingSavepoint?
    /// Every savepoint triggered for this job (in progress, completed, failed), oldest first.
    var savepointHistory: [SavepointHistoryEntry] = []
    /// The savepoint the current attempt restored from (nil when it started empty), and how many attempts restored one.
    var restored: RestoredSavepoint?
    var restoreCount = 0

    var startTime: Int64 { timestamps[.initializing] ?? timestamps[.created] ?? 0 }

    /// An attempt is being deployed: it restores `restoreFrom`, if any.
    mutating func noteDeployment(at time: Int64) {
        restored = restoreFrom.map { path in
            let location = path.hasPrefix("file:") ? path : "file:" + path
            let id = savepointHistory.last { entry in
                if case .completed(let l, _) = entry.status { return l == location } else { return false }
            }?.id
            return RestoredSavepoint(location: location, timestamp: time, savepointID: id)
        }
        if restored != nil { restoreCount += 1 }
    }

    mutating func transition(to state: JobState, at time: Int64) {
        self.state = state
        timestamps[state] = time
        lastModification = time
        if state.isTerminal { endTime = time }
    }
}

/// A point-in-time copy of a job, with its metrics, for the REST API and the metrics reporter.
public struct JobSnapshot: Sendable {
    public let id: JobID
    public let name: String
    public let state: JobState
    public let startTime: Int64
    /// -1 while the job runs.
    public let endTime: Int64
    public let lastModification: Int64
    /// When the job entered each state it has been in.
    public let timestamps: [JobState: Int64]
    public let graph: JobGraph
    public let parameters: [String: String]
    public let parallelism: Int
    public let taskManager: TaskManagerRegistration?
    /// Per slot (= subtask index), the TaskManager running it in the current (or last) attempt.
    public let slotLocations: [TaskManagerRegistration]
    public let exceptions: [JobException]
    public let deployment: DeploymentTimes
    public let submissionToRunningMillis: Double?
    public let metrics: JobMetrics
    /// [vertex][subtask]: the state (and its timestamps) each subtask reported in the running (or, once the job
    /// ended, the last) attempt; nil where none was reported.
    public let reportedStates: [[SubtaskStatus?]]
    /// Epoch milliseconds when the snapshot was taken.
    public let now: Int64

    /// Flink's `duration`: until now while running, until the end after.
    public var duration: Int64 { (endTime >= 0 ? endTime : now) - startTime }

    /// The state the job's status implies for its subtasks, for those that reported none.
    public var executionState: ExecutionState { state.executionState }

    /// What a subtask reported, if it did.
    public func reported(vertex: Int, subtask: Int) -> SubtaskStatus? {
        vertex < reportedStates.count && subtask < reportedStates[vertex].count ? reportedStates[vertex][subtask] : nil
    }

    /// One subtask's state: its own as reported, else the job-wide one.
    public func subtaskState(vertex: Int, subtask: Int) -> ExecutionState {
        reported(vertex: vertex, subtask: subtask).flatMap { ExecutionState(rawValue: $0.state.rawValue) } ?? executionState
    }

    /// Lays reported subtask states out per vertex and subtask.
    static func grid(_ graph: JobGraph, _ reported: [SubtaskStatus]) -> [[SubtaskStatus?]] {
        var grid = graph.vertices.map { [SubtaskStatus?](repeating: nil, count: $0.parallelism) }
        for s in reported where s.vertex < grid.count && s.subtask < grid[s.vertex].count { grid[s.vertex][s.subtask] = s }
        return grid
    }

    /// Subtasks of all vertices: Flink's task count.
    public var totalTasks: Int { graph.vertices.reduce(0) { $0 + $1.parallelism } }
}

import Runtime

/// Flink's `JobStatus`, every value, as the REST API names them.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case initializing = "INITIALIZING", created = "CREATED", running = "RUNNING", failing = "FAILING", failed = "FAILED"
    case cancelling = "CANCELLING", canceled = "CANCELED", finished = "FINISHED", restarting = "RESTARTING"
    case suspended = "SUSPENDED", reconciling = "RECONCILING"

    /// Flink's `isGloballyTerminalState`: the job will not run again.
    public var isTerminal: Bool { self == .finished || self == .canceled || self == .failed }

    /// The state `flink list` files a job under: scheduled (created), running (incl. restarting), or terminated.
    public var isScheduled: Bool { self == .created || self == .initializing }

    init(_ status: JobStatus) {
        switch status {
        case .created: self = .created
        case .running: self = .running
        case .finished: self = .finished
        case .cancelling: self = .cancelling
        case .canceled: self = .canceled
        case .failing: self = .failing
        case .failed: self = .failed
        }
    }

    /// What the subtasks of a job in this state are doing (a job-wide view: the runtime reports job status only).
    var executionState: ExecutionState {
        switch self {
        case .initializing, .created: return .created
        case .running, .reconciling: return .running
        case .failing, .cancelling, .restarting, .suspended: return .canceling
        case .failed: return .failed
        case .canceled: return .canceled
        case .finished: return .finished
        }
    }
}

/// Flink's `ExecutionState` of a subtask.
public enum ExecutionState: String, Sendable, Codable, CaseIterable {
    case created = "CREATED", scheduled = "SCHEDULED", deploying = "DEPLOYING", running = "RUNNING", finished = "FINISHED"
    case canceling = "CANCELING", canceled = "CANCELED", failed = "FAILED", reconciling = "RECONCILING", initializing = "INITIALIZING"

    var isTerminal: Bool { self == .finished || self == .canceled || self == .failed }
}

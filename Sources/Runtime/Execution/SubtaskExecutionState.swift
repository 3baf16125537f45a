/// Where one subtask is in its life, named as Flink's `ExecutionState`: DEPLOYING until its thread starts,
/// INITIALIZING while its operators open, RUNNING, then FINISHED, CANCELED or FAILED (CANCELING while a cancel
/// unwinds it).
public enum SubtaskExecutionState: String, Sendable, Codable, CaseIterable {
    case deploying = "DEPLOYING", initializing = "INITIALIZING", running = "RUNNING", finished = "FINISHED"
    case canceling = "CANCELING", canceled = "CANCELED", failed = "FAILED"

    public var isTerminal: Bool { self == .finished || self == .canceled || self == .failed }
}

/// One subtask's state, as a TaskManager reports it, with when it entered each state it has been in.
public struct SubtaskStatus: Sendable, Codable, Equatable {
    public let vertex: Int
    public let subtask: Int
    public let state: SubtaskExecutionState
    /// Epoch milliseconds, by state (`SubtaskExecutionState.rawValue`).
    public let timestamps: [String: Int64]

    public init(vertex: Int, subtask: Int, state: SubtaskExecutionState, timestamps: [String: Int64] = [:]) {
        self.vertex = vertex; self.subtask = subtask; self.state = state; self.timestamps = timestamps
    }

    public func enteredAt(_ state: SubtaskExecutionState) -> Int64? { timestamps[state.rawValue] }

    /// The same subtask in another state from `time` on.
    public func entering(_ state: SubtaskExecutionState, at time: Int64) -> SubtaskStatus {
        var t = timestamps
        t[state.rawValue] = time
        return SubtaskStatus(vertex: vertex, subtask: subtask, state: state, timestamps: t)
    }
}

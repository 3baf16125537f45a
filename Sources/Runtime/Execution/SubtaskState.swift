/// Where one subtask is in its life, named as Flink's `ExecutionState`: DEPLOYING until its thread starts,
/// INITIALIZING while its operators open, RUNNING, then FINISHED, CANCELED or FAILED (CANCELING while a cancel
/// unwinds it).
public enum SubtaskState: String, Sendable, Codable, CaseIterable {
    case deploying = "DEPLOYING", initializing = "INITIALIZING", running = "RUNNING", finished = "FINISHED"
    case canceling = "CANCELING", canceled = "CANCELED", failed = "FAILED"

    public var isTerminal: Bool { self == .finished || self == .canceled || self == .failed }
}

/// One subtask's state, as a TaskManager reports it.
public struct SubtaskStatus: Sendable, Codable, Equatable {
    public let vertex: Int
    public let subtask: Int
    public let state: SubtaskState

    public init(vertex: Int, subtask: Int, state: SubtaskState) {
        self.vertex = vertex; self.subtask = subtask; self.state = state
    }
}

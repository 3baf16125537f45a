import Dataflow

/// Where the subtasks of one job attempt run. Slot sharing as Flink's: slot i of the job runs subtask i of every
/// vertex, and each slot lives on one TaskManager.
public struct SubtaskPlacement: @unchecked Sendable {
    /// The TaskManager (id) of each of the job's slots.
    public let slotOwners: [String]
    /// This TaskManager's id.
    public let localID: String
    /// Restarts count up; channel keys carry it.
    public let attempt: Int
    public let network: NetworkEnvironment?

    public init(slotOwners: [String], localID: String, attempt: Int, network: NetworkEnvironment?) {
        self.slotOwners = slotOwners; self.localID = localID; self.attempt = attempt; self.network = network
    }

    public func owner(of subtask: Int) -> String { slotOwners[subtask] }
    public func isLocal(_ subtask: Int) -> Bool { slotOwners[subtask] == localID }
    public var spansTaskManagers: Bool { Set(slotOwners).count > 1 }
}

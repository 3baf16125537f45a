import Dataflow

/// The JobManager's slot table: how many slots each registered TaskManager offers and which jobs hold them.
/// A job needs as many slots as its widest vertex (slot sharing: subtask i of every vertex shares slot i), and in
/// this slice all of them on one TaskManager. Not thread-safe: the JobManager guards it.
struct SlotPool: Sendable {
    struct Allocation: Sendable {
        let jobID: JobID
        /// Subtasks running in each of the job's slots (Flink's `assignedTasks` per slot).
        let tasksPerSlot: [Int]
        var slots: Int { tasksPerSlot.count }
    }
    private(set) var taskManagers: [TaskManagerID] = []
    private var offered: [TaskManagerID: Int] = [:]
    private(set) var allocations: [TaskManagerID: [Allocation]] = [:]

    mutating func register(_ id: TaskManagerID, slots: Int) {
        if offered[id] == nil { taskManagers.append(id) }
        offered[id] = slots
    }

    var totalSlots: Int { offered.values.reduce(0, +) }
    var freeSlots: Int { taskManagers.reduce(0) { $0 + free(on: $1) } }

    func slots(of tm: TaskManagerID) -> Int { offered[tm] ?? 0 }
    func free(on tm: TaskManagerID) -> Int { slots(of: tm) - (allocations[tm] ?? []).reduce(0) { $0 + $1.slots } }

    /// Reserves `slots` on the TaskManager with the most free slots, or explains why it cannot.
    mutating func allocate(_ jobID: JobID, tasksPerSlot: [Int], jobName: String) throws(JobSubmissionError) -> TaskManagerID {
        let slots = tasksPerSlot.count
        guard !taskManagers.isEmpty else {
            throw .noResources("no TaskManager is registered: start one (dataflow cluster starts one with the JobManager)")
        }
        let largest = taskManagers.map { self.slots(of: $0) }.max() ?? 0
        guard slots <= largest else {
            throw .invalid("job '\(jobName)' needs \(slots) task slots (its widest vertex has parallelism \(slots)), but a TaskManager "
                + "offers at most \(largest); lower the parallelism (-p) or raise taskmanager.numberOfTaskSlots")
        }
        guard let target = taskManagers.max(by: { free(on: $0) < free(on: $1) }), free(on: target) >= slots else {
            throw .noResources("not enough free task slots: job '\(jobName)' needs \(slots), \(freeSlots) of \(totalSlots) are free; "
                + "cancel a running job (dataflow list, dataflow cancel JOBID) or lower the parallelism (-p)")
        }
        allocations[target, default: []].append(Allocation(jobID: jobID, tasksPerSlot: tasksPerSlot))
        return target
    }

    mutating func release(_ jobID: JobID) {
        for tm in taskManagers { allocations[tm]?.removeAll { $0.jobID == jobID } }
    }
}

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

    /// Reserves the job's slots — on one TaskManager when one has room, else spread over several, fullest-free
    /// first — and returns the TaskManager of each slot; or explains why it cannot.
    mutating func allocate(_ jobID: JobID, tasksPerSlot: [Int], jobName: String) throws(JobSubmissionError) -> [TaskManagerID] {
        let slots = tasksPerSlot.count
        guard !taskManagers.isEmpty else {
            throw .noResources("no TaskManager is registered: start one (dataflow cluster starts one with the JobManager; "
                + "dataflow taskmanager joins a dataflow jobmanager)")
        }
        guard slots <= totalSlots else {
            throw .invalid("job '\(jobName)' needs \(slots) task slots (its widest vertex has parallelism \(slots)), but the cluster "
                + "offers at most \(totalSlots) (\(taskManagers.count) TaskManager\(taskManagers.count == 1 ? "" : "s")); lower the "
                + "parallelism (-p), raise taskmanager.numberOfTaskSlots or start more TaskManagers")
        }
        guard freeSlots >= slots else {
            throw .noResources("not enough free task slots: job '\(jobName)' needs \(slots), \(freeSlots) of \(totalSlots) are free; "
                + "cancel a running job (dataflow list, dataflow cancel JOBID) or lower the parallelism (-p)")
        }
        var owners: [TaskManagerID] = []
        if let single = taskManagers.filter({ free(on: $0) >= slots }).max(by: { free(on: $0) < free(on: $1) }) {
            owners = Array(repeating: single, count: slots)
        } else {
            // Stable order: most free slots first, registration order among equals.
            let order = taskManagers.enumerated().sorted { (free(on: $0.element), -$0.offset) > (free(on: $1.element), -$1.offset) }
            for (_, tm) in order where owners.count < slots {
                owners += Array(repeating: tm, count: min(free(on: tm), slots - owners.count))
            }
        }
        for tm in Set(owners) {
            let mine = owners.indices.filter { owners[$0] == tm }.map { tasksPerSlot[$0] }
            allocations[tm, default: []].append(Allocation(jobID: jobID, tasksPerSlot: mine))
        }
        return owners
    }

    /// Forgets a TaskManager (lost or shut down) and what it held.
    mutating func unregister(_ id: TaskManagerID) {
        taskManagers.removeAll { $0 == id }
        offered[id] = nil
        allocations[id] = nil
    }

    mutating func release(_ jobID: JobID) {
        for tm in taskManagers { allocations[tm]?.removeAll { $0.jobID == jobID } }
    }
}

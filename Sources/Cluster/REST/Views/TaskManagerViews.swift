import Dataflow

// How a registered TaskManager reads in Flink's TaskManager messages.

extension ResourceProfile {
    /// Flink's default profile gives a slot one CPU core; we account slots only, so memory figures stay 0.
    init(slots: Int) {
        self.init(cpuCores: Double(slots), taskHeapMemory: 0, taskOffHeapMemory: 0, managedMemory: 0, networkMemory: 0, extendedResources: [:])
    }
}

extension TaskManagerInfo {
    init(_ registration: TaskManagerRegistration, slots: SlotReport, heartbeat: TaskManagerHeartbeat) {
        let tasks = slots.allocations.reduce(0) { $0 + $1.tasksPerSlot.reduce(0, +) }
        self.init(id: registration.id, path: registration.path, dataPort: registration.dataPort, jmxPort: -1,
                  timeSinceLastHeartbeat: heartbeat.timestamp, slotsNumber: slots.total, freeSlots: slots.free, assignedTasks: tasks,
                  totalResource: ResourceProfile(slots: slots.total), freeResource: ResourceProfile(slots: slots.free),
                  hardware: HardwareDescription(cpuCores: registration.cpuCores, physicalMemory: registration.physicalMemory,
                                                freeMemory: heartbeat.process.availableMemory, managedMemory: 0),
                  memoryConfiguration: MemoryConfiguration())
    }
}

extension TaskManagerDetailsInfo {
    init(_ registration: TaskManagerRegistration, slots: SlotReport, heartbeat: TaskManagerHeartbeat) {
        var allocated: [AllocatedSlot] = []
        for allocation in slots.allocations {
            for tasks in allocation.tasksPerSlot {
                allocated.append(AllocatedSlot(jobID: allocation.jobID, resource: ResourceProfile(slots: 1), assignedTasks: tasks))
            }
        }
        var metrics = Metrics()
        metrics.heapUsed = heartbeat.process.residentBytes
        metrics.heapCommitted = heartbeat.process.residentBytes
        metrics.heapMax = heartbeat.process.physicalMemory
        self.init(info: TaskManagerInfo(registration, slots: slots, heartbeat: heartbeat), allocatedSlots: allocated, metrics: metrics)
    }
}

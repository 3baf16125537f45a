// Bodies of the TaskManager endpoints, field for field as Flink 2.3 sends them (reference/flink-rest-samples).
// JVM memory figures have no Swift counterpart: resident memory is reported where Flink puts heap, the rest is 0.

import Dataflow

/// Flink's `ResourceProfileInfo` (memory in MiB).
public struct ResourceProfile: Codable, Sendable, Equatable {
    public var cpuCores: Double
    public var taskHeapMemory: Int
    public var taskOffHeapMemory: Int
    public var managedMemory: Int
    public var networkMemory: Int
    public var extendedResources: [String: Double]
}

public struct HardwareDescription: Codable, Sendable, Equatable {
    public var cpuCores: Int
    public var physicalMemory: Int64
    public var freeMemory: Int64
    public var managedMemory: Int64
}

/// Flink's `TaskExecutorMemoryConfiguration` (bytes).
public struct MemoryConfiguration: Codable, Sendable, Equatable {
    public var frameworkHeap: Int64 = 0
    public var taskHeap: Int64 = 0
    public var frameworkOffHeap: Int64 = 0
    public var taskOffHeap: Int64 = 0
    public var networkMemory: Int64 = 0
    public var managedMemory: Int64 = 0
    public var jvmMetaspace: Int64 = 0
    public var jvmOverhead: Int64 = 0
    public var totalFlinkMemory: Int64 = 0
    public var totalProcessMemory: Int64 = 0
}

/// One TaskManager in `GET /taskmanagers` (`TaskManagerInfo`).
public struct TaskManagerInfo: Codable, Sendable, Equatable {
    public var id: TaskManagerID
    public var path: String
    public var dataPort: Int
    public var jmxPort: Int
    /// Flink puts the time of the last heartbeat here (epoch ms), despite the name.
    public var timeSinceLastHeartbeat: Int64
    public var slotsNumber: Int
    public var freeSlots: Int
    public var assignedTasks: Int
    public var totalResource: ResourceProfile
    public var freeResource: ResourceProfile
    public var hardware: HardwareDescription
    public var memoryConfiguration: MemoryConfiguration
}

/// `GET /taskmanagers` (`TaskManagersInfo`).
public struct TaskManagersInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public var taskmanagers: [TaskManagerInfo]
}

/// `GET /taskmanagers/:taskmanagerid` (`TaskManagerDetailsInfo`): the info plus its slots and memory figures.
public struct TaskManagerDetailsInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public struct AllocatedSlot: Codable, Sendable, Equatable {
        public var jobID: JobID
        public var resource: ResourceProfile
        public var assignedTasks: Int
        enum CodingKeys: String, CodingKey { case jobID = "jobId", resource, assignedTasks }
    }
    public struct GarbageCollector: Codable, Sendable, Equatable {
        public var name: String
        public var count: Int64
        public var time: Int64
    }
    /// `TaskManagerMetricsInfo`.
    public struct Metrics: Codable, Sendable, Equatable {
        public var heapUsed: Int64 = 0
        public var heapCommitted: Int64 = 0
        public var heapMax: Int64 = 0
        public var nonHeapUsed: Int64 = 0
        public var nonHeapCommitted: Int64 = 0
        public var nonHeapMax: Int64 = 0
        public var directCount: Int64 = 0
        public var directUsed: Int64 = 0
        public var directMax: Int64 = 0
        public var mappedCount: Int64 = 0
        public var mappedUsed: Int64 = 0
        public var mappedMax: Int64 = 0
        public var nettyShuffleMemorySegmentsAvailable: Int64 = 0
        public var nettyShuffleMemorySegmentsUsed: Int64 = 0
        public var nettyShuffleMemorySegmentsTotal: Int64 = 0
        public var nettyShuffleMemoryAvailable: Int64 = 0
        public var nettyShuffleMemoryUsed: Int64 = 0
        public var nettyShuffleMemoryTotal: Int64 = 0
        public var garbageCollectors: [GarbageCollector] = []
    }
    public var info: TaskManagerInfo
    public var allocatedSlots: [AllocatedSlot]
    public var metrics: Metrics

    // Flink flattens the info into the details object.
    enum CodingKeys: String, CodingKey { case allocatedSlots, metrics }
    public init(info: TaskManagerInfo, allocatedSlots: [AllocatedSlot], metrics: Metrics) {
        self.info = info
        self.allocatedSlots = allocatedSlots
        self.metrics = metrics
    }
    public init(from decoder: Decoder) throws {
        info = try TaskManagerInfo(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        allocatedSlots = try c.decode([AllocatedSlot].self, forKey: .allocatedSlots)
        metrics = try c.decode(Metrics.self, forKey: .metrics)
    }
    public func encode(to encoder: Encoder) throws {
        try info.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(allocatedSlots, forKey: .allocatedSlots)
        try c.encode(metrics, forKey: .metrics)
    }
}

import Dataflow
import Foundation
import Runtime

/// A TaskManager inside the JobManager's process (Flink's start-cluster shape): it runs the subtasks of the jobs
/// deployed to it on the runtime's `LocalExecutor`, each subtask on its own thread in one of its slots.
public final class LocalTaskManager: TaskManagerGateway {
    public let registration: TaskManagerRegistration
    private let statistics = ProcessStatisticsSampler()
    private let clock: @Sendable () -> Int64

    public init(id: TaskManagerID = .random(), host: String = "localhost", slots: Int,
                clock: @escaping @Sendable () -> Int64 = WallClock.millis) {
        let info = ProcessInfo.processInfo
        registration = TaskManagerRegistration(id: id, host: host, dataPort: -1, slots: slots, cpuCores: info.activeProcessorCount,
                                               physicalMemory: Int64(info.physicalMemory), registeredAt: clock())
        self.clock = clock
    }

    public func deploy(_ descriptor: TaskDeploymentDescriptor, resolved: ResolvedJob, graph: JobGraph) throws -> any DeployedJob {
        let mine = registration.id.description
        guard descriptor.slotOwners.allSatisfy({ $0 == mine }) else {
            throw JobDefinitionError("a TaskManager inside the JobManager's process has no data port: the job must fit its slots")
        }
        return try LocalExecutor(configuration: descriptor.runtime.configuration).deploy(graph, jobID: descriptor.jobID, placement: nil,
                                                                                      restore: try descriptor.savepointRestore())
    }

    public func heartbeat() -> TaskManagerHeartbeat {
        TaskManagerHeartbeat(timestamp: clock(), process: statistics.sample())
    }
}

/// Epoch milliseconds, the unit of every timestamp in Flink's REST API.
public enum WallClock {
    public static let millis: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

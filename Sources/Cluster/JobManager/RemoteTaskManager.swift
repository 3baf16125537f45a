import Dataflow
import Foundation
import Runtime
import Synchronization

/// A TaskManager in another process, as the JobManager sees it through its RPC connection: deploy and cancel go
/// out as messages; heartbeats and task state reports come back in.
final class RemoteTaskManager: TaskManagerGateway, @unchecked Sendable {
    let registration: TaskManagerRegistration
    private let connection: FramedSocket
    private struct State {
        var lastHeartbeat: TaskManagerHeartbeat
        var deployments: [String: RemoteDeployment] = [:]
        var lost: String?
    }
    private let state: Mutex<State>

    init(registration: TaskManagerRegistration, connection: FramedSocket) {
        self.registration = registration
        self.connection = connection
        state = Mutex(State(lastHeartbeat: TaskManagerHeartbeat(timestamp: registration.registeredAt, process: ProcessStatistics())))
    }

    private static func key(_ id: JobID, _ attempt: Int) -> String { "\(id)#\(attempt)" }

    func send(_ message: ControlMessage) throws {
        try connection.send(kind: ControlMessage.frameKind, payload: try message.frame())
    }

    func deploy(_ descriptor: TaskDeploymentDescriptor, resolved: ResolvedJob, graph: JobGraph) throws -> any DeployedJob {
        let deployment = RemoteDeployment(taskManager: self, jobID: descriptor.jobID, attempt: descriptor.attempt)
        let lost = state.withLock { s -> String? in
            if s.lost == nil { s.deployments[Self.key(descriptor.jobID, descriptor.attempt)] = deployment }
            return s.lost
        }
        if let lost { throw NetworkError("TaskManager \(registration.id) is gone: \(lost)") }
        try send(.deploy(descriptor))
        return deployment
    }

    func heartbeat() -> TaskManagerHeartbeat { state.withLock { $0.lastHeartbeat } }

    /// Epoch milliseconds of the last message heard.
    var lastHeard: Int64 { state.withLock { $0.lastHeartbeat.timestamp } }

    func received(heartbeat: TaskManagerHeartbeat) { state.withLock { $0.lastHeartbeat = heartbeat } }

    func received(_ report: TaskStateReport) {
        let deployment = state.withLock { s in
            s.lastHeartbeat = TaskManagerHeartbeat(timestamp: max(s.lastHeartbeat.timestamp, WallClock.millis()), process: s.lastHeartbeat.process)
            let key = Self.key(report.jobID, report.attempt)
            let d = s.deployments[key]
            if report.status.isTerminal { s.deployments[key] = nil }
            return d
        }
        deployment?.update(report)
    }

    /// The TaskManager is gone (connection closed or heartbeats missed): every share of a job it ran fails.
    func markLost(_ reason: String) {
        let deployments = state.withLock { s -> [RemoteDeployment] in
            s.lost = reason
            defer { s.deployments = [:] }
            return Array(s.deployments.values)
        }
        connection.close()
        for d in deployments { d.fail("TaskManager \(registration.id) (\(registration.endpoint)) lost: \(reason)") }
    }
}

/// One TaskManager's share of a job attempt, followed through its reports.
final class RemoteDeployment: DeployedJob, @unchecked Sendable {
    private weak var taskManager: RemoteTaskManager?
    let jobID: JobID
    let attempt: Int
    private struct State {
        var status: JobStatus = .running
        var failure: String?
        var metrics: [SubtaskMetrics] = []
        var statuses: [SubtaskStatus] = []
        var states: [SubtaskState] = []
        var waiters: [CheckedContinuation<JobResult, Never>] = []
        var started = DispatchTime.now().uptimeNanoseconds
        var ended: UInt64 = 0
    }
    private let state = Mutex(State())

    init(taskManager: RemoteTaskManager, jobID: JobID, attempt: Int) {
        self.taskManager = taskManager
        self.jobID = jobID
        self.attempt = attempt
    }

    var status: JobStatus { state.withLock { $0.status } }

    func cancel() {
        guard !status.isTerminal else { return }
        try? taskManager?.send(.cancel(jobID: jobID, attempt: attempt))
    }

    @discardableResult
    func stopWithSavepoint(_ mode: JobExecution.StopMode) -> Bool {
        guard !status.isTerminal, let taskManager else { return false }
        do { try taskManager.send(.stop(jobID: jobID, attempt: attempt, mode: mode)) } catch { return false }
        return true
    }

    func subtaskStates() -> [SubtaskState] { state.withLock { $0.states } }

    func subtaskMetrics() -> [SubtaskMetrics] { state.withLock { $0.metrics } }

    func subtaskStatuses() -> [SubtaskStatus] { state.withLock { $0.statuses } }

    func update(_ report: TaskStateReport) {
        finish { s in
            guard !s.status.isTerminal else { return false }
            s.status = report.status
            if !report.metrics.isEmpty { s.metrics = report.metrics }
            if let statuses = report.statuses, !statuses.isEmpty { s.statuses = statuses }
            if let f = report.failure { s.failure = f }
            if let states = report.states { s.states = states }
            return report.status.isTerminal
        }
    }

    func fail(_ reason: String) {
        finish { s in
            guard !s.status.isTerminal else { return false }
            s.status = .failed
            s.failure = reason
            // The TaskManager is gone: its subtasks that had not ended failed with it.
            let now = WallClock.millis()
            s.statuses = s.statuses.map { $0.state.isTerminal ? $0 : $0.entering(.failed, at: now) }
            return true
        }
    }

    private func finish(_ change: (inout State) -> Bool) {
        let (waiters, result) = state.withLock { s -> ([CheckedContinuation<JobResult, Never>], JobResult?) in
            guard change(&s) else { return ([], nil) }
            s.ended = DispatchTime.now().uptimeNanoseconds
            let w = s.waiters
            s.waiters = []
            return (w, self.result(s))
        }
        if let result { for w in waiters { w.resume(returning: result) } }
    }

    private func result(_ s: State) -> JobResult {
        JobResult(jobID: jobID, status: s.status, failure: s.failure, durationMillis: Int64((s.ended - s.started) / 1_000_000), stageMetrics: [:])
    }

    func completion() async -> JobResult {
        await withCheckedContinuation { c in
            let done = state.withLock { s -> JobResult? in
                if s.status.isTerminal { return result(s) }
                s.waiters.append(c)
                return nil
            }
            if let done { c.resume(returning: done) }
        }
    }
}

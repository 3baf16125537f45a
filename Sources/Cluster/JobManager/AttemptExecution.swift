import Dataflow
import Foundation
import Runtime
import Synchronization

/// One attempt of a job across its TaskManagers: the shares deployed to each, seen as one `DeployedJob`. When a
/// share fails, the others are cancelled; the attempt ends once every share has (FAILED if any failed, then
/// CANCELED if any was cancelled, else FINISHED).
final class AttemptExecution: DeployedJob, @unchecked Sendable {
    let jobID: JobID
    let attempt: Int
    /// (TaskManager, its share).
    let parts: [(TaskManagerRegistration, any DeployedJob)]
    private struct State {
        var failure: (message: String, taskManager: TaskManagerRegistration)?
        var cancelled = false
        var result: JobResult?
    }
    private let state = Mutex(State())
    private let started = DispatchTime.now().uptimeNanoseconds

    init(jobID: JobID, attempt: Int, parts: [(TaskManagerRegistration, any DeployedJob)]) {
        self.jobID = jobID
        self.attempt = attempt
        self.parts = parts
    }

    var status: JobStatus {
        if let r = state.withLock({ $0.result }) { return r.status }
        let statuses = parts.map { $0.1.status }
        if statuses.contains(.failed) || statuses.contains(.failing) { return .failing }
        if statuses.contains(.cancelling) || statuses.contains(.canceled) { return .cancelling }
        return .running
    }

    /// The first failure and where it happened.
    var failure: (message: String, taskManager: TaskManagerRegistration)? { state.withLock { $0.failure } }

    func cancel() {
        state.withLock { $0.cancelled = true }
        for (_, part) in parts { part.cancel() }
    }

    func subtaskMetrics() -> [SubtaskMetrics] { parts.flatMap { $0.1.subtaskMetrics() } }

    func subtaskStatuses() -> [SubtaskStatus] { parts.flatMap { $0.1.subtaskStatuses() } }

    /// Every share stops for the savepoint; true when all of them accepted.
    @discardableResult
    func stopWithSavepoint(_ mode: JobExecution.StopMode) -> Bool {
        var all = true
        for (_, part) in parts where !part.stopWithSavepoint(mode) { all = false }
        return all
    }

    func subtaskStates() -> [SubtaskState] { parts.flatMap { $0.1.subtaskStates() } }

    func completion() async -> JobResult {
        let results = await withTaskGroup(of: (Int, JobResult).self) { group in
            for (i, (_, part)) in parts.enumerated() { group.addTask { (i, await part.completion()) } }
            var results: [JobResult?] = Array(repeating: nil, count: parts.count)
            for await (i, result) in group {
                results[i] = result
                if result.status == .failed {
                    let first = state.withLock { s -> Bool in
                        guard s.failure == nil else { return false }
                        s.failure = (result.failure ?? "failed", parts[i].0)
                        return true
                    }
                    if first { for (j, (_, other)) in parts.enumerated() where j != i { other.cancel() } }
                }
            }
            return results.compactMap { $0 }
        }
        return state.withLock { s in
            let status: JobStatus = s.failure != nil ? .failed : (s.cancelled || results.contains { $0.status == .canceled } ? .canceled : .finished)
            let r = JobResult(jobID: jobID, status: status, failure: s.failure?.message,
                              durationMillis: Int64((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000), stageMetrics: [:])
            s.result = r
            return r
        }
    }
}

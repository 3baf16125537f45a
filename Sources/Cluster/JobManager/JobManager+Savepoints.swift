import Dataflow
import Foundation
import Runtime

/// What a stop for a savepoint is for.
public enum SavepointPurpose: Sendable, Equatable {
    /// `flink stop`: the job ends FINISHED after the savepoint.
    case stop
    /// `flink savepoint` without cancel: the job stops, and resumes from the savepoint at once.
    case keepRunning
    /// Rescaling: the job stops, and resumes from the savepoint at this parallelism (key groups redistributed).
    case rescale(Int)
}

/// A stop for a savepoint in progress.
struct PendingSavepoint: Sendable {
    let trigger: TriggerID
    let purpose: SavepointPurpose
    let directory: String
    /// For a rescale: the submission and graph at the new parallelism (resolved before the job was stopped).
    let rescaled: (submission: JobSubmission, resolved: ResolvedJob, graph: JobGraph)?
}

/// One savepoint as `/jobs/:id/checkpoints` lists it: triggered, then completed or failed.
public struct SavepointHistoryEntry: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case inProgress
        case completed(location: String, sizeBytes: Int64)
        case failed(String)
    }
    /// 1, 2, … per job (Flink's checkpoint id).
    public let id: Int64
    public let trigger: TriggerID
    public let purpose: SavepointPurpose
    /// Epoch milliseconds.
    public let triggerTimestamp: Int64
    /// When it completed or failed; -1 before.
    public var endTimestamp: Int64 = -1
    public var status: Status
    /// Subtasks whose state it holds (all of the attempt's).
    public let subtasks: Int
}

/// The savepoint an attempt restored its state from.
public struct RestoredSavepoint: Sendable, Equatable {
    /// `file:` URI.
    public let location: String
    /// When the attempt restoring it was deployed (epoch milliseconds).
    public let timestamp: Int64
    /// The history entry's id when the savepoint was taken of this job.
    public let savepointID: Int64?
}

/// What `/jobs/:id/checkpoints` reports: the job's savepoints, newest first, and what the current attempt restored.
public struct SavepointStatistics: Sendable {
    public let history: [SavepointHistoryEntry]
    public let restored: RestoredSavepoint?
    /// Attempts that restored a savepoint.
    public let restoreCount: Int
}

/// A savepoint, stop or rescaling operation as Flink's REST API reports it (`AsynchronousOperationResult`).
public struct SavepointOperation: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case inProgress
        /// Done: the savepoint's location.
        case completed(location: String)
        case failed(String)
    }
    public let jobID: JobID
    public let purpose: SavepointPurpose
    public var status: Status
}

/// Why a savepoint could not be triggered.
public enum SavepointTriggerError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownJob(JobID)
    /// Not running, or already stopping: 409.
    case conflict(String)
    /// A wrong request (no directory, a bad parallelism): 400.
    case invalid(String)

    public var description: String {
        switch self {
        case .unknownJob(let id): return "Job \(id) not found"
        case .conflict(let m), .invalid(let m): return m
        }
    }
}

extension JobManager {
    /// Stops a running job for a savepoint: sources stop where they are (or, with `drain`, end as if their input
    /// had), everything before is processed, and every subtask's state goes into `<directory>/savepoint-…`. What
    /// happens then is the `purpose`. Returns the trigger id to poll with `operation(_:of:)`.
    public func triggerSavepoint(_ id: JobID, purpose: SavepointPurpose, targetDirectory: String?,
                                 drain: Bool = false) throws(SavepointTriggerError) -> TriggerID {
        let configured = configuration[ClusterOptions.savepointDirectory]
        let requested = targetDirectory.flatMap { $0.isEmpty ? nil : $0 } ?? (configured.isEmpty ? nil : configured)
        let directory: String
        switch (requested, purpose) {
        case (let dir?, _):
            directory = dir
        case (nil, .stop):
            // Flink's message: a stop needs a place the user can find the savepoint again.
            throw .invalid("No savepoint directory configured. You can either specify a directory when triggering this savepoint "
                + "or configure a cluster-wide default via key '\(ClusterOptions.savepointDirectory.key)'.")
        case (nil, _):
            directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("dataflow-savepoints")
        }
        let rescaled = try rescaledJob(id, purpose: purpose)
        let trigger = TriggerID.random()
        let deployed = try state.withLock { (s: inout State) throws(SavepointTriggerError) -> any DeployedJob in
            guard var record = s.jobs[id] else { throw .unknownJob(id) }
            guard record.state == .running, let deployed = record.deployed else {
                throw .conflict("Job \(id) is \(record.state.rawValue), not RUNNING: only a running job can take a savepoint")
            }
            guard record.pendingSavepoint == nil else { throw .conflict("Job \(id) is already stopping for a savepoint") }
            if let (_, _, graph) = rescaled {
                // The job's own slots come back when it stops; beyond those it needs free ones.
                let needed = graph.vertices.map(\.parallelism).max() ?? 1
                let available = s.slots.freeSlots + (record.graph.vertices.map(\.parallelism).max() ?? 1)
                guard needed <= available else {
                    throw .conflict("Job \(id) at parallelism \(graph.vertices.map(\.parallelism).max() ?? 1) needs \(needed) slots; "
                        + "the cluster has \(available) for it")
                }
            }
            record.pendingSavepoint = PendingSavepoint(trigger: trigger, purpose: purpose, directory: directory, rescaled: rescaled)
            s.jobs[id] = record
            s.operations[trigger] = SavepointOperation(jobID: id, purpose: purpose, status: .inProgress)
            s.jobs[id]?.savepointHistory.append(SavepointHistoryEntry(
                id: Int64(record.savepointHistory.count + 1), trigger: trigger, purpose: purpose, triggerTimestamp: clock(),
                status: .inProgress, subtasks: record.graph.vertices.reduce(0) { $0 + $1.parallelism }))
            return deployed
        }
        logger.info("Triggering \(drain ? "a drain and " : "")savepoint for job \(id) into \(directory) (\(purpose))")
        if !deployed.stopWithSavepoint(drain ? .drain : .suspend) {
            state.withLock { s in
                s.jobs[id]?.pendingSavepoint = nil
                s.operations[trigger]?.status = .failed("Job \(id) ended before it could stop for the savepoint")
                Self.recordOutcome(&s, id, trigger, .failed("Job \(id) ended before it could stop for the savepoint"), at: clock())
            }
        }
        return trigger
    }

    /// A rescale resolves the job at its new parallelism before anything stops, so a bad parallelism is refused
    /// while the job keeps running.
    private func rescaledJob(_ id: JobID, purpose: SavepointPurpose) throws(SavepointTriggerError)
        -> (submission: JobSubmission, resolved: ResolvedJob, graph: JobGraph)? {
        guard case .rescale(let parallelism) = purpose else { return nil }
        guard parallelism >= 1 else { throw .invalid("parallelism must be at least 1, not \(parallelism)") }
        guard let submission = state.withLock({ $0.jobs[id]?.submission }) else { throw .unknownJob(id) }
        var next = submission
        next.parallelism = parallelism
        next.savepointPath = nil
        do {
            let (resolved, graph) = try resolve(next)
            return (next, resolved, graph)
        } catch {
            throw .invalid("cannot rescale job \(id) to \(parallelism): \(error)")
        }
    }

    /// An operation of `job` by its trigger id (nil when unknown, or another job's).
    public func operation(_ trigger: TriggerID, of job: JobID) -> SavepointOperation? {
        state.withLock { s in s.operations[trigger].flatMap { $0.jobID == job ? $0 : nil } }
    }

    /// Deletes a savepoint's directory (`flink savepoint -d`). Only a directory that holds a savepoint is deleted;
    /// anything else is the operation's failure. Returns the trigger to poll with `disposal(_:)`.
    public func disposeSavepoint(_ location: String) -> TriggerID {
        let trigger = TriggerID.random()
        var failure: String?
        do {
            _ = try Savepoint.read(location)
            var path = Savepoint.path(of: location)
            if path.hasSuffix("/" + Savepoint.metadataFile) { path = (path as NSString).deletingLastPathComponent }
            try FileManager.default.removeItem(atPath: path)
            logger.info("Disposed of savepoint \(path)")
        } catch {
            failure = "\(error)"
        }
        state.withLock { $0.disposals[trigger] = .some(failure) }
        return trigger
    }

    /// A disposal's outcome: nil when the trigger is unknown; `.some(nil)` when done; `.some(reason)` when it failed.
    public func disposal(_ trigger: TriggerID) -> String?? { state.withLock { $0.disposals[trigger] } }

    /// The job's savepoints, newest first, and the one its current attempt restored (nil for an unknown job).
    public func savepointStatistics(of job: JobID) -> SavepointStatistics? {
        state.withLock { s in
            s.jobs[job].map { SavepointStatistics(history: $0.savepointHistory.reversed(), restored: $0.restored, restoreCount: $0.restoreCount) }
        }
    }

    /// Completes or fails a savepoint's history entry.
    private static func recordOutcome(_ s: inout State, _ job: JobID, _ trigger: TriggerID, _ status: SavepointHistoryEntry.Status, at time: Int64) {
        guard let i = s.jobs[job]?.savepointHistory.lastIndex(where: { $0.trigger == trigger }) else { return }
        s.jobs[job]?.savepointHistory[i].status = status
        s.jobs[job]?.savepointHistory[i].endTimestamp = time
    }

    /// Bytes of the files in a savepoint directory.
    private static func size(ofDirectory path: String) -> Int64 {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return files.reduce(Int64(0)) { total, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: (path as NSString).appendingPathComponent(name))
            return total + ((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// The end of an attempt that was stopping for a savepoint: writes the savepoint and completes the operation.
    /// Returns true when it took over the job's next step (a resume or rescale deploys the next attempt).
    func savepointAttemptEnded(_ id: JobID, _ execution: AttemptExecution, _ result: JobResult) -> Bool {
        guard let (pending, graph) = state.withLock({ s -> (PendingSavepoint, JobGraph)? in
            guard var record = s.jobs[id], record.attempt == execution.attempt, let pending = record.pendingSavepoint else { return nil }
            record.pendingSavepoint = nil
            s.jobs[id] = record
            return (pending, record.graph)
        }) else { return false }
        guard result.status == .finished else {
            let why = result.status == .canceled ? "was cancelled" : "failed: \(result.failure ?? "unknown failure")"
            let message = "Job \(id) \(why) while stopping for the savepoint"
            let failedAt = clock()
            state.withLock { s in
                s.operations[pending.trigger]?.status = .failed(message)
                Self.recordOutcome(&s, id, pending.trigger, .failed(message), at: failedAt)
            }
            return false   // the usual path handles the failure or the cancel
        }
        let now = clock()
        var location: String?
        do {
            let savepoint = try Savepoint(jobID: id, graph: graph, states: execution.subtaskStates(), createdAt: now)
            let path = try savepoint.write(into: pending.directory)
            location = path
            let bytes = Self.size(ofDirectory: path)
            let completedAt = clock()
            state.withLock { s in
                // A stop is done now; a rescale or a savepoint that keeps the job running once it runs again.
                Self.recordOutcome(&s, id, pending.trigger, .completed(location: "file:" + path, sizeBytes: bytes), at: completedAt)
                if pending.purpose == .stop { s.operations[pending.trigger]?.status = .completed(location: "file:" + path) }
                s.jobs[id]?.restoreFrom = path
            }
            logger.info("Savepoint of job \(id) stored in \(path)")
        } catch {
            let failedAt = clock()
            state.withLock { s in
                s.operations[pending.trigger]?.status = .failed("\(error)")
                Self.recordOutcome(&s, id, pending.trigger, .failed("\(error)"), at: failedAt)
            }
            logger.error("Savepoint of job \(id) failed: \(error)")
        }
        if pending.purpose == .stop { return false }   // FINISHED through the usual path

        // Resume: from the new savepoint (or, if it failed, from where the job last started) — at the new
        // parallelism only with a savepoint to carry the state.
        let rescale = location != nil ? pending.rescaled : nil
        state.withLock { s in
            guard var record = s.jobs[id] else { return }
            record.finalMetrics = execution.subtaskMetrics()
            record.deployed = nil
            if let (submission, resolved, graph) = rescale {
                record.submission = submission
                record.resolved = resolved
                record.graph = graph
                record.parallelism = ParallelismPrecedence.effective(commandLine: nil, job: resolved.parallelism,
                                                                     clusterDefault: configuration.runtime.defaultParallelism)
            }
            s.slots.release(id)
            record.transition(to: .restarting, at: now)
            s.jobs[id] = record
        }
        rates.forget(id)
        if let rescale { logger.info("Rescaling job \(id) to parallelism \(rescale.resolved.parallelism ?? 0)") }
        let next = execution.attempt + 1
        Task.detached { [weak self] in
            guard let self else { return }
            await self.restart(id, attempt: next)
            self.state.withLock { s in
                guard let op = s.operations[pending.trigger], op.status == .inProgress else { return }
                if let record = s.jobs[id], record.attempt == next, record.state == .running, let location {
                    s.operations[pending.trigger]?.status = .completed(location: "file:" + location)
                } else if location == nil {
                    return   // already failed above
                } else {
                    s.operations[pending.trigger]?.status = .failed("Job \(id) did not run again after the savepoint "
                        + "(\(s.jobs[id]?.state.rawValue ?? "unknown")); see /jobs/\(id)/exceptions")
                }
            }
        }
        return true
    }
}

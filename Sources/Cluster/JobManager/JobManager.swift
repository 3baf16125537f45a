import Dataflow
import Foundation
import Logging
import Runtime
import Synchronization

/// Accepts jobs, places them into the slots of its TaskManagers, follows them to their end, and keeps every job
/// (running and finished) with Flink's states, timestamps and exceptions — what the REST API and the metrics
/// reporter read.
public final class JobManager: Sendable {
    public let configuration: ClusterConfiguration
    private let resolver: JobResolver
    /// The jobs that can be submitted (for the dashboard's submit page).
    public let catalog: JobCatalogListing
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let rates = RateMeter()

    private struct State: Sendable {
        var taskManagers: [TaskManagerID: any TaskManagerGateway] = [:]
        var slots = SlotPool()
        var jobs: [JobID: JobRecord] = [:]
        /// Submission order, newest last.
        var order: [JobID] = []
    }
    private let state = Mutex(State())

    public init(configuration: ClusterConfiguration, resolver: @escaping JobResolver, catalog: @escaping JobCatalogListing = { [] },
                clock: @escaping @Sendable () -> Int64 = WallClock.millis, logger: Logger = Logger(label: "dataflow.jobmanager")) {
        self.configuration = configuration
        self.resolver = resolver
        self.catalog = catalog
        self.clock = clock
        self.logger = logger
    }

    // MARK: TaskManagers

    /// Registers a TaskManager and its slots.
    public func register(_ taskManager: any TaskManagerGateway) {
        let r = taskManager.registration
        state.withLock {
            $0.taskManagers[r.id] = taskManager
            $0.slots.register(r.id, slots: r.slots)
        }
        logger.info("TaskManager \(r.id) registered at \(r.endpoint) with \(r.slots) slots")
    }

    public var taskManagers: [any TaskManagerGateway] {
        state.withLock { s in s.slots.taskManagers.compactMap { s.taskManagers[$0] } }
    }

    public func taskManager(_ id: TaskManagerID) -> (any TaskManagerGateway)? { state.withLock { $0.taskManagers[id] } }

    /// Slots of a TaskManager: total, free, and the jobs holding the others.
    public func slotReport(of id: TaskManagerID) -> SlotReport {
        state.withLock { s in
            SlotReport(total: s.slots.slots(of: id), free: s.slots.free(on: id),
                       allocations: (s.slots.allocations[id] ?? []).map { ($0.jobID, $0.tasksPerSlot) })
        }
    }

    public var slotsTotal: Int { state.withLock { $0.slots.totalSlots } }
    public var slotsAvailable: Int { state.withLock { $0.slots.freeSlots } }

    // MARK: Jobs

    /// Resolves, places and starts a job; returns its id once it runs (or has failed to deploy).
    public func submit(_ submission: JobSubmission) throws(JobSubmissionError) -> JobID {
        let received = DispatchTime.now().uptimeNanoseconds
        let receivedAt = clock()
        let (resolved, graph) = try resolve(submission)
        let id = JobID.random()
        let taskManager = try place(id, resolved, graph, receivedAt: receivedAt)
        guard let deployed = deploy(id, resolved, on: taskManager) else { return id }

        let runningAt = clock()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - received) / 1_000_000
        let cancelledMeanwhile = state.withLock { s in
            s.jobs[id]?.deployed = deployed
            s.jobs[id]?.deployment.initializing = runningAt
            s.jobs[id]?.deployment.running = runningAt
            s.jobs[id]?.submissionToRunningMillis = elapsed
            if s.jobs[id]?.state == .created { s.jobs[id]?.transition(to: .running, at: runningAt) }
            return s.jobs[id]?.state == .cancelling
        }
        // A cancel that arrived while the job was being deployed.
        if cancelledMeanwhile { deployed.cancel() }
        let millis = String(format: "%.2f", elapsed)
        logger.info("Job \(resolved.job.name) (\(id)) switched from CREATED to RUNNING \(millis) ms after submission")

        Task.detached { [weak self] in
            let result = await deployed.completion()
            self?.jobEnded(id, result)
        }
        return id
    }

    /// The job and its graph; anything wrong with the submission is the submitter's error (400).
    private func resolve(_ submission: JobSubmission) throws(JobSubmissionError) -> (ResolvedJob, JobGraph) {
        if let p = submission.parallelism, p < 1 { throw .invalid("parallelism must be at least 1, not \(p)") }
        do {
            let resolved = try resolver(submission)
            return (resolved, try JobGraph(job: resolved.job, configuration: configuration.runtime, parallelism: resolved.parallelism))
        } catch let error as JobSubmissionError {
            throw error
        } catch {
            throw .invalid("\(error)")
        }
    }

    /// Reserves the job's slots and records it as CREATED.
    private func place(_ id: JobID, _ resolved: ResolvedJob, _ graph: JobGraph,
                       receivedAt: Int64) throws(JobSubmissionError) -> any TaskManagerGateway {
        // Slot sharing: slot i runs subtask i of every vertex at least i + 1 wide.
        let slotsNeeded = graph.vertices.map(\.parallelism).max() ?? 1
        let tasksPerSlot = (0..<slotsNeeded).map { slot in graph.vertices.filter { $0.parallelism > slot }.count }
        let parallelism = resolved.parallelism ?? configuration.runtime.defaultParallelism
        return try state.withLock { (s: inout State) throws(JobSubmissionError) in
            let tm = try s.slots.allocate(id, tasksPerSlot: tasksPerSlot, jobName: resolved.job.name)
            var record = JobRecord(id: id, name: resolved.job.name, graph: graph, parameters: resolved.parameters, parallelism: parallelism,
                                   taskManager: tm, state: .initializing, lastModification: receivedAt)
            record.transition(to: .initializing, at: receivedAt)
            record.transition(to: .created, at: receivedAt)
            record.deployment.created = receivedAt
            record.deployment.scheduled = receivedAt
            s.jobs[id] = record
            s.order.append(id)
            return s.taskManagers[tm]!
        }
    }

    /// Starts the job's subtasks on the TaskManager; nil when that failed (the job is then FAILED, as in Flink).
    private func deploy(_ id: JobID, _ resolved: ResolvedJob, on taskManager: any TaskManagerGateway) -> (any DeployedJob)? {
        let deployingAt = clock()
        state.withLock { $0.jobs[id]?.deployment.deploying = deployingAt }
        do {
            return try taskManager.deploy(resolved.job, jobID: id, parallelism: resolved.parallelism, configuration: configuration.runtime)
        } catch {
            let now = clock()
            state.withLock { s in
                s.jobs[id]?.exceptions.append(JobException(error: error, timestamp: now, taskManager: taskManager.registration))
                s.jobs[id]?.transition(to: .failed, at: now)
                s.slots.release(id)
            }
            logger.error("Job \(resolved.job.name) (\(id)) failed to deploy: \(error)")
            return nil
        }
    }

    private func jobEnded(_ id: JobID, _ result: JobResult) {
        let now = clock()
        let final = state.withLock { s -> JobRecord? in
            guard var record = s.jobs[id] else { return nil }
            record.finalMetrics = record.deployed?.subtaskMetrics()
            record.deployed = nil
            if let failure = result.failure {
                let tm = s.taskManagers[record.taskManager]?.registration
                if record.state != .failing { record.transition(to: .failing, at: now) }
                record.exceptions.append(JobException(runtimeFailure: failure, timestamp: now, taskManager: tm))
            }
            record.transition(to: JobState(result.status), at: now)
            s.jobs[id] = record
            s.slots.release(id)
            return record
        }
        rates.forget(id)
        if let final {
            logger.info("Job \(final.name) (\(id)) switched to \(final.state.rawValue) after \(now - final.startTime) ms")
        }
    }

    /// Cancels a job: CANCELLING now, CANCELED once every subtask has stopped.
    public func cancel(_ id: JobID) throws(JobCancellationError) {
        let now = clock()
        let deployed = try state.withLock { (s: inout State) throws(JobCancellationError) -> (any DeployedJob)? in
            guard var record = s.jobs[id] else { throw .unknownJob(id) }
            switch record.state {
            case .canceled, .cancelling: return nil
            case .finished, .failed:
                throw .alreadyTerminated(id, record.state)
            default:
                record.transition(to: .cancelling, at: now)
                s.jobs[id] = record
                return record.deployed
            }
        }
        if let deployed {
            logger.info("Cancelling job \(id)")
            deployed.cancel()
        }
    }

    /// Cancels every job that has not ended and waits (up to `timeout`) until they have.
    public func cancelAll(timeout: Duration = .seconds(10)) async {
        let running = state.withLock { s in s.order.filter { !(s.jobs[$0]?.state.isTerminal ?? true) } }
        for id in running { try? cancel(id) }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let left = state.withLock { s in running.filter { !(s.jobs[$0]?.state.isTerminal ?? true) } }
            if left.isEmpty { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// A job's current picture, or nil if the id is unknown.
    public func job(_ id: JobID) -> JobSnapshot? {
        guard let (record, live) = state.withLock({ s in s.jobs[id].map { ($0, $0.deployed) } }) else { return nil }
        return snapshot(record, live: live)
    }

    /// Every job, newest first (as Flink lists them).
    public func jobs() -> [JobSnapshot] {
        let records = state.withLock { s in s.order.reversed().compactMap { s.jobs[$0] } }
        return records.map { snapshot($0, live: $0.deployed) }
    }

    /// Counts by state, for `/overview` without building snapshots.
    public func jobCounts() -> [JobState: Int] {
        state.withLock { s in
            var counts: [JobState: Int] = [:]
            for r in s.jobs.values { counts[r.state, default: 0] += 1 }
            return counts
        }
    }

    private func snapshot(_ record: JobRecord, live: (any DeployedJob)?) -> JobSnapshot {
        let now = clock()
        var metrics = JobMetrics(graph: record.graph, subtaskMetrics: live?.subtaskMetrics() ?? record.finalMetrics ?? [])
        if live != nil && !record.state.isTerminal {
            metrics.rates = rates.observe(record.id, values: metrics.rateInputs, now: now, runningSince: record.timestamps[.running])
        }
        let tm = taskManager(record.taskManager)?.registration
        return JobSnapshot(id: record.id, name: record.name, state: record.state, startTime: record.startTime, endTime: record.endTime,
                           lastModification: record.lastModification, timestamps: record.timestamps, graph: record.graph,
                           parameters: record.parameters, parallelism: record.parallelism, taskManager: tm,
                           exceptions: record.exceptions, deployment: record.deployment,
                           submissionToRunningMillis: record.submissionToRunningMillis, metrics: metrics, now: now)
    }
}

/// A TaskManager's slots as the JobManager accounts them.
public struct SlotReport: Sendable {
    public let total: Int
    public let free: Int
    /// Per job holding slots here: the subtasks in each of its slots.
    public let allocations: [(jobID: JobID, tasksPerSlot: [Int])]
}

/// Why a job could not be cancelled.
public enum JobCancellationError: Error, Sendable, CustomStringConvertible {
    case unknownJob(JobID)
    case alreadyTerminated(JobID, JobState)

    public var description: String {
        switch self {
        case .unknownJob(let id): return "Job \(id) not found"
        case let .alreadyTerminated(id, state):
            return "Job cancellation failed because the job \(id) has already reached another terminal state (\(state.rawValue))."
        }
    }
}

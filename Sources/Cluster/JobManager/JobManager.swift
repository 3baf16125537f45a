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
    let clock: @Sendable () -> Int64
    /// When this JobManager started (epoch ms): the "upload" time `/jars` reports for the jobs compiled into it.
    public let startedAt: Int64
    let logger: Logger
    let rates = RateMeter()

    struct State: Sendable {
        var taskManagers: [TaskManagerID: any TaskManagerGateway] = [:]
        var slots = SlotPool()
        var jobs: [JobID: JobRecord] = [:]
        /// Submission order, newest last.
        var order: [JobID] = []
        /// Savepoint, stop and rescaling operations, polled by trigger id.
        var operations: [TriggerID: SavepointOperation] = [:]
        /// Savepoint disposals: nil when done, else why it failed.
        var disposals: [TriggerID: String?] = [:]
    }
    let state = Mutex(State())

    public init(configuration: ClusterConfiguration, resolver: @escaping JobResolver, catalog: @escaping JobCatalogListing = { [] },
                clock: @escaping @Sendable () -> Int64 = WallClock.millis, logger: Logger = Logger(label: "dataflow.jobmanager")) {
        self.configuration = configuration
        self.resolver = resolver
        self.catalog = catalog
        self.clock = clock
        startedAt = clock()
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
        // Before anything can quote them (an error, a log line): the secrets among the parameters are hidden from now on.
        Secrets.remember(secretsIn: submission.parameters)
        let (resolved, graph) = try resolve(submission)
        Secrets.remember(secretsIn: resolved.parameters)
        let id = JobID.random()
        let owners = try place(id, resolved, graph, submission: submission, receivedAt: receivedAt)
        guard deploy(id, attempt: 0, owners: owners) else { return id }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - received) / 1_000_000
        state.withLock { $0.jobs[id]?.submissionToRunningMillis = elapsed }
        let millis = String(format: "%.2f", elapsed)
        logger.info("Job \(resolved.job.name) (\(id)) switched from CREATED to RUNNING \(millis) ms after submission")
        return id
    }

    /// The job and its graph; anything wrong with the submission is the submitter's error (400).
    func resolve(_ submission: JobSubmission) throws(JobSubmissionError) -> (ResolvedJob, JobGraph) {
        if let p = submission.parallelism, p < 1 { throw .invalid("parallelism must be at least 1, not \(p)") }
        do {
            let resolved = try resolver(submission)
            let graph = try JobGraph(job: resolved.job, configuration: configuration.runtime, parallelism: resolved.parallelism)
            if let path = submission.savepointPath, !path.isEmpty {
                // Checked here so that a wrong path or a savepoint of another job is the submitter's 400.
                try Savepoint.read(path).validate(against: graph, allowNonRestoredState: submission.allowNonRestoredState ?? false)
            }
            return (resolved, graph)
        } catch let error as JobSubmissionError {
            throw error
        } catch {
            throw .invalid("\(error)")
        }
    }

    private static func tasksPerSlot(_ graph: JobGraph) -> [Int] {
        // Slot sharing: slot i runs subtask i of every vertex at least i + 1 wide.
        let slotsNeeded = graph.vertices.map(\.parallelism).max() ?? 1
        return (0..<slotsNeeded).map { slot in graph.vertices.filter { $0.parallelism > slot }.count }
    }

    /// Reserves the job's slots and records it as CREATED.
    private func place(_ id: JobID, _ resolved: ResolvedJob, _ graph: JobGraph, submission: JobSubmission,
                       receivedAt: Int64) throws(JobSubmissionError) -> [TaskManagerID] {
        let tasksPerSlot = Self.tasksPerSlot(graph)
        let parallelism = ParallelismPrecedence.effective(commandLine: nil, job: resolved.parallelism, clusterDefault: configuration.runtime.defaultParallelism)
        return try state.withLock { (s: inout State) throws(JobSubmissionError) in
            let owners = try s.slots.allocate(id, tasksPerSlot: tasksPerSlot, jobName: resolved.job.name)
            if Set(owners).count > 1 {
                do { try WireCodecCheck.validate(graph) } catch {
                    s.slots.release(id)
                    throw .invalid("job '\(resolved.job.name)' needs \(owners.count) slots, more than one TaskManager has free, and \(error)")
                }
            }
            var record = JobRecord(id: id, name: resolved.job.name, graph: graph, parameters: resolved.parameters, parallelism: parallelism,
                                   taskManager: owners[0], state: .initializing, lastModification: receivedAt)
            record.submission = submission
            record.resolved = resolved
            record.restoreFrom = submission.savepointPath.flatMap { $0.isEmpty ? nil : $0 }
            record.allowNonRestoredState = submission.allowNonRestoredState ?? false
            record.transition(to: .initializing, at: receivedAt)
            record.transition(to: .created, at: receivedAt)
            record.deployment.created = receivedAt
            record.deployment.scheduled = receivedAt
            s.jobs[id] = record
            s.order.append(id)
            return owners
        }
    }

    /// Deploys an attempt of the job into the slots `owners` holds (already reserved) and follows it; false when
    /// deployment failed (the failure then takes the restart path).
    @discardableResult
    private func deploy(_ id: JobID, attempt: Int, owners: [TaskManagerID]) -> Bool {
        let deployingAt = clock()
        guard let (record, gateways) = state.withLock({ s -> (JobRecord, [TaskManagerID: any TaskManagerGateway])? in
            guard var r = s.jobs[id] else { return nil }
            r.deployment.deploying = deployingAt
            r.noteDeployment(at: deployingAt)
            r.attempt = attempt
            r.slotOwners = owners
            r.taskManager = owners[0]
            var gateways: [TaskManagerID: any TaskManagerGateway] = [:]
            for tm in Set(owners) {
                if let g = s.taskManagers[tm] { gateways[tm] = g; r.locations[tm] = g.registration }
            }
            s.jobs[id] = r
            return (r, gateways)
        }) else { return false }
        guard let resolved = record.resolved, let submission = record.submission else { return false }
        let peers = gateways.values.map(\.registration.peerAddress)
        var descriptor = TaskDeploymentDescriptor(jobID: id, attempt: attempt, submission: submission, runtime: RuntimeSettings(configuration.runtime),
                                                  slotOwners: owners.map(\.description), peers: peers)
        descriptor.restoreFrom = record.restoreFrom
        descriptor.allowNonRestoredState = record.allowNonRestoredState
        var parts: [(TaskManagerRegistration, any DeployedJob)] = []
        do {
            // Remote TaskManagers first: each connects its data channels while the others deploy.
            let ordered = gateways.sorted { ($0.value.registration.dataPort > 0 ? 0 : 1, $0.key.description) < ($1.value.registration.dataPort > 0 ? 0 : 1, $1.key.description) }
            for (tm, gateway) in ordered {
                guard gateway.registration.id == tm else { continue }
                parts.append((gateway.registration, try gateway.deploy(descriptor, resolved: resolved, graph: record.graph)))
            }
            if gateways.count < Set(owners).count { throw NetworkError("a TaskManager of the job's slots is gone") }
        } catch {
            for (_, part) in parts { part.cancel() }
            let failedAt = clock()
            logger.error("Job \(record.name) (\(id)) failed to deploy attempt \(attempt): \(error)")
            state.withLock { s in
                s.jobs[id]?.exceptions.append(JobException(error: error, timestamp: failedAt, taskManager: record.locations[owners[0]]))
            }
            attemptFailed(id, attempt: attempt)
            return false
        }
        let execution = AttemptExecution(jobID: id, attempt: attempt, parts: parts)
        let runningAt = clock()
        let cancelledMeanwhile = state.withLock { s in
            s.jobs[id]?.deployed = execution
            s.jobs[id]?.deployment.initializing = runningAt
            s.jobs[id]?.deployment.running = runningAt
            if let st = s.jobs[id]?.state, st == .created || st == .restarting { s.jobs[id]?.transition(to: .running, at: runningAt) }
            return s.jobs[id]?.state == .cancelling
        }
        // A cancel that arrived while the job was being deployed.
        if cancelledMeanwhile { execution.cancel() }
        Task.detached { [weak self] in
            let result = await execution.completion()
            self?.attemptEnded(id, execution, result)
        }
        return true
    }

    private func attemptEnded(_ id: JobID, _ execution: AttemptExecution, _ result: JobResult) {
        // A stop for a savepoint: the savepoint is written, and a rescale or a savepoint that keeps the job running
        // deploys the next attempt from it.
        if savepointAttemptEnded(id, execution, result) { return }
        if result.status == .failed {
            let now = clock()
            let where_ = execution.failure?.taskManager
            state.withLock { s in
                guard var record = s.jobs[id], record.attempt == execution.attempt else { return }
                record.finalMetrics = execution.subtaskMetrics()
                record.finalStatuses = execution.subtaskStatuses()
                record.deployed = nil
                if let failure = result.failure { record.exceptions.append(JobException(runtimeFailure: failure, timestamp: now, taskManager: where_)) }
                s.jobs[id] = record
            }
            attemptFailed(id, attempt: execution.attempt)
            return
        }
        let now = clock()
        let final = state.withLock { s -> JobRecord? in
            guard var record = s.jobs[id], record.attempt == execution.attempt else { return nil }
            record.finalMetrics = execution.subtaskMetrics()
            record.finalStatuses = execution.subtaskStatuses()
            record.deployed = nil
            record.transition(to: record.state == .cancelling || result.status == .canceled ? .canceled : .finished, at: now)
            s.jobs[id] = record
            s.slots.release(id)
            return record
        }
        rates.forget(id)
        if let final {
            logger.info("Job \(final.name) (\(id)) switched to \(final.state.rawValue) after \(now - final.startTime) ms")
        }
    }

    /// A failed attempt: RESTARTING and a new attempt after the restart strategy's delay, or FAILED.
    private func attemptFailed(_ id: JobID, attempt: Int) {
        let now = clock()
        let strategy = configuration.restartStrategy
        let decision = state.withLock { s -> (delay: Duration?, name: String)? in
            guard var record = s.jobs[id], record.attempt == attempt else { return nil }
            s.slots.release(id)
            record.deployed = nil
            if record.state == .cancelling {
                record.transition(to: .canceled, at: now)
                s.jobs[id] = record
                return (nil, record.name)
            }
            let delay = record.failureHistory.restartDelay(afterFailureAt: now, strategy: strategy)
            if record.state != .failing { record.transition(to: .failing, at: now) }
            record.transition(to: delay == nil ? .failed : .restarting, at: now)
            s.jobs[id] = record
            return (delay, record.name)
        }
        guard let decision else { return }
        guard let delay = decision.delay else {
            rates.forget(id)
            logger.error("Job \(decision.name) (\(id)) switched to FAILED (restart strategy: \(strategy))")
            return
        }
        logger.warning("Job \(decision.name) (\(id)) switched to RESTARTING; attempt \(attempt + 1) in \(delay)")
        Task.detached { [weak self] in
            try? await Task.sleep(for: delay)
            await self?.restart(id, attempt: attempt + 1)
        }
    }

    /// The pause before the next attempt, or nil when the strategy gives up: `failures` before this one, and for
    /// failure-rate those within its interval, this one included (`FailureHistory` keeps both).
    static func restartDelay(_ strategy: RestartStrategy, failures: Int, sinceLastFailure: Int64, failuresWithinInterval: Int = 0) -> Duration? {
        switch strategy {
        case .none:
            return nil
        case let .fixedDelay(attempts, delay):
            return failures < attempts ? delay : nil
        case let .failureRate(maxFailures, _, delay):
            return failuresWithinInterval <= maxFailures ? delay : nil
        case let .exponentialDelay(initial, maxBackoff, multiplier, resetThreshold, jitter, attempts):
            guard failures < attempts else { return nil }
            let quiet = sinceLastFailure >= Int64(resetThreshold.components.seconds * 1000)
            let n = quiet && failures > 0 ? 0 : failures
            let base = min(Double(initial.components.seconds) + Double(initial.components.attoseconds) / 1e18, 1e9) * pow(multiplier, Double(n))
            let cap = Double(maxBackoff.components.seconds) + Double(maxBackoff.components.attoseconds) / 1e18
            let backoff = min(base, cap)
            let spread = backoff * jitter * Double.random(in: -1...1)
            return .milliseconds(Int64(max(0, backoff + spread) * 1000))
        }
    }

    /// Places the job again; waits for slots (a lost TaskManager's replacement) up to `slot.request.timeout`.
    func restart(_ id: JobID, attempt: Int) async {
        let deadline = ContinuousClock.now + configuration[ClusterOptions.slotRequestTimeout]
        while true {
            let outcome = state.withLock { s -> Result<[TaskManagerID], JobSubmissionError>? in
                guard let record = s.jobs[id], record.state == .restarting else { return nil }
                do {
                    let owners = try s.slots.allocate(id, tasksPerSlot: Self.tasksPerSlot(record.graph), jobName: record.name)
                    if Set(owners).count > 1 {
                        do { try WireCodecCheck.validate(record.graph) } catch {
                            s.slots.release(id)
                            return .failure(.invalid("\(error)"))
                        }
                    }
                    return .success(owners)
                } catch let error as JobSubmissionError {
                    return .failure(error)
                } catch {
                    return .failure(.invalid("\(error)"))
                }
            }
            switch outcome {
            case nil:
                return   // cancelled meanwhile
            case .success(let owners)?:
                logger.info("Restarting job \(id), attempt \(attempt)")
                deploy(id, attempt: attempt, owners: owners)
                return
            case .failure(let error)?:
                if case .noResources = error, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                let now = clock()
                state.withLock { s in
                    s.jobs[id]?.exceptions.append(JobException(error: NoResourceError(description: "could not acquire slots: \(error)"), timestamp: now, taskManager: nil))
                    s.jobs[id]?.transition(to: .failed, at: now)
                }
                rates.forget(id)
                logger.error("Job \(id) switched to FAILED: \(error)")
                return
            }
        }
    }

    /// A TaskManager that closed its connection or missed its heartbeats: its slots are gone and the jobs running
    /// there fail (and restart per the strategy).
    func taskManagerLost(_ id: TaskManagerID, reason: String) {
        let gateway = state.withLock { s -> (any TaskManagerGateway)? in
            let g = s.taskManagers.removeValue(forKey: id)
            s.slots.unregister(id)
            return g
        }
        guard let gateway else { return }
        logger.warning("TaskManager \(id) (\(gateway.registration.endpoint)) lost: \(reason)")
        (gateway as? RemoteTaskManager)?.markLost(reason)
    }

    /// Cancels a job: CANCELLING now, CANCELED once every subtask has stopped.
    public func cancel(_ id: JobID) throws(JobCancellationError) {
        let now = clock()
        let deployed = try state.withLock { (s: inout State) throws(JobCancellationError) -> (any DeployedJob)? in
            guard var record = s.jobs[id] else { throw .unknownJob(id) }
            switch record.state {
            case .canceled, .cancelling: return nil
            case .restarting:
                // Between attempts nothing runs: the job ends at once.
                record.transition(to: .canceled, at: now)
                s.slots.release(id)
                s.jobs[id] = record
                return nil
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
        let tm = record.locations[record.taskManager] ?? taskManager(record.taskManager)?.registration
        let slotLocations = record.slotOwners.compactMap { record.locations[$0] }
        return JobSnapshot(id: record.id, name: record.name, state: record.state, startTime: record.startTime, endTime: record.endTime,
                           lastModification: record.lastModification, timestamps: record.timestamps, graph: record.graph,
                           parameters: record.parameters, parallelism: record.parallelism, taskManager: tm, slotLocations: slotLocations,
                           exceptions: record.exceptions, deployment: record.deployment,
                           submissionToRunningMillis: record.submissionToRunningMillis, metrics: metrics,
                           reportedStates: JobSnapshot.grid(record.graph, live?.subtaskStatuses() ?? (record.state.isTerminal ? record.finalStatuses : nil) ?? []),
                           now: now)
    }
}

struct NoResourceError: Error, CustomStringConvertible { let description: String }

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

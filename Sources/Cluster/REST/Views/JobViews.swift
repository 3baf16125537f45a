import Dataflow
import Runtime

// How a job snapshot reads in Flink's job messages.

extension JobSnapshot {
    /// States counted: every state a key (Flink sends zeros).
    static func counts(_ states: [ExecutionState], lowercased: Bool) -> [String: Int] {
        var counts: [String: Int] = [:]
        for s in ExecutionState.allCases { counts[lowercased ? s.rawValue.lowercased() : s.rawValue] = 0 }
        for s in states { counts[lowercased ? s.rawValue.lowercased() : s.rawValue, default: 0] += 1 }
        return counts
    }

    /// The states of the given subtasks of a vertex (all of them by default).
    func subtaskStates(vertex v: Int, subtasks: [Int]? = nil) -> [ExecutionState] {
        (subtasks ?? Array(0..<graph.vertices[v].parallelism)).map { subtaskState(vertex: v, subtask: $0) }
    }

    /// Subtasks of a vertex by state (`tasks` of a vertex in `/jobs/:id`).
    func taskCounts(vertex v: Int, subtasks: [Int]? = nil) -> [String: Int] {
        Self.counts(subtaskStates(vertex: v, subtasks: subtasks), lowercased: false)
    }

    /// Every subtask of the job by state, lowercased (`tasks` in `/jobs/overview`).
    var jobTaskCounts: [String: Int] {
        Self.counts(graph.vertices.indices.flatMap { subtaskStates(vertex: $0) }, lowercased: true)
    }

    /// Flink's `ExecutionJobVertex.getAggregateJobVertexState`: one state for a group of subtasks.
    static func aggregate(_ states: [ExecutionState]) -> ExecutionState {
        if states.contains(.failed) { return .failed }
        if states.contains(.canceling) { return .canceling }
        if states.contains(.canceled) { return .canceled }
        if states.contains(.initializing) { return .initializing }
        if states.contains(.running) { return .running }
        let finished = states.filter { $0 == .finished }.count
        if finished > 0 { return finished == states.count ? .finished : .running }
        return .created   // scheduled and deploying collapse into created, as in Flink
    }

    /// A vertex's state from its subtasks'.
    func vertexState(_ v: Int) -> ExecutionState { Self.aggregate(subtaskStates(vertex: v)) }

    /// The time every subtask started (DEPLOYING), 0 for a job that never got that far.
    var tasksStartTime: Int64 { deployment.deploying > 0 ? deployment.deploying : startTime }
}

extension JobDetails {
    init(_ job: JobSnapshot) {
        var tasks = job.jobTaskCounts
        tasks["total"] = job.totalTasks
        self.init(jid: job.id, name: job.name, jobType: "STREAMING", schedulerType: "Default", startTime: job.startTime,
                  endTime: job.endTime, duration: job.duration, state: job.state, lastModification: job.lastModification,
                  tasks: tasks, pendingOperators: 0)
    }
}

extension JobPlan {
    /// `JsonPlanGenerator`'s shape from the job graph: sinks first, each vertex with the exchanges into it.
    init(_ job: JobSnapshot) {
        let graph = job.graph
        var nodes: [Node] = []
        for v in graph.vertices.indices.reversed() {
            let vertex = graph.vertices[v]
            let inputs = graph.inputs(of: v).enumerated().map { num, edge in
                Input(id: graph.vertices[edge.producerVertex].id, num: num, exchange: "pipelined_bounded", shipStrategy: edge.strategy.rawValue)
            }
            nodes.append(Node(id: vertex.id, operator: "", parallelism: vertex.parallelism, operatorStrategy: "",
                              description: Secrets.mask(graph.description(of: v)), optimizerProperties: OptimizerProperties(),
                              inputs: inputs.isEmpty ? nil : inputs))
        }
        self.init(jid: job.id, name: job.name, type: "STREAMING", nodes: nodes)
    }
}

extension IOMetrics {
    /// A vertex's I/O over the given subtasks: records and where the threads' time went (the runtime does not
    /// count bytes). Over several subtasks the times are the busiest subtask's, as Flink's vertex view shows them.
    init(_ job: JobSnapshot, vertex: Int, subtasks: [Int]) {
        self.init()
        readRecords = subtasks.reduce(0) { $0 + job.metrics.taskRecordsIn(vertex: vertex, subtask: $1) }
        writeRecords = subtasks.reduce(0) { $0 + job.metrics.taskRecordsOut(vertex: vertex, subtask: $1) }
        writeRecordsComplete = job.metrics.taskRecordsOutIsExact(vertex: vertex)
        let times = subtasks.map { job.metrics.taskTime(vertex: vertex, subtask: $0) }
        accumulatedBusyTime = Double(times.map(\.busyMillis).max() ?? 0)
        accumulatedIdleTime = times.map(\.idleMillis).max() ?? 0
        accumulatedBackpressuredTime = times.map(\.backPressuredMillis).max() ?? 0
    }
}

extension JobDetailsInfo {
    init(_ job: JobSnapshot) {
        var timestamps: [String: Int64] = [:]
        for s in JobState.allCases { timestamps[s.rawValue] = job.timestamps[s] ?? 0 }
        let graph = job.graph
        let vertices = graph.vertices.enumerated().map { v, vertex in
            let span = job.span(vertex: v, subtasks: Array(0..<vertex.parallelism))
            return Vertex(id: vertex.id, slotSharingGroupID: SlotSharing.groupID(of: job.id).description, name: graph.name(of: v),
                   maxParallelism: graph.maxParallelism, parallelism: vertex.parallelism, status: job.vertexState(v),
                   startTime: span.start, endTime: span.end, duration: span.duration,
                   tasks: job.taskCounts(vertex: v),
                   metrics: IOMetrics(job, vertex: v, subtasks: Array(0..<vertex.parallelism)))
        }
        self.init(jid: job.id, applicationID: job.id, name: job.name, isStoppable: false, state: job.state, jobType: "STREAMING",
                  schedulerType: "Default", startTime: job.startTime, endTime: job.endTime, duration: job.duration,
                  maxParallelism: -1, now: job.now, timestamps: timestamps, vertices: vertices,
                  statusCounts: JobSnapshot.counts(graph.vertices.indices.map { job.vertexState($0) }, lowercased: false), plan: JobPlan(job), pendingOperators: 0)
    }
}

/// Flink puts every vertex of a job into one slot sharing group by default; its id is derived from the job's.
enum SlotSharing {
    static func groupID(of job: JobID) -> HexID { .derived(from: "slot-sharing-group/" + job.description) }
}

extension JobConfigInfo {
    init(_ job: JobSnapshot) {
        self.init(jid: job.id, name: job.name,
                  executionConfig: ExecutionConfig(restartStrategy: "Cluster level default restart strategy",
                                                   jobParallelism: job.parallelism, objectReuseMode: false, userConfig: Secrets.mask(job.parameters)))
    }
}

extension JobExceptionsInfo {
    /// Newest first, at most `maxExceptions` (Flink's default: 20).
    init(_ job: JobSnapshot, maxExceptions: Int?) {
        let limit = max(0, maxExceptions ?? 20)
        let entries = job.exceptions.reversed().prefix(limit).map { e in
            RootException(exceptionName: Secrets.mask(e.exceptionName), stacktrace: Secrets.mask(e.stacktrace), timestamp: e.timestamp, taskName: e.taskName,
                          endpoint: e.endpoint, taskManagerID: e.taskManagerID?.description, failureLabels: [:], concurrentExceptions: [])
        }
        self.init(exceptionHistory: History(entries: Array(entries), truncated: job.exceptions.count > limit))
    }
}

extension JobExecutionResultResponse {
    init(_ job: JobSnapshot) {
        guard job.state.isTerminal else {
            self.init(status: QueueStatus(id: "IN_PROGRESS"), jobExecutionResult: nil)
            return
        }
        let status: String
        switch job.state {
        case .finished: status = "SUCCEEDED"
        case .canceled: status = "CANCELED"
        default: status = "FAILED"
        }
        let cause = job.exceptions.last.map { FailureCause(className: $0.exceptionName, stackTrace: $0.stacktrace) }
        self.init(status: QueueStatus(id: "COMPLETED"),
                  jobExecutionResult: Result(id: job.id, name: job.name, applicationStatus: status, accumulatorResults: [:], netRuntime: job.duration,
                                             failureCause: cause))
    }
}

extension JobSnapshot {
    /// Job-scope metrics (Flink's `jobmanager_job` group) that we can state truthfully: times per state, and
    /// zero restarts and checkpoints (neither happens yet).
    var jobMetricValues: [(id: String, value: Double)] {
        func timeIn(_ s: JobState) -> Double {
            guard state == s, let since = timestamps[s] else { return 0 }
            return Double(now - since)
        }
        let uptime: Double = state == .running ? timeIn(.running) : (state.isTerminal ? -1 : 0)
        return [
            ("uptime", uptime), ("runningTime", timeIn(.running)), ("downtime", 0), ("restartingTime", 0),
            ("createdTime", timeIn(.created)), ("initializingTime", timeIn(.initializing)), ("deployingTime", 0),
            ("cancellingTime", timeIn(.cancelling)), ("failingTime", timeIn(.failing)),
            ("allSubTasksRunningOrFinishedTime", timeIn(.running)),
            ("numRestarts", 0), ("numRescales", 0),
            ("numberOfCompletedCheckpoints", 0), ("numberOfFailedCheckpoints", 0), ("numberOfInProgressCheckpoints", 0),
            ("totalNumberOfCheckpoints", 0), ("lastCheckpointDuration", -1), ("lastCheckpointSize", -1),
        ]
    }
}

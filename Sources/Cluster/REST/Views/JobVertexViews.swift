import Dataflow

// How a vertex of a job snapshot reads in Flink's vertex messages. Each subtask shows its own state and the
// TaskManager of its slot; deployment times are job-wide.

extension JobSnapshot {
    func vertexIndex(_ id: VertexID) -> Int? { graph.vertices.firstIndex { $0.id == id } }

    var taskEndTime: Int64 { state.isTerminal ? endTime : -1 }

    /// Milliseconds spent in each state a subtask went through.
    var subtaskStatusDuration: [String: Int64] {
        let d = deployment
        guard d.running > 0 else { return [ExecutionState.created.rawValue: (taskEndTime >= 0 ? taskEndTime : now) - d.created] }
        return [
            ExecutionState.created.rawValue: d.scheduled - d.created,
            ExecutionState.scheduled.rawValue: d.deploying - d.scheduled,
            ExecutionState.deploying.rawValue: d.initializing - d.deploying,
            ExecutionState.initializing.rawValue: d.running - d.initializing,
            ExecutionState.running.rawValue: (taskEndTime >= 0 ? taskEndTime : now) - d.running,
        ]
    }

    /// When a subtask entered each execution state (0 for states it has not been in).
    var subtaskTimestamps: [String: Int64] {
        var t: [String: Int64] = [:]
        for s in ExecutionState.allCases { t[s.rawValue] = 0 }
        let d = deployment
        t[ExecutionState.created.rawValue] = d.created
        t[ExecutionState.scheduled.rawValue] = d.scheduled
        t[ExecutionState.deploying.rawValue] = d.deploying
        t[ExecutionState.initializing.rawValue] = d.initializing
        t[ExecutionState.running.rawValue] = d.running
        if let cancelling = timestamps[.cancelling] { t[ExecutionState.canceling.rawValue] = cancelling }
        if state.isTerminal { t[executionState.rawValue] = endTime }
        return t
    }

    var endpoint: String { taskManager?.endpoint ?? "" }

    /// The TaskManager running subtask `i` (of any vertex): the one holding the job's slot i (slot sharing).
    func location(ofSubtask i: Int) -> TaskManagerRegistration? {
        i < slotLocations.count ? slotLocations[i] : taskManager
    }
}

extension VertexAggregates {
    init(_ job: JobSnapshot, vertex: Int, subtasks: [Int]) {
        let io = subtasks.map { IOMetrics(job, vertex: vertex, subtasks: [$0]) }
        let metrics: [String: AggregatedStatistics] = [
            "read-records": AggregatedStatistics(io.map(\.readRecords)),
            "write-records": AggregatedStatistics(io.map(\.writeRecords)),
            "read-bytes": AggregatedStatistics(io.map(\.readBytes)),
            "write-bytes": AggregatedStatistics(io.map(\.writeBytes)),
            "accumulated-backpressured-time": AggregatedStatistics(io.map(\.accumulatedBackpressuredTime)),
            "accumulated-idle-time": AggregatedStatistics(io.map(\.accumulatedIdleTime)),
            "accumulated-busy-time": AggregatedStatistics(io.map { Int64($0.accumulatedBusyTime) }),
        ]
        let durations = job.subtaskStatusDuration
        let statusDuration = durations.mapValues { d in AggregatedStatistics(subtasks.map { _ in d }) }
        self.init(metrics: metrics, statusDuration: statusDuration)
    }
}

extension JobVertexDetailsInfo {
    init(_ job: JobSnapshot, vertex v: Int) {
        let vertex = job.graph.vertices[v]
        let start = job.tasksStartTime, end = job.taskEndTime
        let subtasks = (0..<vertex.parallelism).map { i in
            let tm = job.location(ofSubtask: i)
            return SubtaskDetails(subtask: i, status: job.subtaskState(vertex: v, subtask: i), attempt: 0, endpoint: tm?.endpoint ?? "", startTime: start, endTime: end,
                           duration: (end >= 0 ? end : job.now) - start, metrics: IOMetrics(job, vertex: v, subtasks: [i]),
                           taskManagerID: tm?.id ?? TaskManagerID(raw: HexID(upper: 0, lower: 0)),
                           statusDuration: job.subtaskStatusDuration, legacyStartTime: start)
        }
        self.init(id: vertex.id, name: job.graph.name(of: v), parallelism: vertex.parallelism, maxParallelism: job.graph.maxParallelism,
                  now: job.now, subtasks: subtasks, aggregated: VertexAggregates(job, vertex: v, subtasks: Array(0..<vertex.parallelism)))
    }
}

extension SubtasksTimesInfo {
    init(_ job: JobSnapshot, vertex v: Int) {
        let vertex = job.graph.vertices[v]
        let end = job.taskEndTime
        let subtasks = (0..<vertex.parallelism).map { i in
            Subtask(subtask: i, endpoint: job.location(ofSubtask: i)?.endpoint ?? "", duration: (end >= 0 ? end : job.now) - job.tasksStartTime,
                    timestamps: job.subtaskTimestamps)
        }
        self.init(id: vertex.id, name: job.graph.name(of: v), now: job.now, subtasks: subtasks)
    }
}

extension JobVertexTaskManagersInfo {
    init(_ job: JobSnapshot, vertex v: Int) {
        let vertex = job.graph.vertices[v]
        let start = job.tasksStartTime, end = job.taskEndTime
        // One entry per TaskManager running subtasks of the vertex, in the order of their first subtask.
        var order: [TaskManagerID] = []
        var groups: [TaskManagerID: (registration: TaskManagerRegistration, subtasks: [Int])] = [:]
        for i in 0..<vertex.parallelism {
            guard let tm = job.location(ofSubtask: i) else { continue }
            if groups[tm.id] == nil { order.append(tm.id); groups[tm.id] = (tm, []) }
            groups[tm.id]?.subtasks.append(i)
        }
        let managers = order.compactMap { groups[$0] }.map { tm, subtasks in
            TaskManager(endpoint: tm.endpoint, status: JobSnapshot.aggregate(job.subtaskStates(vertex: v, subtasks: subtasks)),
                        startTime: start, endTime: end, duration: (end >= 0 ? end : job.now) - start,
                        metrics: IOMetrics(job, vertex: v, subtasks: subtasks), statusCounts: job.taskCounts(vertex: v, subtasks: subtasks),
                        taskManagerID: tm.id, aggregated: VertexAggregates(job, vertex: v, subtasks: subtasks))
        }
        self.init(id: vertex.id, name: job.graph.name(of: v), now: job.now, taskmanagers: managers)
    }
}

extension JobVertexBackPressureInfo {
    /// Flink's levels from the share of time a subtask's output was blocked: ok up to 10 %, low up to 50 %, high above.
    static func level(ratio: Double) -> String { ratio <= 0.10 ? "ok" : ratio <= 0.5 ? "low" : "high" }

    /// Ratios from the runtime's task time over the last seconds (Flink 1.13+ reads them from the same metrics
    /// instead of sampling stacks). A job that is not running has nothing to measure: "deprecated" as Flink says.
    init(_ job: JobSnapshot, vertex v: Int) {
        guard job.state == .running else {
            self.init(status: "deprecated", backpressureLevel: "ok", endTimestamp: job.now, subtasks: [], legacyBackpressureLevel: "ok")
            return
        }
        let subtasks = (0..<job.graph.vertices[v].parallelism).map { i in
            let t = job.metrics.taskTimePerSecond(vertex: v, subtask: i)
            let ratio = t.backPressured / 1000, level = Self.level(ratio: ratio)
            return Subtask(subtask: i, backpressureLevel: level, ratio: ratio, idleRatio: t.idle / 1000, busyRatio: t.busy / 1000,
                           legacyBackpressureLevel: level)
        }
        let worst = Self.level(ratio: subtasks.map(\.ratio).max() ?? 0)
        self.init(status: "ok", backpressureLevel: worst, endTimestamp: job.now, subtasks: subtasks, legacyBackpressureLevel: worst)
    }
}

extension JobSnapshot {
    /// Every metric of one subtask of a vertex, by Flink's id within the vertex: `<metric>` (task scope) and
    /// `<operator name>.<metric>` (operator scope).
    func vertexMetricValues(vertex v: Int, subtask i: Int) -> [String: Double] {
        var values = metrics.taskValues(vertex: v, subtask: i)
        for node in graph.vertices[v].nodes {
            let name = OperatorName.inMetricID(graph.node(node))
            for (metric, value) in metrics.operatorMetricValues(node: node, subtask: i) { values["\(name).\(metric)"] = value }
        }
        return values
    }
}

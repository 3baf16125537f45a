import Dataflow

// How a vertex of a job snapshot reads in Flink's vertex messages. Each subtask shows its own state, the times it
// entered them and the TaskManager of its slot; CREATED and SCHEDULED are job-wide (the JobManager schedules the job
// as a whole), as is everything for a subtask that has not reported yet.

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

    /// When the subtask started deploying.
    func subtaskStartTime(vertex v: Int, subtask i: Int) -> Int64 {
        reported(vertex: v, subtask: i)?.enteredAt(.deploying) ?? tasksStartTime
    }

    /// When the subtask reached its terminal state, -1 while it has not.
    func subtaskEndTime(vertex v: Int, subtask i: Int) -> Int64 {
        guard let r = reported(vertex: v, subtask: i) else { return taskEndTime }
        guard r.state.isTerminal else { return -1 }
        return r.enteredAt(r.state) ?? taskEndTime
    }

    func subtaskDuration(vertex v: Int, subtask i: Int) -> Int64 {
        let end = subtaskEndTime(vertex: v, subtask: i)
        return (end >= 0 ? end : now) - subtaskStartTime(vertex: v, subtask: i)
    }

    /// Milliseconds the subtask spent in each state up to RUNNING (the current one counts until now).
    func subtaskStatusDuration(vertex v: Int, subtask i: Int) -> [String: Int64] {
        guard let r = reported(vertex: v, subtask: i) else { return subtaskStatusDuration }
        let d = deployment
        let deploying = r.enteredAt(.deploying) ?? d.deploying
        let initializing = r.enteredAt(.initializing), running = r.enteredAt(.running)
        let endTime = subtaskEndTime(vertex: v, subtask: i)
        let end = endTime >= 0 ? endTime : now
        // A cancel or failure ends RUNNING at the first of them.
        let leftRunning = [r.enteredAt(.canceling), r.enteredAt(.failed), r.enteredAt(.canceled), r.enteredAt(.finished)]
            .compactMap { $0 }.min() ?? end
        return [
            ExecutionState.created.rawValue: d.scheduled - d.created,
            ExecutionState.scheduled.rawValue: max(0, deploying - d.scheduled),
            ExecutionState.deploying.rawValue: max(0, (initializing ?? leftRunning) - deploying),
            ExecutionState.initializing.rawValue: initializing.map { max(0, (running ?? leftRunning) - $0) } ?? 0,
            ExecutionState.running.rawValue: running.map { max(0, leftRunning - $0) } ?? 0,
        ]
    }

    /// When the subtask entered each execution state (0 for states it has not been in).
    func subtaskTimestamps(vertex v: Int, subtask i: Int) -> [String: Int64] {
        var t = subtaskTimestamps
        guard let r = reported(vertex: v, subtask: i) else { return t }
        for s in [ExecutionState.deploying, .initializing, .running, .finished, .canceling, .canceled, .failed] { t[s.rawValue] = 0 }
        for (state, time) in r.timestamps { t[state] = time }
        return t
    }

    /// Start and end over some subtasks of a vertex: the first start; the last end once all have ended, else -1.
    func span(vertex v: Int, subtasks: [Int]) -> (start: Int64, end: Int64, duration: Int64) {
        let start = subtasks.map { subtaskStartTime(vertex: v, subtask: $0) }.min() ?? tasksStartTime
        let ends = subtasks.map { subtaskEndTime(vertex: v, subtask: $0) }
        let end = ends.contains(-1) || ends.isEmpty ? -1 : ends.max()!
        return (start, end, (end >= 0 ? end : now) - start)
    }

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
        let durations = subtasks.map { job.subtaskStatusDuration(vertex: vertex, subtask: $0) }
        let statusDuration = (durations.first ?? [:]).keys.reduce(into: [String: AggregatedStatistics]()) { out, state in
            out[state] = AggregatedStatistics(durations.map { $0[state] ?? 0 })
        }
        self.init(metrics: metrics, statusDuration: statusDuration)
    }
}

extension JobVertexDetailsInfo {
    init(_ job: JobSnapshot, vertex v: Int) {
        let vertex = job.graph.vertices[v]
        let subtasks = (0..<vertex.parallelism).map { i in
            let tm = job.location(ofSubtask: i)
            let start = job.subtaskStartTime(vertex: v, subtask: i)
            return SubtaskDetails(subtask: i, status: job.subtaskState(vertex: v, subtask: i), attempt: 0, endpoint: tm?.endpoint ?? "",
                                  startTime: start, endTime: job.subtaskEndTime(vertex: v, subtask: i),
                                  duration: job.subtaskDuration(vertex: v, subtask: i), metrics: IOMetrics(job, vertex: v, subtasks: [i]),
                                  taskManagerID: tm?.id ?? TaskManagerID(raw: HexID(upper: 0, lower: 0)),
                                  statusDuration: job.subtaskStatusDuration(vertex: v, subtask: i), legacyStartTime: start)
        }
        self.init(id: vertex.id, name: job.graph.name(of: v), parallelism: vertex.parallelism, maxParallelism: job.graph.maxParallelism,
                  now: job.now, subtasks: subtasks, aggregated: VertexAggregates(job, vertex: v, subtasks: Array(0..<vertex.parallelism)))
    }
}

extension SubtasksTimesInfo {
    init(_ job: JobSnapshot, vertex v: Int) {
        let vertex = job.graph.vertices[v]
        let subtasks = (0..<vertex.parallelism).map { i in
            Subtask(subtask: i, endpoint: job.location(ofSubtask: i)?.endpoint ?? "", duration: job.subtaskDuration(vertex: v, subtask: i),
                    timestamps: job.subtaskTimestamps(vertex: v, subtask: i))
        }
        self.init(id: vertex.id, name: job.graph.name(of: v), now: job.now, subtasks: subtasks)
    }
}

extension JobVertexTaskManagersInfo {
    init(_ job: JobSnapshot, vertex v: Int) {
        let vertex = job.graph.vertices[v]
        // One entry per TaskManager running subtasks of the vertex, in the order of their first subtask.
        var order: [TaskManagerID] = []
        var groups: [TaskManagerID: (registration: TaskManagerRegistration, subtasks: [Int])] = [:]
        for i in 0..<vertex.parallelism {
            guard let tm = job.location(ofSubtask: i) else { continue }
            if groups[tm.id] == nil { order.append(tm.id); groups[tm.id] = (tm, []) }
            groups[tm.id]?.subtasks.append(i)
        }
        let managers = order.compactMap { groups[$0] }.map { tm, subtasks in
            let span = job.span(vertex: v, subtasks: subtasks)
            return TaskManager(endpoint: tm.endpoint, status: JobSnapshot.aggregate(job.subtaskStates(vertex: v, subtasks: subtasks)),
                        startTime: span.start, endTime: span.end, duration: span.duration,
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

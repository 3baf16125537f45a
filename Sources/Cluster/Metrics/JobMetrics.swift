import Dataflow
import Runtime

/// A job's metrics as Flink reports them — per operator and per task (vertex) subtask — derived from the runtime's
/// per-stage counters. The runtime counts `numRecordsIn` at every operator and `numRecordsOut` at sources only, so
/// an operator's `numRecordsOut` is read off its consumers: exactly where they are chained (same thread), and from
/// the consumer's total across an exchange, split over the producer's subtasks by their input when the producer runs
/// in parallel (then marked inexact, Flink's `write-records-complete: false`).
public struct JobMetrics: Sendable {
    public let graph: JobGraph
    /// Stream node → subtask → the runtime's metrics for that operator instance.
    private let raw: [[[String: Int64]]]
    /// Stream node → subtask → records the operator emitted (all outputs, side outputs included).
    private let recordsOut: [[Int64]]
    /// Stream node → whether `recordsOut` is exact for every subtask.
    private let recordsOutExact: [Bool]
    /// Vertex → subtask → records sent to other vertices.
    private let taskRecordsOut: [[Int64]]
    private let taskRecordsOutExact: [Bool]
    /// Per-second rates of the counters, keyed by `RateKey`.
    public internal(set) var rates: [RateKey: Double] = [:]

    public init(graph: JobGraph, subtaskMetrics: [SubtaskMetrics]) {
        self.graph = graph
        let nodes = graph.stream.nodes
        let index = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0.id) })
        var raw = nodes.map { n in [[String: Int64]](repeating: [:], count: graph.parallelism[n.id]) }
        for m in subtaskMetrics {
            guard let id = index[m.stage], m.subtask < raw[id].count else { continue }
            raw[id][m.subtask] = m.values
        }
        self.raw = raw

        func recordsIn(_ node: Int, _ subtask: Int) -> Int64 { raw[node][subtask]["numRecordsIn"] ?? 0 }
        func totalIn(_ node: Int) -> Int64 { raw[node].reduce(0) { $0 + ($1["numRecordsIn"] ?? 0) } }

        // Records per edge and producer subtask.
        struct EdgeCount { let producer: Int; let consumer: Int; let chained: Bool; var perSubtask: [Int64]; var exact: Bool }
        var edges: [EdgeCount] = []
        for consumer in nodes {
            for e in consumer.inputs {
                let producer = e.source
                let p = graph.parallelism[producer]
                let chained = graph.vertexOf[producer] == graph.vertexOf[consumer.id]
                if chained {
                    edges.append(EdgeCount(producer: producer, consumer: consumer.id, chained: true,
                                           perSubtask: (0..<p).map { recordsIn(consumer.id, $0) }, exact: true))
                    continue
                }
                let isSource = nodes[producer].kind == .source
                let outputs = graph.stream.outputs(of: producer).count
                if isSource && outputs == 1 {
                    // A source with one consumer: its own count is the edge's.
                    edges.append(EdgeCount(producer: producer, consumer: consumer.id, chained: false,
                                           perSubtask: (0..<p).map { raw[producer][$0]["numRecordsOut"] ?? 0 }, exact: true))
                    continue
                }
                let weights: [Int64] = (0..<p).map { isSource ? (raw[producer][$0]["numRecordsOut"] ?? 0) : recordsIn(producer, $0) }
                // The consumer's input is this edge's total only when the edge is its single input.
                let total = consumer.inputs.count == 1 ? totalIn(consumer.id) : weights.reduce(0, +)
                let exact = consumer.inputs.count == 1 && p == 1
                edges.append(EdgeCount(producer: producer, consumer: consumer.id, chained: false,
                                       perSubtask: Self.split(total, by: weights), exact: exact))
            }
        }

        var out = nodes.map { n in [Int64](repeating: 0, count: graph.parallelism[n.id]) }
        var outExact = [Bool](repeating: true, count: nodes.count)
        for e in edges {
            for i in out[e.producer].indices where i < e.perSubtask.count { out[e.producer][i] += e.perSubtask[i] }
            if !e.exact { outExact[e.producer] = false }
        }
        for n in nodes where n.kind == .source {
            out[n.id] = (0..<graph.parallelism[n.id]).map { raw[n.id][$0]["numRecordsOut"] ?? 0 }
            outExact[n.id] = true
        }
        recordsOut = out
        recordsOutExact = outExact

        var taskOut = graph.vertices.map { [Int64](repeating: 0, count: $0.parallelism) }
        var taskOutExact = [Bool](repeating: true, count: graph.vertices.count)
        for e in edges where !e.chained {
            let v = graph.vertexOf[e.producer]
            for i in taskOut[v].indices where i < e.perSubtask.count { taskOut[v][i] += e.perSubtask[i] }
            if !e.exact { taskOutExact[v] = false }
        }
        taskRecordsOut = taskOut
        taskRecordsOutExact = taskOutExact
    }

    /// Splits `total` over subtasks in proportion to `weights` (evenly without weights); the parts add up to `total`.
    static func split(_ total: Int64, by weights: [Int64]) -> [Int64] {
        guard weights.count > 1 else { return weights.isEmpty ? [] : [total] }
        let sum = weights.reduce(0, +)
        var parts = weights.map { sum > 0 ? Int64((Double(total) * Double($0) / Double(sum)).rounded(.down)) : total / Int64(weights.count) }
        parts[parts.count - 1] += total - parts.reduce(0, +)
        return parts
    }

    // MARK: Operators

    /// An operator instance's metrics: the runtime's (user counters included) plus `numRecordsOut`; the task-scope
    /// values the runtime keeps in a head operator's group (busy/idle/backpressured time) are the task's, not its.
    public func operatorValues(node: Int, subtask: Int) -> [String: Int64] {
        var values = raw[node][subtask].filter { !TaskTimeMetrics.isTaskScope($0.key) }
        values["numRecordsOut"] = recordsOut[node][subtask]
        if values["numRecordsIn"] == nil { values["numRecordsIn"] = 0 }
        return values
    }

    /// The histograms an operator instance records (`twitch_api_latency`, `asyncCallLatencyMs`).
    public func histograms(node: Int, subtask: Int) -> [String: HistogramStatistics] {
        HistogramNames.histograms(in: raw[node][subtask])
    }

    // MARK: Tasks (vertices)

    /// Records the task read from its input gate (0 for a source task, as Flink counts).
    public func taskRecordsIn(vertex: Int, subtask: Int) -> Int64 {
        let head = graph.vertices[vertex].head
        return graph.node(head).kind == .source ? 0 : raw[head][subtask]["numRecordsIn"] ?? 0
    }

    /// Records the task sent to other tasks, and whether the figure is exact.
    public func taskRecordsOut(vertex: Int, subtask: Int) -> Int64 { taskRecordsOut[vertex][subtask] }
    public func taskRecordsOutIsExact(vertex: Int) -> Bool { taskRecordsOutExact[vertex] }

    /// The task's input watermark (`Int64.min` before the first), or nil for a source task, which has no input.
    public func inputWatermark(vertex: Int, subtask: Int) -> Int64? {
        let head = graph.vertices[vertex].head
        guard graph.node(head).kind != .source else { return nil }
        return raw[head][subtask]["currentInputWatermark"] ?? Watermark.none
    }

    /// Task-scope metrics of one subtask, named as Flink's task metric group.
    public func taskValues(vertex: Int, subtask: Int) -> [String: Double] {
        var values: [String: Double] = [
            "numRecordsIn": Double(taskRecordsIn(vertex: vertex, subtask: subtask)),
            "numRecordsOut": Double(taskRecordsOut(vertex: vertex, subtask: subtask)),
            "numRecordsInPerSecond": rates[RateKey(scope: .task(vertex), subtask: subtask, metric: "numRecordsIn")] ?? 0,
            "numRecordsOutPerSecond": rates[RateKey(scope: .task(vertex), subtask: subtask, metric: "numRecordsOut")] ?? 0,
        ]
        if let wm = inputWatermark(vertex: vertex, subtask: subtask) { values["currentInputWatermark"] = Double(wm) }
        let time = taskTime(vertex: vertex, subtask: subtask)
        values["accumulateBusyTimeMs"] = Double(time.busyMillis)
        values["accumulateIdleTimeMs"] = Double(time.idleMillis)
        values["accumulateBackPressuredTimeMs"] = Double(time.backPressuredMillis)
        let perSecond = taskTimePerSecond(vertex: vertex, subtask: subtask)
        values["busyTimeMsPerSecond"] = perSecond.busy
        values["idleTimeMsPerSecond"] = perSecond.idle
        values["backPressuredTimeMsPerSecond"] = perSecond.backPressured
        // Flink's gauge: whether the task's output is blocked right now; we read it off the recent ratio.
        values["isBackPressured"] = perSecond.backPressured > 100 ? 1 : 0
        return values
    }

    /// Where a subtask's thread spent its time since it started (milliseconds).
    public struct TaskTime: Sendable, Equatable {
        public var busyMillis: Int64, idleMillis: Int64, backPressuredMillis: Int64
    }

    public func taskTime(vertex: Int, subtask: Int) -> TaskTime {
        let head = raw[graph.vertices[vertex].head][subtask]
        return TaskTime(busyMillis: (head[TaskTimeMetrics.busyNanos] ?? 0) / 1_000_000,
                        idleMillis: (head[TaskTimeMetrics.idleNanos] ?? 0) / 1_000_000,
                        backPressuredMillis: (head[TaskTimeMetrics.backPressuredNanos] ?? 0) / 1_000_000)
    }

    /// Flink's `busyTimeMsPerSecond`, `idleTimeMsPerSecond`, `backPressuredTimeMsPerSecond` over the last seconds,
    /// each capped at 1000 and scaled so the three add up to at most 1000 (sampling jitter aside).
    public func taskTimePerSecond(vertex: Int, subtask: Int) -> (busy: Double, idle: Double, backPressured: Double) {
        func rate(_ metric: String) -> Double { rates[RateKey(scope: .task(vertex), subtask: subtask, metric: metric)] ?? 0 }
        let busy = rate(TaskTimeMetrics.busyNanos) / 1e6, idle = rate(TaskTimeMetrics.idleNanos) / 1e6
        let bp = rate(TaskTimeMetrics.backPressuredNanos) / 1e6
        let total = busy + idle + bp
        let scale = total > 1000 ? 1000 / total : 1
        return (busy * scale, idle * scale, bp * scale)
    }

    /// Operator-scope metrics of one subtask, with rates.
    public func operatorMetricValues(node: Int, subtask: Int) -> [String: Double] {
        var values = operatorValues(node: node, subtask: subtask).mapValues(Double.init)
        for metric in ["numRecordsIn", "numRecordsOut"] {
            values[metric + "PerSecond"] = rates[RateKey(scope: .operator(node), subtask: subtask, metric: metric)] ?? 0
        }
        return values
    }

    /// The counters whose rates are tracked, with their current values.
    var rateInputs: [RateKey: Int64] {
        var out: [RateKey: Int64] = [:]
        for (v, vertex) in graph.vertices.enumerated() {
            for i in 0..<vertex.parallelism {
                out[RateKey(scope: .task(v), subtask: i, metric: "numRecordsIn")] = taskRecordsIn(vertex: v, subtask: i)
                out[RateKey(scope: .task(v), subtask: i, metric: "numRecordsOut")] = taskRecordsOut(vertex: v, subtask: i)
                for metric in TaskTimeMetrics.all {
                    out[RateKey(scope: .task(v), subtask: i, metric: metric)] = raw[vertex.head][i][metric] ?? 0
                }
                for node in vertex.nodes {
                    let values = operatorValues(node: node, subtask: i)
                    out[RateKey(scope: .operator(node), subtask: i, metric: "numRecordsIn")] = values["numRecordsIn"] ?? 0
                    out[RateKey(scope: .operator(node), subtask: i, metric: "numRecordsOut")] = values["numRecordsOut"] ?? 0
                }
            }
        }
        return out
    }

    /// Sum over the whole job of an operator metric (the CLI's summary).
    public func total(stage: String, metric: String) -> Int64 {
        guard let node = graph.stream.nodes.first(where: { $0.name == stage }) else { return 0 }
        return (0..<graph.parallelism[node.id]).reduce(0) { $0 + (operatorValues(node: node.id, subtask: $1)[metric] ?? 0) }
    }
}

/// Which counter a rate belongs to.
public struct RateKey: Hashable, Sendable {
    public enum Scope: Hashable, Sendable { case task(Int), `operator`(Int) }
    public let scope: Scope
    public let subtask: Int
    public let metric: String
}

/// Operator names as Flink's metric system knows them: sources as `Source: name`, sinks as `name: Writer`.
enum OperatorName {
    static func of(_ node: StreamNode) -> String {
        switch node.kind {
        case .source: return "Source: \(node.name)"
        case .sink: return "\(node.name): Writer"
        default: return node.name
        }
    }

    /// The name inside REST metric ids (`0.Source__chat-source.numRecordsOut`): Flink's metric-name filter turns
    /// the characters that would break an id into `_`.
    static func inMetricID(_ node: StreamNode) -> String {
        String(of(node).map { $0 == " " || $0 == ":" || $0 == "." ? "_" : $0 })
    }
}

import Dataflow

/// The stream graph after chaining and with parallelism resolved: what the runtime deploys and the plan shows.
/// A vertex is a chain of stages that runs in one thread per parallel subtask; edges between vertices are
/// exchanges (FORWARD, REBALANCE, HASH).
public struct JobGraph: Sendable {
    public struct Vertex: Sendable {
        public let id: VertexID
        /// Stream-graph node ids, head first, in an order where producers precede consumers.
        public let nodes: [Int]
        public let parallelism: Int
        public var head: Int { nodes[0] }
    }
    public struct Edge: Sendable {
        public let producerVertex: Int
        public let consumerVertex: Int
        public let producerNode: Int
        public let consumerNode: Int
        public let streamEdge: StreamEdge
        public let strategy: ShipStrategy
    }

    public let jobName: String
    public let stream: StreamGraph
    public let vertices: [Vertex]
    /// Exchanges between vertices (chained edges are not listed).
    public let edges: [Edge]
    /// Resolved parallelism per stream node.
    public let parallelism: [Int]
    public let maxParallelism: Int
    /// Which vertex each stream node runs in.
    public let vertexOf: [Int]
    /// Chained consumers per node: node → [(consumer node, edge)].
    let chainedOutputs: [[(Int, StreamEdge)]]

    public init(job: Job, configuration: DataflowConfiguration, parallelism override: Int? = nil) throws {
        let g = job.graph
        let defaultP = override ?? configuration.defaultParallelism
        guard defaultP >= 1 else { throw JobDefinitionError("parallelism must be at least 1") }
        jobName = job.name
        stream = g
        maxParallelism = configuration.maxParallelism
        var par = [Int](repeating: 1, count: g.nodes.count)
        for n in g.nodes {
            var p = n.parallelism ?? defaultP
            if n.parallelism == nil, let limit = n.parallelismLimit { p = min(p, limit) }
            guard p <= configuration.maxParallelism else {
                throw JobDefinitionError("parallelism \(p) of '\(n.name)' exceeds the max parallelism \(configuration.maxParallelism)")
            }
            par[n.id] = p
        }
        parallelism = par

        // Strategy per stream edge, and which edges chain.
        func strategy(_ e: StreamEdge, consumer: Int) -> ShipStrategy {
            if e.exchange.isKeyed { return .hash }
            return par[e.source] == par[consumer] ? .forward : .rebalance
        }
        var chainedInto = [Int?](repeating: nil, count: g.nodes.count)
        for n in g.nodes where n.inputs.count == 1 && n.kind != .source && n.kind != .union {
            let e = n.inputs[0]
            if strategy(e, consumer: n.id) == .forward { chainedInto[n.id] = e.source }
        }
        // Vertices: each chain head collects its chained descendants (stream order keeps producers first).
        var vertexOf = [Int](repeating: -1, count: g.nodes.count)
        var members: [[Int]] = []
        for n in g.nodes {
            if let p = chainedInto[n.id] {
                vertexOf[n.id] = vertexOf[p]
                members[vertexOf[p]].append(n.id)
            } else {
                vertexOf[n.id] = members.count
                members.append([n.id])
            }
        }
        // Lowering adds producers before consumers, except a union's other inputs, which come after the union's
        // first input but before the union itself — so node order is a topological order.
        self.vertexOf = vertexOf
        vertices = members.map { nodes in
            Vertex(id: VertexID(raw: .derived(from: job.name + "/" + g.nodes[nodes[0]].name)), nodes: nodes, parallelism: par[nodes[0]])
        }
        var edges: [Edge] = []
        var chained = [[(Int, StreamEdge)]](repeating: [], count: g.nodes.count)
        for n in g.nodes {
            for e in n.inputs {
                if chainedInto[n.id] == e.source, n.inputs.count == 1 {
                    chained[e.source].append((n.id, e))
                } else {
                    edges.append(Edge(producerVertex: vertexOf[e.source], consumerVertex: vertexOf[n.id], producerNode: e.source,
                                      consumerNode: n.id, streamEdge: e, strategy: strategy(e, consumer: n.id)))
                }
            }
        }
        self.edges = edges
        chainedOutputs = chained
    }

    public func node(_ id: Int) -> StreamNode { stream.nodes[id] }

    /// Exchanges into a vertex's head, in channel order.
    public func inputs(of vertex: Int) -> [Edge] { edges.filter { $0.consumerVertex == vertex } }

    /// Flink's description of a chain: `Source: chat<br/>+- drop-commands<br/>`.
    public func description(of vertex: Int) -> String {
        var s = ""
        for (depth, id) in vertices[vertex].nodes.enumerated() {
            let n = stream.nodes[id]
            let label = n.kind == .source ? "Source: \(n.name)" : n.kind == .sink ? "\(n.name): Writer" : n.name
            if depth == 0 { s += "\(label)<br/>" } else {
                s += String(repeating: "   ", count: depth - 1) + "+- \(label)<br/>"
            }
        }
        return s
    }

    /// The vertex name as Flink shows it in lists: the chained stage names joined by " -> ".
    public func name(of vertex: Int) -> String {
        vertices[vertex].nodes.map { id in
            let n = stream.nodes[id]
            return n.kind == .source ? "Source: \(n.name)" : n.kind == .sink ? "Sink: \(n.name)" : n.name
        }.joined(separator: " -> ")
    }

    /// The plan as `/jobs/:id/plan` serves it (`JsonPlanGenerator`): sinks first, as Flink lists them.
    public func planJSON(jobID: JobID) -> String {
        var nodes: [String] = []
        for v in vertices.indices.reversed() {
            let vx = vertices[v]
            var fields = [
                "\"id\": \(jsonString(vx.id.description))",
                "\"operator\": \"\"",
                "\"parallelism\": \(vx.parallelism)",
                "\"operator_strategy\": \"\"",
                "\"description\": \(jsonString(description(of: v)))",
                "\"optimizer_properties\": {}",
            ]
            let ins = inputs(of: v)
            if !ins.isEmpty {
                let items = ins.enumerated().map { num, e in
                    "{\"id\": \(jsonString(vertices[e.producerVertex].id.description)), \"num\": \(num), "
                        + "\"exchange\": \"pipelined_bounded\", \"ship_strategy\": \"\(e.strategy.rawValue)\"}"
                }
                fields.append("\"inputs\": [\(items.joined(separator: ", "))]")
            }
            nodes.append("{" + fields.joined(separator: ", ") + "}")
        }
        return "{\"plan\": {\"jid\": \(jsonString(jobID.description)), \"name\": \(jsonString(jobName)), \"type\": \"STREAMING\", "
            + "\"nodes\": [\(nodes.joined(separator: ", "))]}}"
    }
}

func jsonString(_ s: String) -> String {
    var w = JSONWriter()
    w.appendString(s)
    return String(decoding: w.bytes, as: UTF8.self)
}

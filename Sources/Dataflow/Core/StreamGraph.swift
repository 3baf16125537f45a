/// The closed list of operator kinds. Every stage lowers to one of these; the runtime constructs each with one
/// switch (`OperatorSpecVisitor`).
public enum OperatorKind: String, Sendable, CaseIterable {
    case source, filter, map, flatMap, window, process, asyncIO, union, sink
}

/// How records travel along an edge — exactly what the plan reports as `ship_strategy`.
public enum ShipStrategy: String, Sendable {
    /// To the subtask with the same index; chained into one task where parallelism matches.
    case forward = "FORWARD"
    /// Round-robin over the consumer's subtasks (used where parallelism differs).
    case rebalance = "REBALANCE"
    /// By key group of the record's key.
    case hash = "HASH"
}

/// An operator's declaration, carried by a graph node. The runtime turns it into running operators through the
/// visitor, where the generic types are known again.
public protocol OperatorSpec: Sendable {
    associatedtype Input
    associatedtype Output
    var kind: OperatorKind { get }
    /// What the plan shows for this operator.
    var description: String { get }
    func accept<V: OperatorSpecVisitor>(_ visitor: V) throws -> V.Result
}

public protocol OperatorSpecVisitor {
    associatedtype Result
    func source<T>(_ spec: SourceSpec<T>) throws -> Result
    func filter<T>(_ spec: FilterSpec<T>) throws -> Result
    func map<I, O>(_ spec: MapSpec<I, O>) throws -> Result
    func flatMap<I, O>(_ spec: FlatMapSpec<I, O>) throws -> Result
    func window<K, T, A: AggregateFunction>(_ spec: WindowSpec<K, T, A>) throws -> Result where A.Input == T
    func process<F: KeyedProcessFunction>(_ spec: ProcessSpec<F>) throws -> Result
    func asyncIO<F: AsyncFunction>(_ spec: AsyncSpec<F>) throws -> Result
    func union<T>(_ spec: UnionSpec<T>) throws -> Result
    func sink<T>(_ spec: SinkSpec<T>) throws -> Result
}

/// How an edge moves records of type `Upstream` to a consumer that reads `Downstream`.
public protocol ExchangeSpec: Sendable {
    associatedtype Upstream
    associatedtype Downstream
    /// Hash for keyed exchanges; forward or rebalance otherwise, decided when parallelism is known.
    var isKeyed: Bool { get }
    func accept<V: ExchangeSpecVisitor>(_ visitor: V) throws -> V.Result
}

public protocol ExchangeSpecVisitor {
    associatedtype Result
    func passThrough<T>(_ spec: PassThroughExchange<T>) throws -> Result
    func keyed<T, K>(_ spec: KeyedExchange<T, K>) throws -> Result
}

/// Records move unchanged (forward or rebalance).
public struct PassThroughExchange<T>: ExchangeSpec, @unchecked Sendable {
    public typealias Upstream = T
    public typealias Downstream = T
    public var isKeyed: Bool { false }
    public init() {}
    public func accept<V: ExchangeSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.passThrough(self) }
}

/// `KeyBy`: the key is extracted once, the record travels as `Keyed` to the subtask owning its key group.
public struct KeyedExchange<T, K: StableHashable>: ExchangeSpec, @unchecked Sendable {
    public typealias Upstream = T
    public typealias Downstream = Keyed<K, T>
    public let key: (T) -> K
    public var isKeyed: Bool { true }
    public init(key: @escaping (T) -> K) { self.key = key }
    public func accept<V: ExchangeSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.keyed(self) }
}

/// A graph edge: from a node's main output (port nil) or one of its side outputs.
public struct StreamEdge: Sendable {
    public let source: Int
    public let port: String?
    public let exchange: any ExchangeSpec
}

/// A node of the stream graph: one named stage.
public final class StreamNode: @unchecked Sendable {
    public let id: Int
    public let name: String
    public let spec: any OperatorSpec
    /// Explicit parallelism of this stage; nil takes the job's.
    public internal(set) var parallelism: Int?
    /// Upper bound from the connector (a single file can feed one reader) or `maxParallelism(_:)`.
    public internal(set) var parallelismLimit: Int?
    public internal(set) var inputs: [StreamEdge]

    init(id: Int, name: String, spec: any OperatorSpec, parallelismLimit: Int?, inputs: [StreamEdge]) {
        self.id = id; self.name = name; self.spec = spec; self.parallelismLimit = parallelismLimit; self.inputs = inputs
    }
    public var kind: OperatorKind { spec.kind }
}

/// The user's job as lowered from the DSL: stages and edges, before chaining and parallelism.
public final class StreamGraph: @unchecked Sendable {
    public private(set) var nodes: [StreamNode] = []
    private var names: Set<String> = []

    public init() {}

    func add(name: String, spec: any OperatorSpec, parallelismLimit: Int? = nil, inputs: [StreamEdge]) throws -> Int {
        guard !name.isEmpty else { throw JobDefinitionError("every stage needs a name (\(spec.kind.rawValue))") }
        guard names.insert(name).inserted else {
            throw JobDefinitionError("two stages are named '\(name)': stage names must be unique (they name metrics and state)")
        }
        let node = StreamNode(id: nodes.count, name: name, spec: spec, parallelismLimit: parallelismLimit, inputs: inputs)
        nodes.append(node)
        return node.id
    }

    func limitParallelism(_ limit: Int, of node: Int) throws {
        guard limit >= 1 else { throw JobDefinitionError("max parallelism of '\(nodes[node].name)' must be at least 1, not \(limit)") }
        nodes[node].parallelismLimit = min(nodes[node].parallelismLimit ?? limit, limit)
    }

    func setParallelism(_ p: Int, of node: Int) throws {
        guard p >= 1 else { throw JobDefinitionError("parallelism of '\(nodes[node].name)' must be at least 1, not \(p)") }
        if let limit = nodes[node].parallelismLimit, p > limit {
            throw JobDefinitionError("'\(nodes[node].name)' can run at most \(limit) parallel instance(s), not \(p)")
        }
        nodes[node].parallelism = p
    }

    /// Edges leaving a node, with the consumer's id.
    public func outputs(of node: Int) -> [(consumer: Int, edge: StreamEdge)] {
        var out: [(Int, StreamEdge)] = []
        for n in nodes { for e in n.inputs where e.source == node { out.append((n.id, e)) } }
        return out
    }
}

public struct JobDefinitionError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

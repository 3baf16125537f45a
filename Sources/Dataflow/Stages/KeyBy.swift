/// Partitions the stream by key: each record goes, with its key, to the subtask that owns the key's key group.
/// `KeyBy` is an edge, not an operator (as in Flink's plan): the next stage reads `Keyed<K, T>`.
public struct KeyBy<T, K: StableHashable>: Stage {
    let key: @Sendable (T) -> K
    public init(_ key: @escaping @Sendable (T) -> K) { self.key = key }
    public init(_ keyPath: KeyPath<T, K> & Sendable) { self.key = { $0[keyPath: keyPath] } }

    public func lower(_ input: StreamHandle<T>, into graph: StreamGraph) throws -> StreamHandle<Keyed<K, T>> {
        guard input.exchange == nil else { throw JobDefinitionError("KeyBy directly after KeyBy: key the stream once") }
        guard input.node >= 0 else { throw JobDefinitionError("a job must start with a Source") }
        return StreamHandle(node: input.node, port: input.port, exchange: KeyedExchange<T, K>(key: key))
    }

    /// Windows of the keyed stream, aggregated incrementally (Flink's `keyBy(…).window(…).aggregate(…)`).
    /// - Parameters:
    ///   - allowedLateness: how long after a window fired late records still update (and re-fire) it.
    ///   - lateOutput: where records too late for all their windows go (they are counted either way).
    public func window<A: AggregateFunction>(
        _ name: String, _ assigner: WindowAssigner, aggregate: A, allowedLateness: Duration = .zero,
        lateOutput: OutputTag<T>? = nil
    ) -> Pipeline<T, WindowResult<K, A.Result>> where A.Input == T {
        let spec = WindowSpec<K, T, A>(assigner: assigner, aggregate: aggregate,
                                       allowedLateness: allowedLateness.milliseconds, lateOutput: lateOutput?.name)
        return Pipeline { input, graph in
            try assigner.validate(stage: name)
            guard spec.allowedLateness >= 0 else { throw JobDefinitionError("\(name): allowed lateness must not be negative") }
            let keyed = try self.lower(input, into: graph)
            return StreamHandle(node: try graph.add(name: name, spec: spec, inputs: [keyed.edge()]))
        }
    }

    /// Per-key logic with keyed state and timers (Flink's `keyBy(…).process(…)`).
    public func process<F: KeyedProcessFunction>(_ name: String, _ make: @escaping @Sendable () -> F)
        -> Pipeline<T, F.Output> where F.Key == K, F.Input == T {
        Pipeline { input, graph in
            let keyed = try self.lower(input, into: graph)
            return try Process(name, make).lower(keyed, into: graph)
        }
    }
}

public struct ProcessSpec<F: KeyedProcessFunction>: OperatorSpec, @unchecked Sendable {
    public typealias Input = Keyed<F.Key, F.Input>
    public typealias Output = F.Output
    public let make: () -> F
    public var kind: OperatorKind { .process }
    public var description: String { "KeyedProcess(\(String(describing: F.self)))" }
    public func accept<V: OperatorSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.process(self) }
}

/// A keyed process function over a keyed stream; one fresh function instance per parallel subtask.
public struct Process<F: KeyedProcessFunction>: Stage {
    let name: String
    let spec: ProcessSpec<F>
    public init(_ name: String, _ make: @escaping @Sendable () -> F) { self.name = name; self.spec = ProcessSpec(make: make) }
    public func lower(_ input: StreamHandle<Keyed<F.Key, F.Input>>, into graph: StreamGraph) throws -> StreamHandle<F.Output> {
        StreamHandle(node: try graph.add(name: name, spec: spec, inputs: [input.edge()]))
    }
}

public struct FilterSpec<T>: OperatorSpec, @unchecked Sendable {
    public typealias Input = T
    public typealias Output = T
    public let predicate: (T) throws -> Bool
    public var kind: OperatorKind { .filter }
    public var description: String { "Filter" }
    public func accept<V: OperatorSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.filter(self) }
}

/// Keeps the records for which `predicate` is true.
public struct Filter<T>: Stage {
    let name: String
    let spec: FilterSpec<T>
    public init(_ name: String, _ predicate: @escaping @Sendable (T) throws -> Bool) {
        self.name = name; self.spec = FilterSpec(predicate: predicate)
    }
    public func lower(_ input: StreamHandle<T>, into graph: StreamGraph) throws -> StreamHandle<T> {
        StreamHandle(node: try graph.add(name: name, spec: spec, inputs: [input.edge()]))
    }
}

public struct MapSpec<I, O>: OperatorSpec, @unchecked Sendable {
    public typealias Input = I
    public typealias Output = O
    public let transform: (I) throws -> O
    public var kind: OperatorKind { .map }
    public var description: String { "Map" }
    public func accept<V: OperatorSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.map(self) }
}

/// Turns each record into one new record.
public struct Map<I, O>: Stage {
    let name: String
    let spec: MapSpec<I, O>
    public init(_ name: String, _ transform: @escaping @Sendable (I) throws -> O) {
        self.name = name; self.spec = MapSpec(transform: transform)
    }
    public func lower(_ input: StreamHandle<I>, into graph: StreamGraph) throws -> StreamHandle<O> {
        StreamHandle(node: try graph.add(name: name, spec: spec, inputs: [input.edge()]))
    }
}

public struct FlatMapSpec<I, O>: OperatorSpec, @unchecked Sendable {
    public typealias Input = I
    public typealias Output = O
    public let transform: (I, (O) throws -> Void) throws -> Void
    public var kind: OperatorKind { .flatMap }
    public var description: String { "FlatMap" }
    public func accept<V: OperatorSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.flatMap(self) }
}

/// Turns each record into zero or more records.
public struct FlatMap<I, O>: Stage {
    let name: String
    let spec: FlatMapSpec<I, O>
    /// `transform` calls `emit` once per output record.
    public init(_ name: String, _ transform: @escaping @Sendable (I, (O) throws -> Void) throws -> Void) {
        self.name = name; self.spec = FlatMapSpec(transform: transform)
    }
    /// `transform` returns the output records.
    public init<S: Sequence>(_ name: String, _ transform: @escaping @Sendable (I) throws -> S) where S.Element == O {
        self.name = name
        self.spec = FlatMapSpec { value, emit in for o in try transform(value) { try emit(o) } }
    }
    public func lower(_ input: StreamHandle<I>, into graph: StreamGraph) throws -> StreamHandle<O> {
        StreamHandle(node: try graph.add(name: name, spec: spec, inputs: [input.edge()]))
    }
}

public struct UnionSpec<T>: OperatorSpec, @unchecked Sendable {
    public typealias Input = T
    public typealias Output = T
    public var kind: OperatorKind { .union }
    public var description: String { "Union" }
    public func accept<V: OperatorSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.union(self) }
}

/// Merges the stream with the streams of other pipelines (each starting at its own source).
/// The watermark of the union is the minimum over its inputs.
public struct Union<T>: Stage {
    let name: String
    let others: [Pipeline<Never, T>]
    public init(_ name: String, @PipelineBuilder _ other: () -> Pipeline<Never, T>) {
        self.name = name; self.others = [other()]
    }
    public init(_ name: String, _ others: [Pipeline<Never, T>]) { self.name = name; self.others = others }
    public func lower(_ input: StreamHandle<T>, into graph: StreamGraph) throws -> StreamHandle<T> {
        var edges = [try input.edge()]
        for other in others { edges.append(try other.lower(.none, into: graph).edge()) }
        return StreamHandle(node: try graph.add(name: name, spec: UnionSpec<T>(), inputs: edges))
    }
}

public struct SinkSpec<T>: OperatorSpec, @unchecked Sendable {
    public typealias Input = T
    public typealias Output = Terminal
    public let connector: any SinkConnector<T>
    public var kind: OperatorKind { .sink }
    public var description: String { "Sink: \(connector.description)" }
    public func accept<V: OperatorSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.sink(self) }
}

/// Writes the stream to a connector; ends a pipeline.
public struct Sink<T>: Stage {
    let name: String
    let spec: SinkSpec<T>
    public init<C: SinkConnector>(_ name: String, _ connector: C) where C.Record == T {
        self.name = name; self.spec = SinkSpec(connector: connector)
    }
    public func lower(_ input: StreamHandle<T>, into graph: StreamGraph) throws -> StreamHandle<Terminal> {
        StreamHandle(node: try graph.add(name: name, spec: spec, inputs: [input.edge()]))
    }
}

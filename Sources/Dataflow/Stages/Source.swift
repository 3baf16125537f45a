public struct SourceSpec<T>: OperatorSpec, @unchecked Sendable {
    public typealias Input = Never
    public typealias Output = T
    public let connector: any SourceConnector<T>
    public let watermarks: WatermarkStrategy<T>
    public var kind: OperatorKind { .source }
    public var description: String { "Source: \(connector.description)" }
    public func accept<V: OperatorSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.source(self) }
}

/// Reads records from a connector and stamps them with timestamps and watermarks.
/// Records it cannot decode go to the `.deadLetters` side output.
public struct Source<T>: Stage {
    let name: String
    let spec: SourceSpec<T>
    public init<C: SourceConnector>(_ name: String, _ connector: C, watermarks: WatermarkStrategy<T> = .noWatermarks)
        where C.Record == T {
        self.name = name
        self.spec = SourceSpec(connector: connector, watermarks: watermarks)
    }
    /// A connector chosen at run time (a file or a topic, from a parameter).
    public init(_ name: String, _ connector: any SourceConnector<T>, watermarks: WatermarkStrategy<T> = .noWatermarks) {
        self.name = name
        self.spec = SourceSpec(connector: connector, watermarks: watermarks)
    }

    public func lower(_ input: StreamHandle<Never>, into graph: StreamGraph) throws -> StreamHandle<T> {
        StreamHandle(node: try graph.add(name: name, spec: spec, parallelismLimit: spec.connector.maxParallelism, inputs: []))
    }
}

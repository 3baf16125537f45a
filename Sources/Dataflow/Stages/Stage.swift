/// The type after a sink: nothing can follow it.
public enum Terminal {}

/// A typed reference to a stream while a job is lowered: which node (and output port) produces it, and the
/// exchange the next consumer must use (set by `KeyBy`).
public struct StreamHandle<T> {
    public let node: Int
    public let port: String?
    let exchange: (any ExchangeSpec)?

    init(node: Int, port: String? = nil, exchange: (any ExchangeSpec)? = nil) {
        self.node = node; self.port = port; self.exchange = exchange
    }
    /// The input of a job: no stream yet.
    static var none: StreamHandle<T> { StreamHandle(node: -1) }

    /// The edge a consumer of `T` attaches with.
    func edge() throws -> StreamEdge {
        guard node >= 0 else { throw JobDefinitionError("a job must start with a Source") }
        return StreamEdge(source: node, port: port, exchange: exchange ?? PassThroughExchange<T>())
    }
}

/// One step of a job: consumes `Input`, produces `Output`. The builder only accepts a stage after another when
/// the types line up, so a mis-typed job does not compile.
public protocol Stage<Input, Output> {
    associatedtype Input
    associatedtype Output
    func lower(_ input: StreamHandle<Input>, into graph: StreamGraph) throws -> StreamHandle<Output>
}

/// A chain of stages with the input of the first and the output of the last.
public struct Pipeline<Input, Output>: Stage {
    let body: (StreamHandle<Input>, StreamGraph) throws -> StreamHandle<Output>
    public func lower(_ input: StreamHandle<Input>, into graph: StreamGraph) throws -> StreamHandle<Output> {
        try body(input, graph)
    }
}

@resultBuilder
public enum PipelineBuilder {
    public static func buildPartialBlock<S: Stage>(first: S) -> Pipeline<S.Input, S.Output> {
        Pipeline { input, graph in try first.lower(input, into: graph) }
    }
    public static func buildPartialBlock<I, M, S: Stage>(accumulated: Pipeline<I, M>, next: S)
        -> Pipeline<I, S.Output> where S.Input == M {
        Pipeline { input, graph in try next.lower(accumulated.lower(input, into: graph), into: graph) }
    }
}

/// A job: a named pipeline from sources to sinks, lowered to a stream graph.
public struct Job: Sendable {
    public let name: String
    public let graph: StreamGraph

    public init(_ name: String, @PipelineBuilder _ body: () -> Pipeline<Never, Terminal>) throws {
        self.name = name
        let graph = StreamGraph()
        _ = try body().lower(.none, into: graph)
        guard graph.nodes.contains(where: { $0.kind == .sink }) else { throw JobDefinitionError("job '\(name)' has no sink") }
        self.graph = graph
    }
}

// MARK: - Modifiers

extension Stage {
    /// Runs this stage with its own parallelism instead of the job's.
    public func parallelism(_ n: Int) -> Pipeline<Input, Output> {
        Pipeline { input, graph in
            let out = try self.lower(input, into: graph)
            guard out.node >= 0, out.node != input.node else {
                throw JobDefinitionError("parallelism(\(n)) applies to a stage that creates an operator")
            }
            try graph.setParallelism(n, of: out.node)
            return out
        }
    }

    /// Runs this stage with its own parallelism, or the job's when `n` is nil.
    public func parallelism(_ n: Int?) -> Pipeline<Input, Output> {
        guard let n else { return Pipeline { input, graph in try self.lower(input, into: graph) } }
        return parallelism(n)
    }

    /// Runs this stage with the job's parallelism, but at most `n` instances (no limit when nil) — for a source
    /// with few splits, and the stages chained to it.
    public func maxParallelism(_ n: Int?) -> Pipeline<Input, Output> {
        Pipeline { input, graph in
            let out = try self.lower(input, into: graph)
            guard let n else { return out }
            guard out.node >= 0, out.node != input.node else {
                throw JobDefinitionError("maxParallelism(\(n)) applies to a stage that creates an operator")
            }
            try graph.limitParallelism(n, of: out.node)
            return out
        }
    }

    /// Sends this stage's side output `tag` (late data, dead letters, …) through `branch`.
    public func sideOutput<X>(_ tag: OutputTag<X>, @PipelineBuilder _ branch: () -> Pipeline<X, Terminal>)
        -> Pipeline<Input, Output> {
        let b = branch()
        return Pipeline { input, graph in
            let out = try self.lower(input, into: graph)
            guard out.node >= 0, out.node != input.node else {
                throw JobDefinitionError("sideOutput(\(tag.name)) applies to a stage that creates an operator")
            }
            _ = try b.lower(StreamHandle<X>(node: out.node, port: tag.name), into: graph)
            return out
        }
    }
}

/// Sends a copy of the stream through `branch`; the main stream goes on unchanged.
public struct Fork<T>: Stage {
    let branch: Pipeline<T, Terminal>
    public init(@PipelineBuilder _ branch: () -> Pipeline<T, Terminal>) { self.branch = branch() }
    public func lower(_ input: StreamHandle<T>, into graph: StreamGraph) throws -> StreamHandle<T> {
        _ = try branch.lower(input, into: graph)
        return input
    }
}

// MARK: - Lowering one stage on its own (operator test harnesses)

/// A source that never produces: stands in for the upstream of a stage lowered on its own.
public struct PlaceholderSource<T>: SourceConnector, @unchecked Sendable {
    public init() {}
    public var maxParallelism: Int? { nil }
    public var description: String { "placeholder" }
    public func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<T> {
        throw JobDefinitionError("a placeholder source cannot run")
    }
}

extension StreamGraph {
    /// Lowers `stage` behind a placeholder source (node 0); the stage's own operator is node 1.
    public static func lowering<S: Stage>(_ stage: S) throws -> StreamGraph {
        let graph = StreamGraph()
        let input = try graph.add(name: "harness-input", spec: SourceSpec<S.Input>(connector: PlaceholderSource<S.Input>(),
                                                                                watermarks: .noWatermarks), inputs: [])
        _ = try stage.lower(StreamHandle<S.Input>(node: input), into: graph)
        guard graph.nodes.count > 1 else { throw JobDefinitionError("the stage creates no operator") }
        return graph
    }
}

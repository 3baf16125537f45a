import Testing
@testable import Dataflow

// MARK: - Test connectors (DataflowTests cannot use Runtime's CollectionSource)

/// A source that only declares itself; lowering never runs it.
private struct TestSource<T>: SourceConnector, @unchecked Sendable {
    var maxParallelism: Int?
    init(maxParallelism: Int? = nil) { self.maxParallelism = maxParallelism }
    var description: String { "test source" }
    func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<T> {
        throw JobDefinitionError("test source cannot run")
    }
}

private struct TestSink<T>: SinkConnector, @unchecked Sendable {
    var description: String { "test sink" }
    func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<T> {
        throw JobDefinitionError("test sink cannot run")
    }
}

/// A stage that consumes its stream without creating an operator, so that a job can end without a sink.
/// (StreamHandle's initialiser is internal; the handle is reused as-is, which is layout-compatible.)
private struct Discard<T>: Stage {
    func lower(_ input: StreamHandle<T>, into graph: StreamGraph) throws -> StreamHandle<Terminal> {
        unsafeBitCast(input, to: StreamHandle<Terminal>.self)
    }
}

private struct Event: Sendable { var user: String; var ts: Int64 }

// MARK: - Helpers

/// A readable summary of one edge: producer name, port and whether it is keyed.
private struct EdgeSummary: Equatable, CustomStringConvertible {
    var from: String
    var port: String?
    var keyed: Bool
    var description: String { "\(from)\(port.map { "[\($0)]" } ?? "")\(keyed ? " HASH" : "")" }
}

private func inputs(_ g: StreamGraph, _ name: String) -> [EdgeSummary] {
    guard let n = g.nodes.first(where: { $0.name == name }) else { return [] }
    return n.inputs.map { EdgeSummary(from: g.nodes[$0.source].name, port: $0.port, keyed: $0.exchange.isKeyed) }
}

private func definitionError(_ body: () throws -> Job) -> String? {
    do {
        _ = try body()
        return nil
    } catch let e as JobDefinitionError {
        return e.description
    } catch {
        return "unexpected error type: \(error)"
    }
}

// MARK: - Lowering

@Test("a job lowers to the expected nodes, kinds and edges")
func lowersToGraph() throws {
    let job = try Job("demo") {
        Source("events", TestSource<Event>(), watermarks: .boundedOutOfOrderness(.seconds(2)) { $0.ts })
            .sideOutput(.deadLetters) { Sink("dead-letters", TestSink<DeadLetter>()) }
        Filter<Event>("non-empty") { !$0.user.isEmpty }
        Map<Event, Event>("normalise") { Event(user: $0.user.lowercased(), ts: $0.ts) }
        Fork { Sink("raw-copy", TestSink<Event>()) }
        KeyBy(\Event.user)
            .window("counts", .sliding(size: .seconds(5), slide: .seconds(1)), aggregate: Count(),
                    lateOutput: OutputTag<Event>("late"))
            .sideOutput(OutputTag<Event>("late")) { Sink("late", TestSink<Event>()) }
        Sink("out", TestSink<WindowResult<String, Int>>())
    }
    let g = job.graph
    #expect(job.name == "demo")
    // Stage order is the order of lowering; KeyBy is an edge, not a node (as in Flink's plan).
    #expect(g.nodes.map(\.name) == ["events", "dead-letters", "non-empty", "normalise", "raw-copy", "counts", "late", "out"])
    #expect(g.nodes.map(\.kind) == [.source, .sink, .filter, .map, .sink, .window, .sink, .sink])
    #expect(g.nodes.map(\.id) == Array(0..<8))

    #expect(inputs(g, "events") == [])
    #expect(inputs(g, "dead-letters") == [EdgeSummary(from: "events", port: "dead-letters", keyed: false)])
    #expect(inputs(g, "non-empty") == [EdgeSummary(from: "events", port: nil, keyed: false)])
    #expect(inputs(g, "normalise") == [EdgeSummary(from: "non-empty", port: nil, keyed: false)])
    #expect(inputs(g, "raw-copy") == [EdgeSummary(from: "normalise", port: nil, keyed: false)])
    #expect(inputs(g, "counts") == [EdgeSummary(from: "normalise", port: nil, keyed: true)])
    #expect(inputs(g, "late") == [EdgeSummary(from: "counts", port: "late", keyed: false)])
    #expect(inputs(g, "out") == [EdgeSummary(from: "counts", port: nil, keyed: false)])

    // outputs(of:) is the reverse view of the same edges.
    let fromNormalise = g.outputs(of: 3).map { g.nodes[$0.consumer].name }
    #expect(fromNormalise == ["raw-copy", "counts"])
    #expect(g.outputs(of: 0).map { g.nodes[$0.consumer].name } == ["dead-letters", "non-empty"])

    // Plan descriptions, as Flink names them.
    #expect(g.nodes[0].spec.description == "Source: test source")
    #expect(g.nodes[5].spec.description == "Window(SlidingEventTimeWindows(5000, 1000), EventTimeTrigger, CountAgg)")
    #expect(g.nodes[7].spec.description == "Sink: test sink")
    // No explicit parallelism anywhere: every node takes the job's.
    #expect(g.nodes.allSatisfy { $0.parallelism == nil })
}

@Test("a window spec keeps its assigner, lateness and late-output port")
func windowSpecContents() throws {
    let job = try Job("w") {
        Source("s", TestSource<Event>())
        KeyBy(\Event.user).window("w", .tumbling(size: .seconds(10), offset: .seconds(1)), aggregate: Count(),
                                  allowedLateness: .seconds(3), lateOutput: OutputTag<Event>("too-late"))
        Sink("out", TestSink<WindowResult<String, Int>>())
    }
    let spec = try #require(job.graph.nodes[1].spec as? WindowSpec<String, Event, Count<Event>>)
    #expect(spec.assigner == .tumbling(size: .seconds(10), offset: .seconds(1)))
    #expect(spec.allowedLateness == 3000)
    #expect(spec.lateOutput == "too-late")
}

@Test("union: the other pipelines are lowered before the union, which has one input per pipeline")
func unionLowering() throws {
    let job = try Job("u") {
        Source("a", TestSource<Int>())
        Union<Int>("both") {
            Source("b", TestSource<Int>())
            Map<Int, Int>("double-b") { $0 * 2 }
        }
        KeyBy<Int, Int64> { Int64($0) }.process("proc") { Echo() }
        Sink("out", TestSink<Int>())
    }
    let g = job.graph
    #expect(g.nodes.map(\.name) == ["a", "b", "double-b", "both", "proc", "out"])
    #expect(g.nodes.map(\.kind) == [.source, .source, .map, .union, .process, .sink])
    #expect(inputs(g, "both") == [EdgeSummary(from: "a", port: nil, keyed: false),
                                  EdgeSummary(from: "double-b", port: nil, keyed: false)])
    #expect(inputs(g, "proc") == [EdgeSummary(from: "both", port: nil, keyed: true)])
}

private final class Echo: KeyedProcessFunction {
    typealias Key = Int64
    func processElement(_ value: Int, _ ctx: ProcessContext<Int64, Int>) throws { try ctx.collect(value) }
}

@Test("explicit parallelism is recorded per stage; a file-like source declares its limit")
func parallelismRecorded() throws {
    let job = try Job("p") {
        Source("s", TestSource<Int>(maxParallelism: 1))
        Map<Int, Int>("m") { $0 }.parallelism(3)
        Sink("out", TestSink<Int>()).parallelism(1)
    }
    let g = job.graph
    #expect(g.nodes.map(\.parallelism) == [nil, 3, 1])
    #expect(g.nodes.map(\.parallelismLimit) == [1, nil, nil])
}

@Test("StreamGraph.lowering puts a single stage behind a placeholder source")
func loweringHarness() throws {
    let g = try StreamGraph.lowering(Map<Int, String>("fmt") { "\($0)" })
    #expect(g.nodes.map(\.name) == ["harness-input", "fmt"])
    #expect(g.nodes.map(\.kind) == [.source, .map])
    #expect(inputs(g, "fmt") == [EdgeSummary(from: "harness-input", port: nil, keyed: false)])
    // A stage that creates no operator cannot be lowered on its own.
    #expect(throws: JobDefinitionError.self) { try StreamGraph.lowering(KeyBy<Int, Int64> { Int64($0) }) }
}

// MARK: - Definition errors

@Test("duplicate stage names are rejected, naming the stage")
func duplicateNames() {
    let e = definitionError {
        try Job("dup") {
            Source("s", TestSource<Int>())
            Map<Int, Int>("same") { $0 }
            Map<Int, Int>("same") { $0 }
            Sink("out", TestSink<Int>())
        }
    }
    #expect(e?.contains("'same'") == true && e?.contains("unique") == true, "\(e ?? "accepted")")
    // Names are unique across branches too.
    let e2 = definitionError {
        try Job("dup2") {
            Source("s", TestSource<Int>()).sideOutput(.deadLetters) { Sink("out", TestSink<DeadLetter>()) }
            Sink("out", TestSink<Int>())
        }
    }
    #expect(e2?.contains("'out'") == true, "\(e2 ?? "accepted")")
}

@Test("an empty stage name is rejected")
func emptyName() {
    let e = definitionError {
        try Job("empty") {
            Source("s", TestSource<Int>())
            Sink("", TestSink<Int>())
        }
    }
    #expect(e?.contains("name") == true, "\(e ?? "accepted")")
}

@Test("KeyBy directly after KeyBy is rejected")
func keyByAfterKeyBy() {
    let e = definitionError {
        try Job("kk") {
            Source("s", TestSource<Int>())
            KeyBy<Int, Int64> { Int64($0) }
            KeyBy<Keyed<Int64, Int>, Int64> { $0.key }
            Sink("out", TestSink<Keyed<Int64, Keyed<Int64, Int>>>())
        }
    }
    #expect(e?.contains("KeyBy directly after KeyBy") == true, "\(e ?? "accepted")")
}

@Test("parallelism below 1 is rejected, naming the stage", arguments: [0, -1])
func parallelismZero(_ p: Int) {
    let e = definitionError {
        try Job("p0") {
            Source("s", TestSource<Int>())
            Map<Int, Int>("m") { $0 }.parallelism(p)
            Sink("out", TestSink<Int>())
        }
    }
    #expect(e?.contains("'m'") == true && e?.contains("at least 1") == true, "\(e ?? "accepted")")
}

@Test("parallelism above a connector's limit is rejected")
func parallelismAboveLimit() throws {
    let e = definitionError {
        try Job("limit") {
            Source("file", TestSource<Int>(maxParallelism: 1)).parallelism(2)
            Sink("out", TestSink<Int>())
        }
    }
    #expect(e?.contains("'file'") == true && e?.contains("at most 1") == true, "\(e ?? "accepted")")
    // At the limit it is fine.
    let ok = try Job("limit-ok") {
        Source("file", TestSource<Int>(maxParallelism: 2)).parallelism(2)
        Sink("out", TestSink<Int>())
    }
    #expect(ok.graph.nodes[0].parallelism == 2)
}

@Test("parallelism on a stage that creates no operator is rejected")
func parallelismOnKeyBy() {
    let e = definitionError {
        try Job("kp") {
            Source("s", TestSource<Int>())
            KeyBy<Int, Int64> { Int64($0) }.parallelism(2)
            Sink("out", TestSink<Keyed<Int64, Int>>())
        }
    }
    #expect(e != nil)
}

@Test("a job without a sink is rejected")
func noSink() {
    let e = definitionError {
        try Job("nosink") {
            Source("s", TestSource<Int>())
            Map<Int, Int>("m") { $0 }
            Discard<Int>()
        }
    }
    #expect(e?.contains("no sink") == true && e?.contains("'nosink'") == true, "\(e ?? "accepted")")
}

private func windowJob(_ assigner: WindowAssigner, lateness: Duration = .zero) throws -> Job {
    try Job("win") {
        Source("s", TestSource<Event>())
        KeyBy(\Event.user).window("w", assigner, aggregate: Count(), allowedLateness: lateness)
        Sink("out", TestSink<WindowResult<String, Int>>())
    }
}

@Test("invalid window assigners are rejected, naming the stage", arguments: [
    WindowAssigner.sliding(size: .seconds(5), slide: .zero),
    .sliding(size: .zero, slide: .seconds(1)),
    .sliding(size: .seconds(5), slide: .seconds(-1)),
    .sliding(size: .seconds(5), slide: .seconds(1), offset: .seconds(1)),        // |offset| == slide
    .sliding(size: .seconds(5), slide: .seconds(1), offset: .milliseconds(-1000)),
    .sliding(size: .seconds(5), slide: .seconds(1), offset: .seconds(3)),
    .tumbling(size: .seconds(5), offset: .seconds(5)),
    .tumbling(size: .zero),
])
func invalidWindows(_ a: WindowAssigner) {
    let e = definitionError { try windowJob(a) }
    #expect(e?.hasPrefix("w:") == true, "\(a.description) offset \(a.offset): \(e ?? "accepted")")
}

@Test("valid offsets just inside the slide are accepted")
func validWindowOffsets() throws {
    _ = try windowJob(.sliding(size: .seconds(5), slide: .seconds(1), offset: .milliseconds(999)))
    _ = try windowJob(.sliding(size: .seconds(5), slide: .seconds(1), offset: .milliseconds(-999)))
    _ = try windowJob(.tumbling(size: .seconds(5), offset: .milliseconds(4999)))
}

@Test("negative allowed lateness is rejected")
func negativeLateness() {
    let e = definitionError { try windowJob(.tumbling(size: .seconds(5)), lateness: .seconds(-1)) }
    #expect(e?.contains("lateness") == true, "\(e ?? "accepted")")
}

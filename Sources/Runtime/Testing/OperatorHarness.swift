import Dataflow
import Foundation

/// Records everything an operator emits, for assertions.
public final class RecordingOutput<T>: Output<T>, @unchecked Sendable {
    public private(set) var elements: [StreamElement<T>] = []
    public override init() {}
    public override func emit(_ value: T, timestamp: Timestamp) throws { elements.append(.record(value, timestamp)) }
    public override func emitWatermark(_ watermark: Timestamp) throws { elements.append(.watermark(watermark)) }
    public override func emitIdle(_ idle: Bool) throws { elements.append(.idle(idle)) }
    public override func finish() throws { elements.append(.end) }

    public var records: [T] { elements.compactMap { if case .record(let v, _) = $0 { return v } else { return nil } } }
    public var timestamped: [(value: T, timestamp: Timestamp)] {
        elements.compactMap { if case .record(let v, let t) = $0 { return (v, t) } else { return nil } }
    }
    public var watermarks: [Timestamp] { elements.compactMap { if case .watermark(let w) = $0 { return w } else { return nil } } }
    public func clear() { elements = [] }
}

/// Collects one side output of the operator under test.
public protocol SideOutputRecording: AnyObject {
    var tagName: String { get }
    var output: AnyObject { get }
}

public final class SideOutputRecorder<X>: SideOutputRecording {
    public let tagName: String
    public let recording = RecordingOutput<X>()
    public init(_ tag: OutputTag<X>) { tagName = tag.name }
    public var output: AnyObject { recording }
    public var records: [X] { recording.records }
}

/// Runs one operator alone, as Flink's `OneInputStreamOperatorTestHarness`: the test pushes records and
/// watermarks, moves processing time by hand, and reads what came out.
public final class OperatorHarness<In, Out> {
    public let output = RecordingOutput<Out>()
    public let clock: ManualClock
    public let metrics = MetricGroup()
    private let processingTime: ProcessingTimeService
    public let mailbox = Mailbox()
    private let entry: Output<In>
    private let constructed: ConstructedOperator

    /// - Parameters:
    ///   - stage: the stage under test (a `Filter`, `KeyBy(…).window(…)`, `Process`, …); its first operator runs.
    ///   - subtask/parallelism: which parallel instance this is (what the operator sees in its context).
    public init<S: Stage>(_ stage: S, subtask: Int = 0, parallelism: Int = 1, maxParallelism: Int = KeyGroups.defaultMaxParallelism,
                          sideOutputs: [SideOutputRecording] = [], clock: ManualClock = ManualClock(0)) throws
        where S.Input == In, S.Output == Out {
        let graph = try StreamGraph.lowering(stage)
        let node = graph.nodes[1]
        self.clock = clock
        processingTime = ProcessingTimeService(clock: clock)
        var outputs: [String?: [AnyObject]] = [nil: [output]]
        for s in sideOutputs { outputs[s.tagName] = [s.output] }
        constructed = try node.spec.accept(OperatorConstructor(
            node: node, subtask: subtask, parallelism: parallelism, maxParallelism: maxParallelism,
            outputs: outputs, metrics: metrics, processingTime: processingTime, mailbox: mailbox, isCancelled: { false }))
        guard let input = constructed.input else { throw JobDefinitionError("a source cannot be tested with OperatorHarness") }
        entry = try node.inputs[0].exchange.accept(HarnessEntry(operatorInput: input)) as! Output<In>
        try constructed.open()
    }

    public func process(_ value: In, timestamp: Timestamp = noTimestamp) throws { try entry.emit(value, timestamp: timestamp) }
    public func watermark(_ watermark: Timestamp) throws { try entry.emitWatermark(watermark) }
    public func idle(_ idle: Bool) throws { try entry.emitIdle(idle) }

    /// Moves processing time and fires the timers that became due.
    public func setProcessingTime(_ time: Timestamp) throws {
        clock.set(time)
        try processingTime.fireDue()
    }

    /// End of input: the watermark at the end of time, then finish, as a bounded source sends them.
    public func endInput() throws {
        try entry.emitWatermark(Watermark.endOfInput)
        try entry.finish()
    }

    public func close() throws { try constructed.close() }

    /// Runs mail (completions of async calls) until `condition` holds; false if `timeout` seconds passed first.
    @discardableResult
    public func runMailbox(timeout: TimeInterval = 10, until condition: () -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() >= deadline { return false }
            try mailbox.waitAndRun(timeout: 0.01)
        }
        return true
    }

    public var records: [Out] { output.records }
    public func metric(_ name: String) -> Int64 { constructed.publish(); return metrics.snapshot()[name] ?? 0 }
}

/// Converts what the test pushes into what the operator reads (applying the stage's `KeyBy`).
private struct HarnessEntry: ExchangeSpecVisitor {
    let operatorInput: AnyObject
    func passThrough<T>(_ spec: PassThroughExchange<T>) throws -> AnyObject { operatorInput }
    func keyed<T, K>(_ spec: KeyedExchange<T, K>) throws -> AnyObject {
        KeyingOutput<T, K>(next: operatorInput as! Output<Keyed<K, T>>, key: spec.key)
    }
}

private final class KeyingOutput<T, K: StableHashable>: Output<T> {
    let next: Output<Keyed<K, T>>
    let key: (T) -> K
    init(next: Output<Keyed<K, T>>, key: @escaping (T) -> K) { self.next = next; self.key = key }
    override func emit(_ value: T, timestamp: Timestamp) throws { try next.emit(Keyed(key: key(value), value: value), timestamp: timestamp) }
    override func emitWatermark(_ watermark: Timestamp) throws { try next.emitWatermark(watermark) }
    override func emitIdle(_ idle: Bool) throws { try next.emitIdle(idle) }
    override func finish() throws { try next.finish() }
}

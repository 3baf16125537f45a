import Dataflow

/// What the runtime gives an operator instance when it opens.
public final class OperatorContext {
    public let runtime: RuntimeContext
    public let maxParallelism: Int
    public let processingTime: ProcessingTimeService
    /// Side outputs by tag name (`Output<X>` for the tag's type); absent when nothing consumes the tag.
    public let sideOutputs: [String: AnyObject]
    /// Work from other threads (async completions) runs through here, on the subtask's thread.
    public let mailbox: Mailbox
    /// Whether the job is being cancelled (for operators that wait).
    public let isCancelled: @Sendable () -> Bool

    public init(runtime: RuntimeContext, maxParallelism: Int, processingTime: ProcessingTimeService, sideOutputs: [String: AnyObject],
                mailbox: Mailbox, isCancelled: @escaping @Sendable () -> Bool) {
        self.runtime = runtime; self.maxParallelism = maxParallelism; self.processingTime = processingTime; self.sideOutputs = sideOutputs
        self.mailbox = mailbox; self.isCancelled = isCancelled
    }
    public var metrics: MetricGroup { runtime.metrics }

    public func sideOutput<X>(_ name: String?, as: X.Type) -> Output<X>? {
        guard let name, let o = sideOutputs[name] else { return nil }
        return (o as! Output<X>)
    }
}

/// A running operator: one instance per parallel subtask, driven by that subtask's thread only.
/// Every hook but `process` has a default, so an operator implements only what it needs.
public protocol StreamOperator: AnyObject {
    associatedtype Input
    associatedtype Output
    var output: Dataflow.Output<Output> { get }

    func open(_ context: OperatorContext) throws
    func process(_ value: Input, timestamp: Timestamp) throws
    /// Fire what the watermark completes, then pass it on.
    func processWatermark(_ watermark: Timestamp) throws
    func processIdle(_ idle: Bool) throws
    /// End of input: emit what is left (the watermark at the end of time has already passed).
    func finish() throws
    func close() throws
    /// The job stops for a savepoint: complete work in flight (async calls) so that the snapshot holds all of it —
    /// but fire nothing that only the end of input would fire.
    func quiesce() throws
    /// The state a savepoint keeps; nil for a stateless operator.
    func snapshotState() throws -> OperatorSnapshot?
    /// Before `open`: this instance's share of a savepoint's state (its key groups at the new parallelism).
    func restoreState(_ snapshot: OperatorSnapshot) throws
}

extension StreamOperator {
    public func quiesce() throws {}
    public func snapshotState() throws -> OperatorSnapshot? { nil }
    public func restoreState(_ snapshot: OperatorSnapshot) throws {
        if !snapshot.keyed.isEmpty || !snapshot.list.isEmpty {
            throw StateSnapshotError("\(Self.self) keeps no state, but the savepoint has state for it")
        }
    }
    public func open(_ context: OperatorContext) throws {}
    public func processWatermark(_ watermark: Timestamp) throws { try output.emitWatermark(watermark) }
    public func processIdle(_ idle: Bool) throws { try output.emitIdle(idle) }
    public func finish() throws {}
    public func close() throws {}
}

/// Feeds an operator: what the previous operator in a chain (or the input gate) emits into.
/// Counts `numRecordsIn` and tracks `currentInputWatermark` as Flink names them.
final class OperatorInput<Op: StreamOperator>: Output<Op.Input> {
    let op: Op
    private let recordsIn: Counter
    private let watermarkGauge: Gauge
    private var uncounted = 0
    /// Side outputs see the same watermarks, idleness and end as the main output.
    private let sideOutputs: [ControlOutput]

    init(_ op: Op, metrics: MetricGroup, sideOutputs: [ControlOutput]) {
        self.op = op
        self.sideOutputs = sideOutputs
        recordsIn = metrics.counter("numRecordsIn")
        watermarkGauge = metrics.gauge("currentInputWatermark", initial: Watermark.none)
    }
    override func emit(_ value: Op.Input, timestamp: Timestamp) throws {
        uncounted &+= 1
        if uncounted == 4096 { publish() }
        try op.process(value, timestamp: timestamp)
    }
    override func emitWatermark(_ watermark: Timestamp) throws {
        watermarkGauge.set(watermark)
        try op.processWatermark(watermark)
        for s in sideOutputs { try s.emitWatermark(watermark) }
    }
    override func emitIdle(_ idle: Bool) throws {
        try op.processIdle(idle)
        for s in sideOutputs { try s.emitIdle(idle) }
    }
    override func finish() throws {
        publish()
        try op.finish()
        try op.output.finish()
        for s in sideOutputs { try s.finish() }
    }
    func publish() {
        if uncounted > 0 { recordsIn.add(uncounted); uncounted = 0 }
    }
}

/// The control half of an output, whatever its record type.
protocol ControlOutput: AnyObject {
    func emitWatermark(_ watermark: Timestamp) throws
    func emitIdle(_ idle: Bool) throws
    func finish() throws
}
extension Output: ControlOutput {}

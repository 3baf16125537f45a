/// Event- and processing-time timers of a keyed operator; a timer belongs to the key that was current when it
/// was registered, and registering the same (key, time) twice keeps one timer (as in Flink).
public protocol TimerService: AnyObject {
    var currentWatermark: Timestamp { get }
    var currentProcessingTime: Timestamp { get }
    func registerEventTimeTimer(_ time: Timestamp)
    func registerProcessingTimeTimer(_ time: Timestamp)
    func deleteEventTimeTimer(_ time: Timestamp)
    func deleteProcessingTimeTimer(_ time: Timestamp)
}

/// What an operator instance is told when it opens.
public struct RuntimeContext {
    public let stageName: String
    public let subtaskIndex: Int
    public let parallelism: Int
    public let metrics: MetricGroup
    public init(stageName: String, subtaskIndex: Int, parallelism: Int, metrics: MetricGroup) {
        self.stageName = stageName; self.subtaskIndex = subtaskIndex; self.parallelism = parallelism; self.metrics = metrics
    }
}

/// The context of one call into a keyed process function: the key, the element's timestamp, timers, outputs.
public final class ProcessContext<Key: StableHashable, Out> {
    public internal(set) var key: Key
    /// The timestamp of the element (or the time of the firing timer).
    public internal(set) var timestamp: Timestamp
    /// For `onTimer`: which clock fired.
    public internal(set) var timeDomain: TimeDomain = .eventTime
    public let timers: TimerService
    private let output: Output<Out>
    private let sideOutputs: [String: AnyObject]

    public init(key: Key, timers: TimerService, output: Output<Out>, sideOutputs: [String: AnyObject]) {
        self.key = key; self.timestamp = noTimestamp; self.timers = timers; self.output = output; self.sideOutputs = sideOutputs
    }

    /// Runtime hook: points the context at the next call.
    public func prepare(key: Key, timestamp: Timestamp, domain: TimeDomain = .eventTime) {
        self.key = key; self.timestamp = timestamp; self.timeDomain = domain
    }

    /// Emits a result with the timestamp of the current element or timer.
    @inlinable public func collect(_ value: Out) throws { try emit(value, timestamp: timestamp) }
    public func emit(_ value: Out, timestamp: Timestamp) throws { try output.emit(value, timestamp: timestamp) }

    /// Emits to a side output; a tag nothing consumes is dropped here (and nothing downstream can miss it).
    public func output<X>(_ tag: OutputTag<X>, _ value: X) throws {
        guard let o = sideOutputs[tag.name] else { return }
        try (o as! Output<X>).emit(value, timestamp: timestamp)
    }
}

/// Flink's `KeyedProcessFunction`: per-key logic with keyed state and timers. One instance per parallel subtask;
/// register state handles in `open`.
public protocol KeyedProcessFunction: AnyObject {
    associatedtype Key: StableHashable
    associatedtype Input
    associatedtype Output

    func open(context: RuntimeContext, state: KeyedStateStore<Key>) throws
    func processElement(_ value: Input, _ ctx: ProcessContext<Key, Output>) throws
    func onTimer(_ time: Timestamp, _ ctx: ProcessContext<Key, Output>) throws
    func close() throws
}

extension KeyedProcessFunction {
    public func open(context: RuntimeContext, state: KeyedStateStore<Key>) throws {}
    public func onTimer(_ time: Timestamp, _ ctx: ProcessContext<Key, Output>) throws {}
    public func close() throws {}
}

import Dataflow

/// Sends each record to the consumer subtask with the same index (FORWARD across a vertex boundary).
final class ForwardPartitioner<T>: Output<T>, Flushable {
    private let writer: ChannelWriter<T>
    init(writer: ChannelWriter<T>) { self.writer = writer }
    override func emit(_ value: T, timestamp: Timestamp) throws { try writer.record(value, timestamp) }
    override func emitWatermark(_ watermark: Timestamp) throws { try writer.watermark(watermark) }
    override func emitIdle(_ idle: Bool) throws { try writer.idle(idle) }
    override func finish() throws { try writer.end() }
    func flush() throws { try writer.flush() }
    func suspend() throws { try writer.suspend() }
}

/// Round-robin over the consumer subtasks (REBALANCE); control elements go to all of them.
final class RebalancePartitioner<T>: Output<T>, Flushable {
    private let writers: [ChannelWriter<T>]
    private var next: Int
    init(writers: [ChannelWriter<T>], start: Int) { self.writers = writers; self.next = start % writers.count }
    override func emit(_ value: T, timestamp: Timestamp) throws {
        try writers[next].record(value, timestamp)
        next += 1
        if next == writers.count { next = 0 }
    }
    override func emitWatermark(_ watermark: Timestamp) throws { for w in writers { try w.watermark(watermark) } }
    override func emitIdle(_ idle: Bool) throws { for w in writers { try w.idle(idle) } }
    override func finish() throws { for w in writers { try w.end() } }
    func flush() throws { for w in writers { try w.flush() } }
    func suspend() throws { for w in writers { try w.suspend() } }
}

/// HASH: extracts the key once, and sends the keyed record to the subtask owning the key's key group.
final class HashPartitioner<T, K: StableHashable>: Output<T>, Flushable {
    private let writers: [ChannelWriter<Keyed<K, T>>]
    private let key: (T) -> K
    private let maxParallelism: Int
    init(writers: [ChannelWriter<Keyed<K, T>>], key: @escaping (T) -> K, maxParallelism: Int) {
        self.writers = writers; self.key = key; self.maxParallelism = maxParallelism
    }
    override func emit(_ value: T, timestamp: Timestamp) throws {
        let k = key(value)
        let group = KeyGroups.keyGroup(of: k, maxParallelism: maxParallelism)
        let target = KeyGroups.operatorIndex(keyGroup: group, parallelism: writers.count, maxParallelism: maxParallelism)
        try writers[target].record(Keyed(key: k, value: value), timestamp)
    }
    override func emitWatermark(_ watermark: Timestamp) throws { for w in writers { try w.watermark(watermark) } }
    override func emitIdle(_ idle: Bool) throws { for w in writers { try w.idle(idle) } }
    override func finish() throws { for w in writers { try w.end() } }
    func flush() throws { for w in writers { try w.flush() } }
    func suspend() throws { for w in writers { try w.suspend() } }
}

/// One output feeding several consumers (a fork, or a stage read by a chained and a remote consumer).
final class FanOut<T>: Output<T> {
    private let outputs: [Output<T>]
    init(_ outputs: [Output<T>]) { self.outputs = outputs }
    override func emit(_ value: T, timestamp: Timestamp) throws { for o in outputs { try o.emit(value, timestamp: timestamp) } }
    override func emitWatermark(_ watermark: Timestamp) throws { for o in outputs { try o.emitWatermark(watermark) } }
    override func emitIdle(_ idle: Bool) throws { for o in outputs { try o.emitIdle(idle) } }
    override func finish() throws { for o in outputs { try o.finish() } }
}

/// The output of a stage nobody consumes (a side output without a branch).
final class DiscardingOutput<T>: Output<T> {}

import CRdKafka
import Dataflow

/// One parallel reader of a `KafkaSource`: the partitions the assigner gives its subtask, consumed in batches.
/// Each partition is a split for event time: announced when assigned, finished at its end offset when bounded.
///
/// All bookkeeping lives in the non-generic `PartitionConsumer`; this class only decodes and emits.
final class KafkaSourceReader<Record>: SourceReader {
    private let consumer: PartitionConsumer
    private let deserializer: any KafkaDeserializer<Record>
    private var endCommitted = false

    init(options: KafkaSourceOptions, subtask: Int, parallelism: Int, deserializer: any KafkaDeserializer<Record>) {
        consumer = PartitionConsumer(options: options, subtask: subtask, parallelism: parallelism)
        self.deserializer = deserializer
    }

    func attach(metrics: MetricGroup) { consumer.attach(metrics: metrics) }
    func open() throws { try consumer.open() }
    func close() { consumer.close() }
    func cancel() { consumer.cancel() }

    func snapshotPositions() throws -> [SplitPosition]? { consumer.positions }
    func restore(positions: [SplitPosition]) throws {
        for p in positions { consumer.restoredOffsets[p.split] = p.offset }
    }

    func poll(into output: SourceOutput<Record>, max: Int) throws -> SourcePoll {
        let c = consumer
        try c.maintain()
        for p in c.takeUnannouncedSplits() { try output.splitAdded(p) }
        if c.ownedPartitions.isEmpty { try output.noSplitsAssigned() }
        if c.isFinished {
            if !endCommitted { c.finishBounded(); endCommitted = true }
            return .finished
        }
        let n = c.receive(max: max)
        if n == 0 { return .nothingAvailable }
        defer { c.release(n) }
        let topic = c.topic
        var bytes = 0
        for i in 0..<n {
            let m = UnsafePointer(c.batch[i]!)
            switch c.admit(m) {
            case .record:
                let p = Int(m.pointee.partition)
                let offset = m.pointee.offset
                let ts = rd_kafka_message_timestamp(m, nil)
                let timestamp = ts >= 0 ? ts : noTimestamp
                bytes &+= m.pointee.len &+ m.pointee.key_len
                let message = KafkaMessage(
                    topic: topic, partition: p, offset: offset, timestamp: timestamp,
                    key: m.pointee.key.map { UnsafeRawBufferPointer(start: $0, count: m.pointee.key_len) },
                    value: UnsafeRawBufferPointer(start: m.pointee.payload, count: m.pointee.len))
                let record: Record
                do {
                    record = try deserializer.deserialize(message)
                } catch {
                    try output.deadLetter(c.deadLetter(m, reason: "\(error)"))
                    if c.advance(p, offset) { try output.splitFinished(p) }
                    continue
                }
                try output.collect(record, timestamp: timestamp, split: p)
                if c.advance(p, offset) { try output.splitFinished(p) }
            case .skip(let finished):
                if finished { try output.splitFinished(Int(m.pointee.partition)) }
            case .oversized:
                let p = Int(m.pointee.partition)
                bytes &+= m.pointee.len &+ m.pointee.key_len
                var letter = c.deadLetter(m, reason: c.oversizedReason(m))
                letter.raw = String(letter.raw.prefix(256))
                try output.deadLetter(letter)
                if c.advance(p, m.pointee.offset) { try output.splitFinished(p) }
            }
        }
        c.countBytes(bytes)
        return .more
    }
}

import Dataflow
import Foundation
import KafkaConnector
import Runtime
import Synchronization
import Testing

/// Produces one event every 20 ms to partition 0 (event time advancing 100 ms each) until stopped.
final class TickingProducer: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    let sent = Atomic<Int>(0)

    init(topic: String, t0: Int64) throws {
        let producer = try KafkaProducer(options: KafkaSinkOptions(bootstrapServers: Broker.servers, topic: topic))
        try producer.connect()
        let box = UncheckedBox(producer)
        Thread.detachNewThread { [self] in
            defer { done.signal() }
            var i: Int64 = 0
            while !stopped.load(ordering: .relaxed) {
                let e = Event(id: i, key: "hot", ts: t0 + i * 100)
                try? box.value.send(KafkaProducerRecord(value: e.bytes, partition: 0, timestamp: e.ts))
                try? box.value.flush()
                sent.add(1, ordering: .relaxed)
                i += 1
                Thread.sleep(forTimeInterval: 0.02)
            }
            try? box.value.close(timeout: .seconds(5))
        }
    }

    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        done.wait()
    }
}

/// Hands a non-Sendable value to exactly one other thread.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

extension KafkaTests {
    @Test("per-partition watermarks: a quiet partition holds windows back until it is idle (withIdleness)")
    func quietPartitionAndIdleness() async throws {
        let (admin, topic) = try Broker.createTopic("watermarks", partitions: 2)
        defer { try? admin.deleteTopic(topic) }
        let producer = try TickingProducer(topic: topic, t0: Self.t0)
        defer { producer.stop() }

        // Kafka's message timestamps are the event time (no extractor), one watermark per record.
        let kafkaTime = WatermarkStrategy<Event>(generator: .boundedOutOfOrderness(milliseconds: 0), emission: .perRecord,
                                                 timestamp: nil)
        func windows(_ strategy: WatermarkStrategy<Event>, _ sink: CollectingSink<WindowResult<String, Int>>) throws -> Job {
            try Job("windows") {
                Source("kafka", KafkaSource<Event>(topic: topic, bootstrapServers: Broker.servers), watermarks: strategy)
                KeyBy<Event, String>(\.key).window("count", .tumbling(size: .seconds(1)), aggregate: Count<Event>())
                Sink("out", sink)
            }
        }

        // Partition 1 never sends: without idleness it holds the watermark at "none" and no window fires.
        let held = CollectingSink<WindowResult<String, Int>>()
        let readWhileHeld = try await withRunningJob(windows(kafkaTime, held)) { first in
            try await Task.sleep(for: .seconds(3))
            return first.subtaskMetrics().first { $0.stage == "kafka" }?.values["numRecordsOut"] ?? 0
        }
        #expect(readWhileHeld > 20, "records flowed (\(readWhileHeld)) ...")
        #expect(held.count == 0, "... but no window fired: \(held.values)")

        // With idleness the quiet partition stops counting after 500 ms and the windows of partition 0 fire.
        let fired = CollectingSink<WindowResult<String, Int>>()
        let ok = try await withRunningJob(windows(kafkaTime.withIdleness(.milliseconds(500)), fired)) { _ in
            try await eventually(.seconds(15)) { fired.count >= 3 }
        }
        #expect(ok, "windows fired: \(fired.count)")
        let results = fired.values
        #expect(results.allSatisfy { $0.key == "hot" && $0.value == 10 }, "\(results)")
        let starts = results.map(\.window.start)
        #expect(starts == Array(stride(from: Self.t0, to: Self.t0 + Int64(starts.count) * 1000, by: 1000)), "\(starts)")
    }
}

extension KafkaTests {
    @Test("a reader without partitions (more readers than partitions) is idle and holds nothing back")
    func readerWithoutPartitionsIsIdle() async throws {
        let (admin, topic) = try Broker.createTopic("spare-readers", partitions: 1)
        defer { try? admin.deleteTopic(topic) }
        let producer = try TickingProducer(topic: topic, t0: Self.t0)
        defer { producer.stop() }
        let kafkaTime = WatermarkStrategy<Event>(generator: .boundedOutOfOrderness(milliseconds: 0), emission: .perRecord,
                                                 timestamp: nil)
        let fired = CollectingSink<WindowResult<String, Int>>()
        // Parallelism 2 over one partition: the second reader gets nothing. No idleness is configured.
        let job = try Job("spare") {
            Source("kafka", KafkaSource<Event>(topic: topic, bootstrapServers: Broker.servers), watermarks: kafkaTime)
            KeyBy<Event, String>(\.key).window("count", .tumbling(size: .seconds(1)), aggregate: Count<Event>())
            Sink("out", fired)
        }
        let ok = try await withRunningJob(job, parallelism: 2) { _ in
            try await eventually(.seconds(15)) { fired.count >= 2 }
        }
        #expect(ok, "windows fired: \(fired.count)")
    }
}

import Dataflow
import Foundation
import KafkaConnector
import Runtime
import Testing

extension KafkaTests {
    static let t0: Int64 = 1_700_000_000_000

    /// Ids `range` round-robin over 2 partitions, each stamped t0 + id seconds, sent in one burst so that several
    /// messages share a record batch (which is what Tansu's ListOffsets gets wrong; see PartitionConsumer.resolve).
    static func timedRecords(_ range: Range<Int>) -> [KafkaProducerRecord] {
        range.map { i in
            KafkaProducerRecord(key: Array("k\(i)".utf8), value: Event(id: Int64(i), key: "k\(i)").bytes,
                                partition: i % 2, timestamp: t0 + Int64(i) * 1000)
        }
    }

    @Test("starting offsets: earliest reads all, timestamp reads from the first message at or after it, bounded latest reads nothing")
    func startingOffsetsBounded() async throws {
        let (admin, topic) = try Broker.createTopic("start", partitions: 2)
        defer { try? admin.deleteTopic(topic) }
        try produce(topic, Self.timedRecords(0..<40)) { $0.lingerMillis = 50 }

        let (all, earliest) = try await readAll(topic) { $0.startingOffsets = .earliest }
        #expect(all.status == .finished)
        #expect(earliest.map(\.id).sorted() == Array(0..<40))

        let (r2, fromTime) = try await readAll(topic) { $0.startingOffsets = .timestamp(Self.t0 + 25_000) }
        #expect(r2.status == .finished)
        #expect(fromTime.map(\.id).sorted() == Array(25..<40))
        #expect(fromTime.allSatisfy { $0.timestamp >= Self.t0 + 25_000 })

        // A time after every message: nothing yet, and the run ends.
        let (r3, none) = try await readAll(topic) { $0.startingOffsets = .timestamp(Self.t0 + 999_000) }
        #expect(r3.status == .finished)
        #expect(none.isEmpty)

        // Latest on a bounded source: the end is the start, nothing to read (on Tansu this also checks that the
        // tail of the last record batch is not re-delivered).
        let (r4, latest) = try await readAll(topic) { $0.startingOffsets = .latest }
        #expect(r4.status == .finished)
        #expect(latest.isEmpty, "\(latest.map(\.id))")
    }

    @Test("latest on an unbounded source: only messages produced after the start")
    func startingOffsetsLatest() async throws {
        let (admin, topic) = try Broker.createTopic("latest", partitions: 2)
        defer { try? admin.deleteTopic(topic) }
        try produce(topic, Self.timedRecords(0..<40)) { $0.lingerMillis = 50 }

        let sink = CollectingSink<Received>()
        let source = KafkaSource(topic: topic, bootstrapServers: Broker.servers, startingOffsets: .latest,
                                 deserializer: ReceivedDeserializer())
        let job = try Job("latest") {
            Source("kafka", source)
            Sink("out", sink)
        }
        try await withRunningJob(job) { _ in
        // `.latest` is the end at each partition's first fetch: give the reader time to make it.
        try await Task.sleep(for: .seconds(2))
        try produce(topic, Self.timedRecords(100..<110))
        let arrived = try await eventually(.seconds(15)) { sink.count >= 10 }
        try await Task.sleep(for: .milliseconds(300))   // anything extra would show up now
        #expect(arrived)
        #expect(sink.values.map(\.id).sorted() == Array(100..<110))
        }
    }

    @Test("committed offsets: a bounded run commits, the next run with .committed reads only what came after")
    func committedOffsets() async throws {
        let (admin, topic) = try Broker.createTopic("committed", partitions: 3)
        defer { try? admin.deleteTopic(topic) }
        let group = "group-\(topic)"
        let records = (0..<50).map { i in
            KafkaProducerRecord(key: Array("k\(i)".utf8), value: Event(id: Int64(i), key: "k\(i)").bytes, partition: i % 3)
        }
        try produce(topic, Array(records[0..<30]))

        let configure: (inout KafkaSourceOptions) -> Void = {
            $0.groupId = group
            $0.startingOffsets = .committed(orElse: .earliest)
        }
        let (first, firstRead) = try await readAll(topic, configure: configure)
        #expect(first.status == .finished, "\(first.failure ?? "")")
        #expect(firstRead.map(\.id).sorted() == Array(0..<30))
        #expect(first.metric("kafka", "commitsSucceeded") >= 1)
        #expect(first.metric("kafka", "commitsFailed") == 0)

        try produce(topic, Array(records[30..<50]))
        let (second, secondRead) = try await readAll(topic, parallelism: 2, configure: configure)
        #expect(second.status == .finished, "\(second.failure ?? "")")
        #expect(secondRead.map(\.id).sorted() == Array(30..<50))

        let (third, thirdRead) = try await readAll(topic, configure: configure)
        #expect(third.status == .finished)
        #expect(thirdRead.isEmpty)

        // A group that never committed falls back to `orElse`.
        let (fresh, freshRead) = try await readAll(topic) {
            $0.groupId = "\(group)-fresh"
            $0.startingOffsets = .committed(orElse: .latest)
        }
        #expect(fresh.status == .finished)
        #expect(freshRead.isEmpty)
    }
}

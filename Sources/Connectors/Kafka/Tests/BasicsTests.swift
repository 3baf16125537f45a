import Dataflow
import Foundation
import KafkaConnector
import Runtime
import Testing

extension KafkaTests {
    @Test("the loaded librdkafka is 2.16 or newer (LD_LIBRARY_PATH from scripts/servers.sh env)")
    func librdkafkaVersion() {
        print("librdkafka \(Librdkafka.version) (0x\(String(Librdkafka.versionNumber, radix: 16)))")
        #expect(Librdkafka.versionNumber >= Librdkafka.minimumTestedVersion,
                "librdkafka \(Librdkafka.version) is loaded; Debian's 2.0.2 cannot talk to Tansu. Run `eval \"$(scripts/servers.sh env)\"`.")
    }

    @Test("partitions go to readers by Flink's KafkaSourceEnumerator rule")
    func assignerFollowsFlink() {
        // Java: "test".hashCode() = 3556498; (3556498 * 31) & 0x7FFFFFFF = 110251438; 110251438 % 4 = 2.
        #expect(KafkaPartitionAssigner.owner(topic: "test", partition: 0, readers: 4) == 2)
        #expect((0..<8).map { KafkaPartitionAssigner.owner(topic: "test", partition: $0, readers: 4) } == [2, 3, 0, 1, 2, 3, 0, 1])
        // Every partition has exactly one owner, and owners are balanced (±1), for a topic whose hash * 31
        // overflows Int32 ("chat-messages": Java wraps, so must we).
        for readers in 1...7 {
            let counts = (0..<readers).map { r in KafkaPartitionAssigner.partitions(of: r, readers: readers, topic: "chat-messages", in: 0..<20).count }
            #expect(counts.reduce(0, +) == 20)
            #expect(counts.max()! - counts.min()! <= 1, "balanced: \(counts)")
        }
    }

    @Test("a small keyed round trip: sink → topic → bounded source, with keys, partitions and timestamps")
    func smallRoundTrip() async throws {
        let (admin, topic) = try Broker.createTopic("small", partitions: 4)
        defer { try? admin.deleteTopic(topic) }
        let events = (0..<500).map { Event(id: Int64($0), key: "k\($0 % 7)", ts: 1_700_000_000_000 + Int64($0)) }
        let job = try Job("write") {
            Source("events", CollectionSource(events), watermarks: .timestamps { $0.ts })
            Sink("kafka", KafkaSink<Event>(topic: topic, bootstrapServers: Broker.servers, key: { $0.key }))
        }
        let written = try await runJob(job)
        #expect(written.status == .finished, "\(written.failure ?? "")")
        let infos = try admin.describe(topic)
        #expect(infos.map(\.messageCount).reduce(0, +) == 500, "\(infos)")

        let (result, received) = try await readAll(topic)
        #expect(result.status == .finished, "\(result.failure ?? "")")
        #expect(received.map(\.id).sorted() == (0..<500).map(Int64.init))
        // The record timestamp became the message timestamp.
        #expect(received.allSatisfy { $0.timestamp == 1_700_000_000_000 + $0.id })
        // Same key, same partition; per partition, offsets in order.
        var partitionOfKey: [Int64: Int] = [:]
        for r in received {
            let k = r.id % 7
            if let p = partitionOfKey[k] { #expect(p == r.partition) } else { partitionOfKey[k] = r.partition }
        }
        for p in 0..<4 {
            let offsets = received.filter { $0.partition == p }.map(\.offset)
            #expect(offsets == Array(0..<Int64(offsets.count)))
        }
        #expect(result.metric("kafka", "numRecordsOut") == 500)
        #expect(result.metric("kafka", "numBytesIn") > 500 * 40)
        #expect(result.metric("kafka", "pendingRecords") == 0)
    }
}

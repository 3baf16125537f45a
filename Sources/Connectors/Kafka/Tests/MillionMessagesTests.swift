import Dataflow
import Foundation
import KafkaConnector
import Runtime
import Testing

extension KafkaTests {
    /// ~100-byte JSON values with a unique id, keyed by one of 1000 keys.
    static func millionEvent(_ i: Int) -> Event {
        Event(id: Int64(i), key: "k-\(i % 1000)", ts: 1_700_000_000_000 + Int64(i),
              payload: String(repeating: "x", count: 47 - String(i).count))
    }

    @Test("1,000,000 keyed messages: written by KafkaSink, read back bounded at p = 1, 2, 4 — none lost, none twice")
    func millionMessages() async throws {
        let total = 1_000_000
        let (admin, topic) = try Broker.createTopic("million", partitions: 20)
        defer { try? admin.deleteTopic(topic) }
        #expect(Self.millionEvent(123_456).bytes.count == 100)

        let write = try Job("produce-1m") {
            Source("generate", GeneratorSource<Event>(count: total) { KafkaTests.millionEvent($0) },
                   watermarks: .timestamps { $0.ts })
            Sink("kafka", KafkaSink<Event>(topic: topic, bootstrapServers: Broker.servers, key: { $0.key }))
        }
        let written = try await runJob(write, timeout: .seconds(300))
        #expect(written.status == .finished, "\(written.failure ?? "")")
        print("produce \(total) via KafkaSink: \(written.durationMillis) ms, "
            + "\(Int(Double(total) / Double(max(1, written.durationMillis)) * 1000)) records/s")
        let infos = try admin.describe(topic)
        #expect(infos.map(\.messageCount).reduce(0, +) == Int64(total), "\(infos)")
        #expect(infos.allSatisfy { $0.messageCount > 0 })

        for parallelism in [1, 2, 4] {
            let tracker = ReceivedTracker()
            let source = KafkaSource(topic: topic, bootstrapServers: Broker.servers, bounded: true,
                                     deserializer: ReceivedDeserializer())
            let read = try Job("read-1m-p\(parallelism)") {
                Source("kafka", source)
                Sink("track", tracker)
            }
            let result = try await runJob(read, parallelism: parallelism, timeout: .seconds(300))
            #expect(result.status == .finished, "\(result.failure ?? "")")
            print("consume \(total) at p=\(parallelism) into a tracking sink: \(result.durationMillis) ms")

            #expect(tracker.ids.count == total, "p=\(parallelism): \(tracker.ids.count) records")
            var seen = [Bool](repeating: false, count: total)
            var duplicates = 0, outOfRange = 0
            for id in tracker.ids {
                guard id >= 0 && id < total else { outOfRange += 1; continue }
                if seen[Int(id)] { duplicates += 1 } else { seen[Int(id)] = true }
            }
            #expect(duplicates == 0 && outOfRange == 0, "p=\(parallelism)")
            #expect(seen.allSatisfy { $0 }, "p=\(parallelism): \(seen.filter { !$0 }.count) ids missing")
            // Each partition by exactly one reader, and the readers are the enumerator's choice.
            let owners = tracker.partitionsBySubtask
            #expect(owners.values.map(\.count).reduce(0, +) == 20, "p=\(parallelism): \(owners)")
            for (subtask, partitions) in owners {
                for p in partitions {
                    #expect(KafkaPartitionAssigner.owner(topic: topic, partition: p, readers: parallelism) == subtask)
                }
            }
            #expect(result.metric("kafka", "numRecordsOut") == Int64(total))
            #expect(result.metric("kafka", "pendingRecords") == 0)
        }

        // Throughput: the same topic into a sink that discards.
        for parallelism in [1, 2] {
            let source = KafkaSource(topic: topic, bootstrapServers: Broker.servers, bounded: true,
                                     deserializer: JSONDeserializer<IdOnly>())
            let read = try Job("throughput-p\(parallelism)") {
                Source("kafka", source)
                Sink("discard", DiscardingSink<IdOnly>())
            }
            let result = try await runJob(read, parallelism: parallelism, timeout: .seconds(300))
            #expect(result.status == .finished, "\(result.failure ?? "")")
            #expect(result.metric("kafka", "numRecordsOut") == Int64(total))
            let rate = Int(Double(total) / Double(max(1, result.durationMillis)) * 1000)
            print("THROUGHPUT consume \(total) at p=\(parallelism) into a discarding sink: \(result.durationMillis) ms, \(rate) records/s")
        }
    }
}

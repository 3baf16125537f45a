import Dataflow
import Foundation
import KafkaConnector
import Runtime
import Testing

extension KafkaTests {
    /// Tansu 0.6 does not implement CreatePartitions, so partitions cannot be added to a topic here; what discovery
    /// must handle all the same is a topic that appears (with its partitions) after the source started.
    @Test("partition discovery: an unbounded source started before its topic exists reads every partition once it appears")
    func discoveryOfALaterTopic() async throws {
        let admin = try Broker.admin()
        let topic = "test-discovery-\(UUID().uuidString.prefix(8).lowercased())"
        defer { try? admin.deleteTopic(topic) }
        let tracker = CollectingSink<Received>()
        let source = KafkaSource(topic: topic, bootstrapServers: Broker.servers, deserializer: ReceivedDeserializer()) {
            $0.partitionDiscoveryInterval = .milliseconds(200)
        }
        let job = try Job("discovery") {
            Source("kafka", source)
            Sink("out", tracker)
        }
        try await withRunningJob(job, parallelism: 2) { execution in
        try await Task.sleep(for: .milliseconds(700))
        #expect(execution.status == .running)

        try admin.createTopic(topic, partitions: 3)
        try produce(topic, (0..<30).map {
            KafkaProducerRecord(value: Event(id: Int64($0), key: "k").bytes, partition: $0 % 3)
        })
        let all = try await eventually(.seconds(20)) { tracker.count >= 30 }
        #expect(all, "\(tracker.count) of 30")
        try await Task.sleep(for: .milliseconds(200))
        #expect(tracker.values.map(\.id).sorted() == Array(0..<30))
        // Each partition went to the reader the enumerator rule names.
        for e in tracker.entries {
            #expect(e.subtask == KafkaPartitionAssigner.owner(topic: topic, partition: e.value.partition, readers: 2))
        }
        let metrics = execution.subtaskMetrics().filter { $0.stage == "kafka" }
        #expect(metrics.map { $0.values["assignedPartitions"] ?? 0 }.reduce(0, +) == 3)
        }
    }

    @Test("partition discovery: partitions added to a live topic are read from their start (where the broker supports CreatePartitions)")
    func discoveryOfAddedPartitions() async throws {
        let (admin, topic) = try Broker.createTopic("grow", partitions: 2)
        defer { try? admin.deleteTopic(topic) }
        let tracker = CollectingSink<Received>()
        let source = KafkaSource(topic: topic, bootstrapServers: Broker.servers, deserializer: ReceivedDeserializer()) {
            $0.partitionDiscoveryInterval = .milliseconds(200)
        }
        let job = try Job("grow") {
            Source("kafka", source)
            Sink("out", tracker)
        }
        try await withRunningJob(job) { _ in
        try produce(topic, (0..<10).map { KafkaProducerRecord(value: Event(id: Int64($0), key: "k").bytes, partition: $0 % 2) })
        #expect(try await eventually(.seconds(20)) { tracker.count >= 10 })
        do {
            try admin.createPartitions(topic, totalCount: 4)
        } catch {
            // Tansu 0.6: "CreatePartitions (KIP-195) not supported by broker". The error must say so clearly.
            #expect("\(error)".contains("CreatePartitions"), "\(error)")
            print("CreatePartitions is not supported by this broker: \(error)")
            return
        }
        try produce(topic, (10..<40).map { KafkaProducerRecord(value: Event(id: Int64($0), key: "k").bytes, partition: $0 % 4) })
        #expect(try await eventually(.seconds(20)) { tracker.count >= 40 })
        #expect(tracker.values.map(\.id).sorted() == Array(0..<40))
        }
    }
}

import CRdKafka
import Foundation

/// One partition's offsets: records `low..<high` are in the log.
public struct KafkaPartitionInfo: Sendable, Equatable {
    public let partition: Int
    public let low: Int64
    /// The high watermark: the offset the next message will get.
    public let high: Int64
    public var messageCount: Int64 { max(0, high - low) }
}

/// Topic administration for tests and tools: create and delete topics, add partitions, read watermarks.
public final class KafkaAdmin {
    public let bootstrapServers: String
    public let timeout: Duration
    private let handle: KafkaHandle

    /// Fails after `timeout` with an error naming the servers when no broker answers.
    public init(bootstrapServers: String = defaultBootstrapServers(), timeout: Duration = .seconds(30)) throws {
        self.bootstrapServers = bootstrapServers
        self.timeout = timeout
        let context = KafkaClientContext(name: "Kafka admin", bootstrapServers: bootstrapServers)
        handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, settings: [("bootstrap.servers", bootstrapServers)],
                                 context: context)
        _ = try handle.waitForTopic("__dataflow_probe", timeout: timeout)
    }

    /// Creates `name` and waits until the broker lists all its partitions. `ifNotExists`: an existing topic is fine.
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1, ifNotExists: Bool = false) throws {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(name, Int32(partitions), Int32(replicationFactor), &errstr, errstr.count)
        else { throw KafkaError("cannot create topic '\(name)': \(cString(errstr))") }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        var topics: [OpaquePointer?] = [newTopic]
        try run("create topic '\(name)'", ifNotExists ? [RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS] : []) { q in
            rd_kafka_CreateTopics(handle.rk, &topics, 1, nil, q)
        } results: { ev, count in
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), count)
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if case .success(let n?) = handle.topicPartitionCount(name, timeoutMillis: 2000), n >= partitions { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw KafkaError("topic '\(name)' was created but its \(partitions) partitions did not appear within \(timeout)")
    }

    public func deleteTopic(_ name: String) throws {
        guard let del = rd_kafka_DeleteTopic_new(name) else { throw KafkaError("cannot delete topic '\(name)'") }
        defer { rd_kafka_DeleteTopic_destroy(del) }
        var topics: [OpaquePointer?] = [del]
        try run("delete topic '\(name)'", []) { q in
            rd_kafka_DeleteTopics(handle.rk, &topics, 1, nil, q)
        } results: { ev, count in
            rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), count)
        }
    }

    /// Grows `topic` to `totalCount` partitions (CreatePartitions; Tansu 0.6 does not support it).
    public func createPartitions(_ topic: String, totalCount: Int) throws {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let np = rd_kafka_NewPartitions_new(topic, totalCount, &errstr, errstr.count)
        else { throw KafkaError("cannot add partitions to '\(topic)': \(cString(errstr))") }
        defer { rd_kafka_NewPartitions_destroy(np) }
        var list: [OpaquePointer?] = [np]
        try run("add partitions to '\(topic)'", []) { q in
            rd_kafka_CreatePartitions(handle.rk, &list, 1, nil, q)
        } results: { ev, count in
            rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev), count)
        }
    }

    /// The topic's partition count, nil when it does not exist.
    public func partitionCount(_ topic: String) throws -> Int? {
        try handle.topicPartitionCount(topic, timeoutMillis: timeout.millisInt32).get()
    }

    /// Every partition's low and high watermark.
    ///
    /// The high watermarks come from fetch responses, not from ListOffsets: Tansu answers ListOffsets(latest) with
    /// the base offset of the last batch + 1. A throwaway consumer assigned at the end reads the tail and caches the
    /// high watermark each fetch response carries.
    public func describe(_ topic: String) throws -> [KafkaPartitionInfo] {
        guard let count = try partitionCount(topic) else { throw KafkaError("topic '\(topic)' does not exist") }
        let context = KafkaClientContext(name: "Kafka admin (watermarks of '\(topic)')", bootstrapServers: bootstrapServers)
        let consumer = try KafkaHandle(type: RD_KAFKA_CONSUMER, settings: [
            ("bootstrap.servers", bootstrapServers), ("group.id", "dataflow-admin-\(UUID().uuidString)"),
            ("enable.auto.commit", "false"), ("enable.partition.eof", "true"),
        ], context: context)
        rd_kafka_poll_set_consumer(consumer.rk)
        let queue = rd_kafka_queue_get_consumer(consumer.rk)
        defer {
            rd_kafka_queue_destroy(queue)
            rd_kafka_consumer_close(consumer.rk)
        }
        let list = TopicPartitionList(capacity: count)
        for p in 0..<count { list.add(topic, p, offset: Int64(RD_KAFKA_OFFSET_END)) }
        rd_kafka_assign(consumer.rk, list.list)
        let buffer = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: 1024)
        defer { buffer.deallocate() }
        var infos = [KafkaPartitionInfo?](repeating: nil, count: count)
        let deadline = ContinuousClock.now + timeout
        while infos.contains(where: { $0 == nil }) {
            guard ContinuousClock.now < deadline else {
                throw KafkaError("no watermarks for '\(topic)' from \(bootstrapServers) within \(timeout)")
            }
            let n = rd_kafka_consume_batch_queue(queue, 50, buffer, 1024)
            for i in 0..<max(0, n) { rd_kafka_message_destroy(buffer[i]) }
            for p in 0..<count where infos[p] == nil {
                var low: Int64 = -1, high: Int64 = -1
                rd_kafka_get_watermark_offsets(consumer.rk, topic, Int32(p), &low, &high)
                if high >= 0 { infos[p] = KafkaPartitionInfo(partition: p, low: max(0, low), high: high) }
            }
        }
        return infos.map { $0! }
    }

    /// Runs one admin request and throws the first per-topic error not in `tolerated`.
    private func run(_ what: String, _ tolerated: Set<rd_kafka_resp_err_t>, start: (OpaquePointer) -> Void,
                     results: (OpaquePointer, UnsafeMutablePointer<Int>) -> UnsafeMutablePointer<OpaquePointer?>?) throws {
        guard let queue = rd_kafka_queue_new(handle.rk) else { throw KafkaError("cannot \(what): no queue") }
        defer { rd_kafka_queue_destroy(queue) }
        start(queue)
        guard let ev = rd_kafka_queue_poll(queue, timeout.millisInt32) else {
            throw KafkaError("cannot \(what): no answer from \(bootstrapServers) within \(timeout)")
        }
        defer { rd_kafka_event_destroy(ev) }
        let err = rd_kafka_event_error(ev)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError("cannot \(what): \(String(cString: rd_kafka_event_error_string(ev)))")
        }
        var count = 0
        guard let topics = results(ev, &count) else { return }
        for i in 0..<count {
            let e = rd_kafka_topic_result_error(topics[i])
            if e != RD_KAFKA_RESP_ERR_NO_ERROR && !tolerated.contains(e) {
                let text = rd_kafka_topic_result_error_string(topics[i]).map { String(cString: $0) } ?? errorText(e)
                throw KafkaError("cannot \(what): \(text) (\(errorText(e)))")
            }
        }
    }
}

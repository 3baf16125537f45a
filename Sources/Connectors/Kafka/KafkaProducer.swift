import CRdKafka
import Dataflow
import Foundation

/// A librdkafka producer for one topic that never loses a message silently: every message is acknowledged by the
/// broker or its failure is thrown from the next `send`/`flush`. Not thread-safe: one thread sends and flushes
/// (delivery reports are served on that thread, inside `send` and `flush`).
///
/// `KafkaSink` writes through it; tools and tests can use it directly.
public final class KafkaProducer {
    public let options: KafkaSinkOptions
    public let name: String
    private var handle: KafkaHandle?
    private let context: KafkaClientContext
    private var rkt: OpaquePointer?
    /// The argument vector of `rd_kafka_produceva` (the variadic `rd_kafka_producev` is not callable from Swift);
    /// allocated once and refilled per message.
    private let args: UnsafeMutablePointer<rd_kafka_vu_t>
    private var sendsSincePoll = 0
    /// How often `send` had to wait because librdkafka's queue was full (backpressure, not loss).
    public private(set) var queueFullWaits = 0

    public init(options: KafkaSinkOptions, name: String? = nil) throws {
        self.options = options
        self.name = name ?? "Kafka producer '\(options.topic)'"
        context = KafkaClientContext(name: self.name, bootstrapServers: options.bootstrapServers)
        args = .allocate(capacity: 8)
        args.initialize(repeating: rd_kafka_vu_t(), count: 8)
        let settings: [(String, String)] = [
            ("bootstrap.servers", options.bootstrapServers),
            ("client.id", "dataflow-sink-\(options.topic)"),
            ("linger.ms", String(options.lingerMillis)),
            ("batch.num.messages", String(options.batchMessages)),
            ("batch.size", String(options.batchBytes)),
            ("queue.buffering.max.messages", String(options.queueMessages)),
            ("acks", options.acks),
            ("message.timeout.ms", String(options.deliveryTimeout.milliseconds)),
            ("partitioner", "murmur2_random"),   // the Java client's partitioner: same key, same partition
        ] + (try passthrough(options.properties, managed: KafkaSinkOptions.managedKeys, client: self.name))
        let handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, settings: settings, context: context) { conf in
            // Runs inside rd_kafka_poll/flush on the sending thread; state goes through the opaque pointer.
            rd_kafka_conf_set_dr_msg_cb(conf) { _, msg, opaque in
                guard let msg, let opaque else { return }
                let context = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
                if msg.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    context.delivered.add(1, ordering: .relaxed)
                } else {
                    context.deliveryFailed("\(errorText(msg.pointee.err)) (partition \(msg.pointee.partition))")
                }
            }
        }
        self.handle = handle
        guard let rkt = rd_kafka_topic_new(handle.rk, options.topic, nil) else {
            throw KafkaError("\(self.name): cannot create a handle for topic '\(options.topic)'")
        }
        self.rkt = rkt
    }

    deinit {
        try? close(timeout: .zero)
        args.deallocate()
    }

    /// Waits for the brokers (failing after `startupTimeout` with an error naming them) and checks the topic exists.
    public func connect() throws {
        guard let handle else { throw KafkaError("\(name) is closed") }
        guard try handle.waitForTopic(options.topic, timeout: options.startupTimeout) != nil else {
            throw KafkaError("\(name): topic '\(options.topic)' does not exist at \(options.bootstrapServers)")
        }
    }

    /// Messages acknowledged by the broker so far.
    public var deliveredCount: Int { context.delivered.load(ordering: .relaxed) }
    /// Messages whose delivery failed so far.
    public var failedCount: Int { context.failedDeliveries.load(ordering: .relaxed) }

    public func send(_ record: KafkaProducerRecord) throws {
        try record.value.withUnsafeBytes { value in
            if let key = record.key {
                try key.withUnsafeBytes { try send(key: $0, value: value, partition: record.partition, timestamp: record.timestamp) }
            } else {
                try send(key: nil, value: value, partition: record.partition, timestamp: record.timestamp)
            }
        }
    }

    /// Queues one message (librdkafka copies the bytes). When the queue is full it serves delivery reports and
    /// retries: the caller is slowed down, nothing is dropped.
    public func send(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer, partition: Int? = nil,
                     timestamp: Int64? = nil) throws {
        guard let handle, let rkt else { throw KafkaError("\(name) is closed") }
        try throwIfFailed()
        var n = 0
        args[n].vtype = RD_KAFKA_VTYPE_RKT; args[n].u.rkt = rkt; n += 1
        args[n].vtype = RD_KAFKA_VTYPE_PARTITION; args[n].u.i32 = partition.map { Int32($0) } ?? RD_KAFKA_PARTITION_UA; n += 1
        args[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS; args[n].u.i = RD_KAFKA_MSG_F_COPY; n += 1
        args[n].vtype = RD_KAFKA_VTYPE_VALUE
        args[n].u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress); args[n].u.mem.size = value.count; n += 1
        if let key {
            args[n].vtype = RD_KAFKA_VTYPE_KEY
            args[n].u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress); args[n].u.mem.size = key.count; n += 1
        }
        if let timestamp {
            args[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP; args[n].u.i64 = timestamp; n += 1
        }
        while let error = rd_kafka_produceva(handle.rk, args, n) {
            let code = rd_kafka_error_code(error)
            let text = String(cString: rd_kafka_error_string(error))
            rd_kafka_error_destroy(error)
            guard code == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
                throw KafkaError("\(name): cannot produce to '\(options.topic)': \(text)")
            }
            // Backpressure: wait for acknowledgements to make room (failures surface here too).
            queueFullWaits += 1
            rd_kafka_poll(handle.rk, 10)
            try throwIfFailed()
        }
        sendsSincePoll += 1
        if sendsSincePoll >= 1024 {
            sendsSincePoll = 0
            rd_kafka_poll(handle.rk, 0)   // serve delivery reports, so failures surface promptly
        }
    }

    /// Returns when every message sent so far is acknowledged; throws if any could not be delivered. Bounded by
    /// `deliveryTimeout`: librdkafka fails a message it could not deliver within it.
    public func flush() throws {
        guard let handle else { throw KafkaError("\(name) is closed") }
        let deadline = ContinuousClock.now + options.deliveryTimeout + .seconds(30)
        while rd_kafka_outq_len(handle.rk) > 0 {
            _ = rd_kafka_flush(handle.rk, 100)
            try throwIfFailed()
            if ContinuousClock.now > deadline {
                throw KafkaError("\(name): \(rd_kafka_outq_len(handle.rk)) message(s) to '\(options.topic)' still "
                    + "unacknowledged after \(options.deliveryTimeout.milliseconds + 30000) ms")
            }
        }
        rd_kafka_poll(handle.rk, 0)
        try throwIfFailed()
    }

    private func throwIfFailed() throws {
        let failed = context.failedDeliveries.load(ordering: .relaxed)
        guard failed > 0 else { return }
        throw KafkaError("\(name): \(failed) message(s) could not be delivered to '\(options.topic)' at "
            + "\(options.bootstrapServers): \(context.firstFailure ?? "unknown error")"
            + (context.lastError.map { " (last client error: \($0))" } ?? ""))
    }

    /// Flushes for at most `timeout`, then releases the client. Throws when messages were left unacknowledged
    /// (they are purged: the job is failing or cancelled, and the source's replay is what recovers them).
    public func close(timeout: Duration) throws {
        guard let handle else { return }
        if timeout > .zero { _ = rd_kafka_flush(handle.rk, timeout.millisInt32) }
        let left = Int(rd_kafka_outq_len(handle.rk))
        if left > 0 {
            rd_kafka_purge(handle.rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            rd_kafka_poll(handle.rk, 0)
        }
        if let rkt { rd_kafka_topic_destroy(rkt) }
        rkt = nil
        self.handle = nil   // the last reference: rd_kafka_destroy
        if left > 0 {
            throw KafkaError("\(name): closed with \(left) message(s) to '\(options.topic)' unacknowledged")
        }
        try throwIfFailed()
    }
}

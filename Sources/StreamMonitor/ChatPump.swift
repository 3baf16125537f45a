import Dataflow
import Foundation
import Jobs
import KafkaConnector
import Logging
import Synchronization

/// Moves chat messages from the IRC side into `chat-messages`, keyed by broadcaster_id, as DESIGN.md §7 JSON.
///
/// IRC hands messages over from its event loop (`accept`, cheap: an append under a lock); one producer thread
/// takes everything pending at once, encodes and queues it in librdkafka (which batches per partition), and
/// waits for acknowledgements whenever it runs out of work. Nothing is dropped: when the queue holds
/// `queueLimit` messages, `accept` waits (IRC slows down), and a message Kafka refuses stops the pump with an error.
public final class ChatPump: @unchecked Sendable {
    public let topic: String
    private let options: KafkaSinkOptions
    /// Made in `start()`: a producer asking for an unknown topic's metadata makes auto-creating brokers create it.
    private var producer: KafkaProducer?
    private let queueLimit: Int
    private let metrics: MonitorMetrics
    private let health: DependencyHealth
    private let logger: Logger

    private let condition = NSCondition()
    private var pending: [ChatMessage] = []
    private var stopping = false
    private var finished = false
    private var failure: Error?
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)
    private let accepted = Atomic<Int>(0)

    public init(configuration: MonitorConfiguration, metrics: MonitorMetrics, health: DependencyHealth, logger: Logger) throws {
        var options = KafkaSinkOptions(bootstrapServers: configuration.kafkaBootstrapServers, topic: configuration.chatTopic)
        options.lingerMillis = configuration.chatLingerMillis
        options.queueMessages = 500_000
        options.batchBytes = 1_000_000
        self.options = options
        topic = configuration.chatTopic
        queueLimit = configuration.chatQueueLimit
        self.metrics = metrics
        self.health = health
        self.logger = logger
    }

    /// Waits for the broker and the topic, then starts the producer thread.
    public func start() throws {
        let producer = try KafkaProducer(options: options, name: "chat producer '\(topic)'")
        try producer.connect()
        self.producer = producer
        health.report(.kafka, up: true, detail: "connected, topic \(topic)")
        let thread = Thread { [self] in run() }
        thread.name = "chat-pump"
        self.thread = thread
        thread.start()
    }

    /// Takes one message; waits while `queueLimit` messages are pending. Callable from any thread.
    public func accept(_ message: ChatMessage) {
        condition.lock()
        while pending.count >= queueLimit && !stopping && failure == nil {
            metrics.chatBackpressureWaits.increment()
            condition.wait()
        }
        pending.append(message)
        if pending.count == 1 { condition.signal() }
        condition.unlock()
        accepted.wrappingAdd(1, ordering: .relaxed)
        metrics.chatMessagesReceived.increment()
    }

    /// Takes a batch (what one read from the IRC socket gave); waits while `queueLimit` messages are pending.
    public func accept(contentsOf messages: [ChatMessage]) {
        guard !messages.isEmpty else { return }
        condition.lock()
        while pending.count >= queueLimit && !stopping && failure == nil {
            metrics.chatBackpressureWaits.increment()
            condition.wait()
        }
        let wasEmpty = pending.isEmpty
        pending.append(contentsOf: messages)
        if wasEmpty { condition.signal() }
        condition.unlock()
        accepted.wrappingAdd(messages.count, ordering: .relaxed)
        metrics.chatMessagesReceived.increment(by: Int64(messages.count))
    }

    /// Messages taken so far.
    public var acceptedCount: Int { accepted.load(ordering: .relaxed) }
    /// Messages Kafka acknowledged so far.
    public var publishedCount: Int { producer?.deliveredCount ?? 0 }

    /// Messages received but not yet handed to the producer.
    public var backlog: Int { condition.lock(); defer { condition.unlock() }; return pending.count }

    /// Why the pump stopped early, if it did.
    public var error: Error? { condition.lock(); defer { condition.unlock() }; return failure }

    /// Publishes everything accepted so far, waits until Kafka acknowledged it (at most `timeout`), and stops.
    public func stop(timeout: Duration) throws {
        condition.lock()
        let started = thread != nil
        stopping = true
        condition.broadcast()
        condition.unlock()
        if started { _ = done.wait(timeout: .now() + .milliseconds(Int(timeout.milliseconds))) }
        condition.lock()
        let failure = self.failure
        let left = pending.count
        condition.unlock()
        try producer?.close(timeout: .seconds(5))
        if let failure { throw failure }
        if left > 0 { throw MonitorError("chat pump stopped with \(left) message(s) not yet published to '\(topic)'") }
    }

    private func run() {
        guard let producer else { return }
        var batch: [ChatMessage] = []
        var sent = 0, acknowledged = 0
        defer { done.signal() }
        while true {
            condition.lock()
            // Wake up at least every 200 ms to collect acknowledgements while chat is quiet.
            if pending.isEmpty && !stopping { _ = condition.wait(until: Date().addingTimeInterval(0.2)) }
            swap(&batch, &pending)
            let stop = stopping && batch.isEmpty
            condition.broadcast()   // room for waiting `accept`s
            condition.unlock()
            do {
                if batch.isEmpty {
                    // Out of work: wait for acknowledgements, so that what was sent is known to be in Kafka.
                    if sent > acknowledged { try producer.flush() }
                } else {
                    for message in batch { try send(message, producer) }
                    sent += batch.count
                    batch.removeAll(keepingCapacity: true)
                }
                let delivered = producer.deliveredCount
                if delivered > acknowledged {
                    metrics.chatMessagesPublished.increment(by: Int64(delivered - acknowledged))
                    acknowledged = delivered
                }
                if stop { return }
            } catch {
                logger.error("chat pump: cannot publish to Kafka, stopping", metadata: ["topic": "\(topic)", "error": "\(error)"])
                health.report(.kafka, up: false, detail: "\(error)")
                metrics.kafkaErrors.increment()
                condition.lock()
                failure = error
                pending.insert(contentsOf: batch, at: 0)
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }

    private func send(_ message: ChatMessage, _ producer: KafkaProducer) throws {
        var writer = JSONWriter()
        message.encode(json: &writer)
        let value = writer.bytes
        try message.broadcasterID.utf8.withContiguousStorageIfAvailable { key in
            try value.withUnsafeBytes { try producer.send(key: UnsafeRawBufferPointer(key), value: $0, timestamp: message.ts) }
        } ?? {
            let key = Array(message.broadcasterID.utf8)
            try key.withUnsafeBytes { k in try value.withUnsafeBytes { try producer.send(key: k, value: $0, timestamp: message.ts) } }
        }()
    }
}

public struct MonitorError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

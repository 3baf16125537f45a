import Dataflow
import Foundation
import KafkaConnector

/// An online/offline change of a channel, as `stream-lifecycle` carries it (DESIGN.md §7).
public struct LifecycleEvent: Sendable, Equatable, JSONEncodableRecord {
    public enum Kind: String, Sendable { case online, offline }
    public var type: Kind
    public var broadcasterID: BroadcasterID
    public var broadcasterLogin: String
    public var streamID: String?
    public var title: String?
    public var gameName: String?
    /// RFC 3339, as Helix reports the stream's start.
    public var startedAt: String?
    /// Epoch ms: when the monitor saw the change.
    public var ts: Int64

    public init(type: Kind, broadcasterID: BroadcasterID, broadcasterLogin: String, streamID: String? = nil,
                title: String? = nil, gameName: String? = nil, startedAt: String? = nil, ts: Int64) {
        self.type = type; self.broadcasterID = broadcasterID; self.broadcasterLogin = broadcasterLogin
        self.streamID = streamID; self.title = title; self.gameName = gameName; self.startedAt = startedAt; self.ts = ts
    }

    public func encode(json w: inout JSONWriter) {
        w.beginObject()
        w.field("type", type.rawValue)
        w.field("broadcaster_id", broadcasterID.rawValue)
        w.field("broadcaster_login", broadcasterLogin)
        w.field("stream_id", streamID)
        w.field("title", title)
        w.field("game_name", gameName)
        w.field("started_at", startedAt)
        w.field("ts", ts)
        w.endObject()
    }
}

/// Publishes lifecycle events to `stream-lifecycle`, keyed by broadcaster_id, each one acknowledged before
/// `publish` returns (they are rare and each matters). The producer is used from one serial queue.
public final class LifecyclePublisher: @unchecked Sendable {
    private let options: KafkaSinkOptions
    /// Made in `connect()`, after the topics exist (see `ChatPump`).
    private var producer: KafkaProducer?
    private let queue = DispatchQueue(label: "lifecycle-publisher")
    public let topic: String

    public init(configuration: MonitorConfiguration) throws {
        var options = KafkaSinkOptions(bootstrapServers: configuration.kafkaBootstrapServers, topic: configuration.lifecycleTopic)
        options.lingerMillis = 0
        options.deliveryTimeout = .seconds(30)
        self.options = options
        topic = configuration.lifecycleTopic
    }

    public func connect() throws {
        let producer = try KafkaProducer(options: options, name: "lifecycle producer '\(topic)'")
        try producer.connect()
        queue.sync { self.producer = producer }
    }

    public func publish(_ event: LifecycleEvent) async throws {
        var writer = JSONWriter()
        event.encode(json: &writer)
        let record = KafkaProducerRecord(key: Array(event.broadcasterID.rawValue.utf8), value: writer.bytes, timestamp: event.ts)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            queue.async { [self] in
                continuation.resume(with: Result {
                    guard let producer else { throw MonitorError("lifecycle producer used before connect()") }
                    try producer.send(record)
                    try producer.flush()
                })
            }
        }
    }

    public func close(timeout: Duration) throws {
        try queue.sync { try producer?.close(timeout: timeout) }
    }
}

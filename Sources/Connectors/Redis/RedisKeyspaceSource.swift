import Dataflow
import Foundation

/// An unbounded source of the keys that expire in one Redis database (one reader: a subscription sees every
/// event, so a second one would duplicate them). Each record is stamped with the time its event was seen.
///
/// Nothing is lost silently: a dropped connection and events dropped because the buffer was full each become a
/// dead letter (counted, on the `.deadLetters` side output); if Redis stays unreachable longer than
/// `options.subscriber.giveUpAfter`, the job fails with an error naming `host:port`, as it does when Redis is
/// unreachable at the start.
public struct RedisKeyspaceSource: SourceConnector {
    public struct Options: Sendable, Equatable {
        /// Only keys with this prefix (e.g. `"live:"`); nil: every key of the database.
        public var keyPrefix: String?
        /// Events held while the job is slower than the expiries; beyond it they are dropped and reported.
        public var maxBufferedEvents: Int
        /// Reconnection behaviour; by default an outage longer than a minute fails the job.
        public var subscriber: RedisSubscriber.Options

        public init(keyPrefix: String? = nil, maxBufferedEvents: Int = 100_000,
                    subscriber: RedisSubscriber.Options = RedisSubscriber.Options(giveUpAfter: .seconds(60))) {
            self.keyPrefix = keyPrefix
            self.maxBufferedEvents = maxBufferedEvents
            self.subscriber = subscriber
        }
    }

    public let configuration: RedisConfiguration
    public let options: Options

    public init(configuration: RedisConfiguration, options: Options = Options()) {
        self.configuration = configuration
        self.options = options
    }

    public var maxParallelism: Int? { 1 }

    public var description: String {
        "Redis expired keys \(configuration)" + (options.keyPrefix.map { " prefix '\($0)'" } ?? "")
    }

    public func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<RedisExpiredKey> {
        RedisKeyspaceReader(configuration: configuration, options: options)
    }
}

final class RedisKeyspaceReader: SourceReader {
    private let configuration: RedisConfiguration
    private let options: Options
    private let inbox: Inbox
    private var events: RedisKeyspaceEvents?
    typealias Options = RedisKeyspaceSource.Options

    init(configuration: RedisConfiguration, options: Options) {
        self.configuration = configuration
        self.options = options
        inbox = Inbox(capacity: options.maxBufferedEvents)
    }

    func open() throws {
        let inbox = self.inbox
        let events = RedisKeyspaceEvents(configuration: configuration, keyPrefix: options.keyPrefix,
                                         options: options.subscriber) { inbox.receive($0) }
        try events.start()
        self.events = events
    }

    func poll(into output: SourceOutput<RedisExpiredKey>, max: Int) throws -> SourcePoll {
        let (keys, notices, failure) = inbox.take(max: max)
        for key in keys { try output.collect(key, timestamp: key.seenAt) }
        let origin = "redis \(configuration.endpoint) " + RedisKeyspaceEvents.expiredChannel(database: configuration.database)
        for notice in notices {
            try output.deadLetter(DeadLetter(origin: origin, position: notice.position, reason: notice.reason, raw: ""))
        }
        if let failure { throw failure }
        return keys.isEmpty && notices.isEmpty ? .nothingAvailable : .more
    }

    func close() {
        events?.stop()
        events = nil
    }

    /// Hands events from the subscriber thread to the subtask thread.
    final class Inbox: @unchecked Sendable {
        struct Notice { let position: Int64; let reason: String }
        private let lock = NSLock()
        private let capacity: Int
        private var keys: [RedisExpiredKey] = []
        private var head = 0
        private var notices: [Notice] = []
        private var dropped = 0
        private var received: Int64 = 0
        private var failure: RedisError?

        init(capacity: Int) { self.capacity = Swift.max(1, capacity) }

        func receive(_ event: RedisKeyspaceEvents.Event) {
            lock.lock(); defer { lock.unlock() }
            switch event {
            case .expired(let key):
                received += 1
                if keys.count - head >= capacity { dropped += 1 } else { keys.append(key) }
            case .connectionLost(let why):
                notices.append(Notice(position: received, reason: "\(why); keys that expire before the subscription is back are not reported"))
            case .failed(let error):
                failure = error
            case .subscribed, .resubscribed:
                break
            }
        }

        func take(max: Int) -> ([RedisExpiredKey], [Notice], RedisError?) {
            lock.lock(); defer { lock.unlock() }
            let end = Swift.min(keys.count, head + max)
            let batch = Array(keys[head..<end])
            head = end
            if head == keys.count { keys.removeAll(keepingCapacity: true); head = 0 }
            var out = notices
            notices.removeAll()
            if dropped > 0 {
                out.append(Notice(position: received, reason: "dropped \(dropped) expired-key events: more than \(capacity) were waiting for the job"))
                dropped = 0
            }
            return (batch, out, failure)
        }
    }
}

import Dataflow
import Foundation

/// A key that expired, as its keyspace notification reported it.
public struct RedisExpiredKey: Sendable, Hashable, CustomStringConvertible {
    public let key: String
    /// When the notification arrived (epoch milliseconds): Redis expires a key at or shortly after its TTL.
    public let seenAt: Timestamp

    public init(key: String, seenAt: Timestamp) {
        self.key = key
        self.seenAt = seenAt
    }

    public var description: String { "\(key) expired (seen at \(seenAt))" }
}

/// Reports keys of one database as they expire, by subscribing to `__keyevent@<db>__:expired` — how a
/// channel's TTL key running out becomes an offline event (DESIGN.md §7).
///
/// The server must publish those events (`notify-keyspace-events` with `E` and `x`, e.g. `Ex`); `start()` checks
/// this and says how to fix it. Expiries that happen while the connection is down are not replayed by Redis:
/// `.connectionLost` marks the gap.
public final class RedisKeyspaceEvents: @unchecked Sendable {
    public enum Event: Sendable, Equatable {
        case subscribed
        case expired(RedisExpiredKey)
        case connectionLost(String)
        case resubscribed(attempts: Int)
        case failed(RedisError)
    }

    public let configuration: RedisConfiguration
    /// Only keys starting with this prefix are reported; nil: every key of the database.
    public let keyPrefix: String?
    private let subscriber: RedisSubscriber
    private let lock = NSLock()
    private var continuation: AsyncStream<RedisExpiredKey>.Continuation?
    private var stream: AsyncStream<RedisExpiredKey>?

    /// The channel Redis publishes a database's expired keys on.
    public static func expiredChannel(database: Int) -> String { "__keyevent@\(database)__:expired" }

    public init(configuration: RedisConfiguration, keyPrefix: String? = nil,
                options: RedisSubscriber.Options = RedisSubscriber.Options(),
                onEvent: (@Sendable (Event) -> Void)? = nil) {
        self.configuration = configuration
        self.keyPrefix = keyPrefix
        let relay = Relay()
        subscriber = RedisSubscriber(configuration: configuration,
                                     channels: [Self.expiredChannel(database: configuration.database)],
                                     options: options) { event in relay.forward(event) }
        relay.target = { [weak self, keyPrefix] event in
            let mapped: Event
            switch event {
            case .subscribed: mapped = .subscribed
            case .message(let message):
                let key = message.text
                if let keyPrefix, !key.hasPrefix(keyPrefix) { return }
                mapped = .expired(RedisExpiredKey(key: key, seenAt: Int64(Date().timeIntervalSince1970 * 1000)))
            case .connectionLost(let why): mapped = .connectionLost(why)
            case .resubscribed(let attempts): mapped = .resubscribed(attempts: attempts)
            case .failed(let error): mapped = .failed(error)
            }
            onEvent?(mapped)
            if case .expired(let expired) = mapped { self?.yield(expired) }
        }
    }

    /// The expired keys alone, for one consumer; take it before `start()`. It finishes after `stop()`.
    public var expiredKeys: AsyncStream<RedisExpiredKey> {
        lock.lock(); defer { lock.unlock() }
        if let stream { return stream }
        let (stream, continuation) = AsyncStream.makeStream(of: RedisExpiredKey.self)
        self.stream = stream
        self.continuation = continuation
        return stream
    }

    /// Checks that the server publishes expiry events, then subscribes (errors name `host:port`).
    public func start() throws {
        try Self.checkNotificationsEnabled(configuration)
        try subscriber.start()
    }

    public func stop() {
        subscriber.stop()
        lock.lock()
        continuation?.finish()
        lock.unlock()
    }

    private func yield(_ key: RedisExpiredKey) {
        lock.lock()
        continuation?.yield(key)
        lock.unlock()
    }

    /// Fails with instructions when `notify-keyspace-events` lacks `E` (keyevent channels) or `x`/`A` (expired).
    /// A server that forbids CONFIG (managed Redis) is trusted.
    static func checkNotificationsEnabled(_ configuration: RedisConfiguration) throws {
        let client = RedisClient(configuration: configuration)
        defer { client.close() }
        let reply: RedisReply
        do {
            reply = try client.command("CONFIG", "GET", "notify-keyspace-events")
        } catch let error as RedisError where error.kind == .server {
            return
        }
        guard let items = reply.elements, items.count == 2, let flags = items[1].text else { return }
        if flags.contains("E") && (flags.contains("x") || flags.contains("A")) { return }
        throw RedisError(.invalidConfiguration, "Redis at \(configuration.endpoint) does not publish expired-key events "
            + "(notify-keyspace-events is '\(flags)'; it needs 'Ex'): start redis-server with --notify-keyspace-events Ex "
            + "or run CONFIG SET notify-keyspace-events Ex")
    }
}

/// Breaks the init-order knot: the subscriber needs its callback before `self` exists.
private final class Relay: @unchecked Sendable {
    var target: (@Sendable (RedisSubscriber.Event) -> Void)?
    func forward(_ event: RedisSubscriber.Event) { target?(event) }
}

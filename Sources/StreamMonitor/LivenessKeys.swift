import Foundation
import RedisConnector

/// One Redis key per online channel (`<prefix><broadcaster_id>`, value = stream id) whose TTL every poll refreshes;
/// Redis expiring it is how a channel goes offline (DESIGN.md §7).
public struct LivenessKeys: Sendable {
    public let client: RedisClient
    public let prefix: String
    public let ttl: Duration

    public init(client: RedisClient, prefix: String, ttl: Duration) {
        self.client = client; self.prefix = prefix; self.ttl = ttl
    }

    public func key(_ id: BroadcasterID) -> String { prefix + id.rawValue }

    /// The broadcaster a key names, or nil for another key.
    public func broadcaster(ofKey key: String) -> BroadcasterID? {
        guard key.hasPrefix(prefix), key.count > prefix.count else { return nil }
        return BroadcasterID(String(key.dropFirst(prefix.count)))
    }

    /// Sets or refreshes the keys of these live streams; returns the ids whose key did not exist before.
    public func refresh(_ streams: [LiveStream]) async throws -> Set<BroadcasterID> {
        guard !streams.isEmpty else { return [] }
        let keys = streams.map { key($0.broadcasterID) }
        let ttl = self.ttl
        // EXISTS then SET per key, in one round trip.
        let commands = zip(streams, keys).flatMap { stream, key in
            [RedisCommand("EXISTS", key), RedisClient.setCommand(key, stream.streamID, expiry: ttl)]
        }
        let replies = try await client.perform { try $0.pipeline(commands) }
        var new: Set<BroadcasterID> = []
        for (i, stream) in streams.enumerated() {
            if let error = replies[2 * i + 1].errorText { throw RedisMonitorError("SET \(keys[i]) failed: \(error)") }
            if replies[2 * i].integer == 0 { new.insert(stream.broadcasterID) }
        }
        return new
    }

    /// Which of these channels still have a live key.
    public func existing(_ ids: [BroadcasterID]) async throws -> Set<BroadcasterID> {
        guard !ids.isEmpty else { return [] }
        let keys = ids.map(key)
        let replies = try await client.perform { try $0.pipeline(keys.map { RedisCommand("EXISTS", $0) }) }
        return Set(zip(ids, replies).compactMap { $1.integer == 1 ? $0 : nil })
    }

    public func ping() async throws {
        _ = try await client.perform { try $0.ping() }
    }
}

struct RedisMonitorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension RedisReply {
    var errorText: String? { if case .error(let e) = self { e } else { nil } }
}

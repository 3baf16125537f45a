import Foundation
import RedisConnector
import Testing

extension RedisServerTests {
    @Suite("RedisSubscriber and RedisKeyspaceEvents: pub/sub, expiry events, surviving a restart")
    struct PubSubTests {
        @Test("SUBSCRIBE and PSUBSCRIBE: messages arrive with channel, pattern and binary payload")
        func roundTrip() async throws {
            let client = try TestRedis.client()
            let p = TestRedis.prefix("pubsub")
            let subscriber = RedisSubscriber(configuration: client.configuration, channels: [p + "plain"], patterns: [p + "news.*"])
            let events = subscriber.events
            try subscriber.start()
            defer { subscriber.stop() }
            #expect(subscriber.isRunning)

            let payload: [UInt8] = Array("héllo".utf8) + [0, 1, 2]
            #expect(try client.publish(p + "plain", payload) == 1)
            #expect(try client.publish(p + "news.sports", "goal") == 1)
            #expect(try client.publish(p + "other", "nobody") == 0)

            let received = Recorder<RedisSubscriber.Event>()
            let done = await first(events, within: .seconds(2)) { event in
                received.append(event)
                return received.all.filter { if case .message = $0 { true } else { false } }.count == 2
            }
            #expect(done != nil)
            let all = received.all
            #expect(all.first == .subscribed)
            #expect(all.contains(.message(RedisMessage(channel: p + "plain", pattern: nil, payload: payload))))
            #expect(all.contains(.message(RedisMessage(channel: p + "news.sports", pattern: p + "news.*", payload: Array("goal".utf8)))))
        }

        @Test("health-check PINGs on a quiet subscription are answered and do not disturb it")
        func healthCheck() async throws {
            let client = try TestRedis.client()
            let channel = TestRedis.prefix("health") + "c"
            let recorder = Recorder<RedisSubscriber.Event>()
            let subscriber = RedisSubscriber(configuration: client.configuration, channels: [channel],
                                             options: .init(healthCheckInterval: .milliseconds(100))) { recorder.append($0) }
            func pings() throws -> Int {
                let stats = try client.command("INFO", "commandstats").text ?? ""
                let line = stats.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_ping:") } ?? ""
                return Int(line.dropFirst("cmdstat_ping:calls=".count).prefix { $0.isNumber }) ?? 0
            }
            try subscriber.start()
            defer { subscriber.stop() }
            let before = try pings()
            try await Task.sleep(for: .milliseconds(2500))   // the loop wakes once a second when idle
            #expect(try pings() - before >= 2)               // our client's PINGs would add 1 at most
            #expect(try client.publish(channel, "still here") == 1)
            #expect(try await waitUntil(.seconds(2)) { recorder.all.count == 2 })
            #expect(recorder.all == [.subscribed, .message(RedisMessage(channel: channel, pattern: nil, payload: Array("still here".utf8)))])
        }

        @Test("stop() ends the thread promptly, unsubscribes, and finishes the event stream")
        func stop() async throws {
            let client = try TestRedis.client()
            let channel = TestRedis.prefix("stop") + "c"
            let subscriber = RedisSubscriber(configuration: client.configuration, channels: [channel])
            let events = subscriber.events
            try subscriber.start()
            #expect(try client.publish(channel, "x") == 1)
            let start = ContinuousClock.now
            subscriber.stop()
            #expect(ContinuousClock.now - start < .milliseconds(500))
            #expect(!subscriber.isRunning)
            subscriber.stop()   // idempotent
            var seen: [RedisSubscriber.Event] = []
            for await event in events { seen.append(event) }   // ends: the stream is finished
            #expect(seen.first == .subscribed)
            #expect(try await waitUntil(.seconds(2)) { try client.publish(channel, "y") == 0 })
        }

        @Test("stop() before start() ends the stream and forbids a start; stop() from the callback does not deadlock")
        func stopEdgeCases() async throws {
            let client = try TestRedis.client()
            let never = RedisSubscriber(configuration: client.configuration, channels: ["x"])
            let neverEvents = never.events
            never.stop()
            for await _ in neverEvents { Issue.record("no event expected") }
            #expect(throws: RedisError.self) { try never.start() }

            let channel = TestRedis.prefix("stop-in-callback") + "c"
            final class Holder: @unchecked Sendable { var subscriber: RedisSubscriber? }
            let holder = Holder()
            let subscriber = RedisSubscriber(configuration: client.configuration, channels: [channel]) { event in
                if case .message = event { holder.subscriber?.stop() }
            }
            holder.subscriber = subscriber
            try subscriber.start()
            #expect(try client.publish(channel, "stop now") == 1)
            #expect(try await waitUntil(.seconds(2)) { !subscriber.isRunning })
            subscriber.stop()
            #expect(try await waitUntil(.seconds(2)) { try client.publish(channel, "gone") == 0 })
            holder.subscriber = nil
        }

        @Test("a key set with PX 200 reaches the subscriber as an expired event within 2 s")
        func expiryReachesSubscriber() async throws {
            let client = try TestRedis.client()
            let p = TestRedis.prefix("expiry")
            let events = RedisKeyspaceEvents(configuration: client.configuration, keyPrefix: p)
            let keys = events.expiredKeys
            try events.start()
            defer { events.stop() }
            let before = Int64(Date().timeIntervalSince1970 * 1000)
            try client.set("x" + p + "filtered", "v", expiry: .milliseconds(50))   // another prefix: not reported
            try client.set(p + "k", "v", expiry: .milliseconds(200))
            let start = ContinuousClock.now
            let expired = try #require(await first(keys, within: .seconds(2)))
            #expect(expired.key == p + "k")
            #expect(ContinuousClock.now - start >= .milliseconds(150))
            #expect(expired.seenAt >= before + 150)
            #expect(try client.exists(p + "k") == 0)
        }

        @Test("a server that does not publish expiry events is reported with the fix, before subscribing")
        func notificationsDisabled() throws {
            let client = try TestRedis.client()
            let previous = try #require(try client.command("CONFIG", "GET", "notify-keyspace-events").elements?.last?.text)
            try client.command("CONFIG", "SET", "notify-keyspace-events", "")
            defer { _ = try? client.command("CONFIG", "SET", "notify-keyspace-events", previous) }
            let events = RedisKeyspaceEvents(configuration: client.configuration)
            let error = try #require(throws: RedisError.self) { try events.start() }
            #expect(error.kind == .invalidConfiguration)
            #expect(error.message.contains("notify-keyspace-events Ex") && error.message.contains(client.configuration.endpoint), "\(error)")
            try client.command("CONFIG", "SET", "notify-keyspace-events", "KEA")   // A includes x; E: keyevent channels
            try events.start()
            events.stop()
        }

        @Test("the subscriber survives `scripts/servers.sh restart redis` and receives what is published afterwards")
        func survivesRestart() async throws {
            let client = try TestRedis.client()
            let configuration = client.configuration
            let channel = TestRedis.prefix("restart") + "c"
            let recorder = Recorder<RedisSubscriber.Event>()
            let subscriber = RedisSubscriber(configuration: configuration, channels: [channel],
                                             options: .init(initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(500))) {
                recorder.append($0)
            }
            try subscriber.start()
            defer { subscriber.stop() }
            #expect(try client.publish(channel, "before") == 1)
            #expect(try await waitUntil(.seconds(2)) { recorder.all.contains(.message(RedisMessage(channel: channel, pattern: nil, payload: Array("before".utf8)))) })

            let runBefore = try #require(try serverRunID(client))
            #expect(try TestRedis.servers("restart", "redis", port: configuration.port) == 0)
            // servers.sh waits only 0.2 s for the old server to exit: make sure a server is up again.
            if try await !waitUntil(.seconds(3), { (try? RedisClient(configuration: configuration).ping()) != nil }) {
                try TestRedis.servers("start", "redis", port: configuration.port)
            }

            #expect(try serverRunID(RedisClient(configuration: configuration)) != runBefore, "the server did not restart")
            let back = try await waitUntil(.seconds(15)) {
                recorder.all.contains { if case .resubscribed = $0 { true } else { false } }
            }
            #expect(back, "no .resubscribed event; events: \(recorder.all)")
            #expect(recorder.all.contains { if case .connectionLost = $0 { true } else { false } }, "\(recorder.all)")
            // The client's old connection died with the server: it reconnects on its own.
            #expect(try client.publish(channel, "after") == 1)
            #expect(try await waitUntil(.seconds(2)) { recorder.all.contains(.message(RedisMessage(channel: channel, pattern: nil, payload: Array("after".utf8)))) })
            #expect(!recorder.all.contains { if case .failed = $0 { true } else { false } })
        }
    }
}

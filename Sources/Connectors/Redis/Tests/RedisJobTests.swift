import Dataflow
import Foundation
import RedisConnector
import Runtime
import Testing

/// What the sink test writes: one channel's "live" marker.
struct LiveChannel: Sendable {
    var id: Int
    var login: String
}

extension RedisServerTests {
    @Suite("RedisKeyspaceSource and RedisSink inside running jobs")
    struct JobTests {
        @Test("the keyspace source in a running job delivers expired keys to a CollectingSink; cancel stops it")
        func keyspaceSourceInJob() async throws {
            let client = try TestRedis.client()
            let p = TestRedis.prefix("source")
            let channel = RedisKeyspaceEvents.expiredChannel(database: client.configuration.database)
            func subscribers() throws -> Int64 { try client.command("PUBSUB", "NUMSUB", channel).elements?.last?.integer ?? 0 }
            let subscribersBefore = try subscribers()

            let sink = CollectingSink<RedisExpiredKey>()
            let deadLetters = CollectingSink<DeadLetter>()
            let fastReconnect = RedisSubscriber.Options(initialBackoff: .milliseconds(20), giveUpAfter: .seconds(10))
            let job = try Job("redis-expired-keys") {
                Source("expired", RedisKeyspaceSource(configuration: client.configuration,
                                                      options: .init(keyPrefix: p, subscriber: fastReconnect)))
                    .sideOutput(.deadLetters) { Sink("gaps", deadLetters) }
                Sink("collect", sink)
            }
            let execution = try LocalExecutor().submit(job)
            // Pub/sub has no history: set the keys only once the source has subscribed.
            #expect(try await waitUntil(.seconds(5)) { try subscribers() > subscribersBefore })

            let keys = (0..<3).map { p + "channel-\($0)" }
            for key in keys { try client.set(key, "live", expiry: .milliseconds(200)) }
            try client.set("x" + p + "not-ours", "live", expiry: .milliseconds(100))
            let start = Int64(Date().timeIntervalSince1970 * 1000)
            #expect(try await waitUntil(.seconds(3)) { sink.count >= 3 }, "got \(sink.values)")
            try await Task.sleep(for: .milliseconds(200))
            #expect(Set(sink.values.map(\.key)) == Set(keys))
            #expect(sink.count == 3)
            for entry in sink.entries {
                #expect(entry.timestamp == entry.value.seenAt)          // stamped with the time the event was seen
                #expect(entry.value.seenAt >= start + 100)
            }
            #expect(deadLetters.count == 0)

            // The server drops the subscription: the gap becomes a dead letter, the source subscribes again and
            // goes on delivering.
            try client.command("CLIENT", "KILL", "TYPE", "pubsub")
            #expect(try await waitUntil(.seconds(3)) { deadLetters.count == 1 })
            let gap = try #require(deadLetters.values.first)
            #expect(gap.reason.contains(client.configuration.endpoint) && gap.reason.contains("not reported"), "\(gap)")
            #expect(gap.origin.contains(channel))
            #expect(try await waitUntil(.seconds(5)) { try subscribers() > subscribersBefore })
            try client.set(p + "after-gap", "live", expiry: .milliseconds(100))
            #expect(try await waitUntil(.seconds(3)) { sink.values.contains { $0.key == p + "after-gap" } })

            #expect(execution.status == .running)
            execution.cancel()
            let result = await execution.completion()
            #expect(result.status == .canceled, "\(result.failure ?? "")")
            #expect(try await waitUntil(.seconds(2)) { try subscribers() == subscribersBefore })   // the reader closed its subscription
        }

        @Test("the sink SETs one key per record with the TTL, in pipelined batches; an entry may override the TTL")
        func sinkWritesKeysWithTTL() async throws {
            let client = try TestRedis.client()
            let p = TestRedis.prefix("sink")
            let records = (0..<50).map { LiveChannel(id: $0, login: "streamer_\($0) ✓") }
            let sink = RedisSink<LiveChannel>(configuration: client.configuration,
                                              options: .init(ttl: .seconds(30), batchSize: 7)) { channel in
                RedisSinkEntry(key: p + "live:\(channel.id)", value: channel.login,
                               ttl: channel.id == 0 ? .seconds(600) : nil)
            }
            let job = try Job("redis-sink") {
                Source("channels", CollectionSource(records))
                Sink("live-keys", sink)
            }
            let result = try await LocalExecutor().run(job)
            #expect(result.status == .finished, "\(result.failure ?? "")")
            for record in records {
                #expect(try client.getString(p + "live:\(record.id)") == record.login)
            }
            let ttl = try #require(try client.timeToLive(p + "live:7"))
            #expect(ttl > .seconds(25) && ttl <= .seconds(30))
            #expect(try #require(try client.timeToLive(p + "live:0")) > .seconds(500))
            #expect(try client.del(records.map { p + "live:\($0.id)" }) == 50)
        }

        @Test("a quiet unbounded stream's records are written on the tick, not held until the batch is full")
        func sinkFlushesOnTick() async throws {
            let client = try TestRedis.client()
            let p = TestRedis.prefix("sink-tick")
            let sink = RedisSink<Int>(configuration: client.configuration, options: .init(batchSize: 1000, flushInterval: .milliseconds(50))) {
                RedisSinkEntry(key: p + "\($0)", value: $0)
            }
            let job = try Job("redis-sink-tick") {
                Source("three", CollectionSource([1, 2, 3], staysOpen: true))
                Sink("keys", sink)
            }
            let execution = try LocalExecutor().submit(job)
            #expect(try await waitUntil(.seconds(3)) { try client.exists(p + "1", p + "2", p + "3") == 3 })
            execution.cancel()
            #expect(await execution.completion().status == .canceled)
            try client.del(p + "1", p + "2", p + "3")
        }

        @Test("an unreachable Redis fails the job with an error naming host:port — source and sink")
        func unreachableFailsJob() async throws {
            let sourceJob = try Job("redis-source-unreachable") {
                Source("expired", RedisKeyspaceSource(configuration: unreachableConfiguration))
                Sink("collect", CollectingSink<RedisExpiredKey>())
            }
            let sourceResult = try await LocalExecutor().run(sourceJob)
            #expect(sourceResult.status == .failed)
            #expect(sourceResult.failure?.contains("127.0.0.1:1") == true, "\(sourceResult.failure ?? "")")

            let sinkJob = try Job("redis-sink-unreachable") {
                Source("numbers", CollectionSource([1, 2, 3]))
                Sink("keys", RedisSink<Int>(configuration: unreachableConfiguration) { RedisSinkEntry(key: "k\($0)", value: $0) })
            }
            let sinkResult = try await LocalExecutor().run(sinkJob)
            #expect(sinkResult.status == .failed)
            #expect(sinkResult.failure?.contains("127.0.0.1:1") == true, "\(sinkResult.failure ?? "")")
        }
    }
}

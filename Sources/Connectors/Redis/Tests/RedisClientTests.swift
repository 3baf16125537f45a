import Foundation
import RedisConnector
import Testing

extension RedisServerTests {
    @Suite("RedisClient: commands, replies, pipelining, reconnects, errors")
    struct ClientTests {
        @Test("every reply type: status, integer, nil, array, bulk, and an error reply thrown as .server")
        func replyTypes() throws {
            let client = try TestRedis.client()
            let p = TestRedis.prefix("replies")
            #expect(try client.command("SET", p + "s", "v") == .status("OK"))
            #expect(try client.command("INCRBY", p + "n", 41) == .integer(41))
            #expect(try client.command("GET", p + "missing") == .null)
            try client.command("RPUSH", p + "list", "a", "b", "c")
            #expect(try client.command("LRANGE", p + "list", 0, -1) == .array([.bulk(Array("a".utf8)), .bulk(Array("b".utf8)), .bulk(Array("c".utf8))]))
            #expect(try client.command("MGET", p + "s", p + "missing") == .array([.bulk(Array("v".utf8)), .null]))
            let error = try #require(throws: RedisError.self) { try client.command("NOSUCHCOMMAND", "x") }
            #expect(error.kind == .server)
            #expect(error.message.contains("unknown command"), "\(error)")
            #expect(error.message.contains(client.configuration.endpoint))
            let wrongType = try #require(throws: RedisError.self) { try client.incr(p + "list") }
            #expect(wrongType.message.contains("WRONGTYPE"), "\(wrongType)")
            try client.del(p + "s", p + "n", p + "list")
        }

        @Test("values are binary-safe: NUL bytes, every byte value, unicode, empty, 8 MiB; keys too")
        func binarySafe() throws {
            let client = try TestRedis.client()
            let p = TestRedis.prefix("binary")
            let allBytes = (0..<1024).map { UInt8($0 % 256) }
            try client.set(p + "bytes", allBytes)
            #expect(try client.get(p + "bytes") == allBytes)

            let nuls: [UInt8] = [0, 0, 65, 0, 66, 0]
            try client.set(p + "nuls", nuls)
            #expect(try client.get(p + "nuls") == nuls)
            #expect(try client.command("STRLEN", p + "nuls") == .integer(6))

            let unicodeKey = p + "ключ 🔑 キー"
            let unicodeValue = "größe ✓ 😀 \u{0} – 中文"
            try client.set(unicodeKey, unicodeValue)
            #expect(try client.getString(unicodeKey) == unicodeValue)

            try client.set(p + "empty", "")
            #expect(try client.get(p + "empty") == [])
            #expect(try client.exists(p + "empty") == 1)

            var large = [UInt8](repeating: 0, count: 8 << 20)
            for i in stride(from: 0, to: large.count, by: 4093) { large[i] = UInt8(truncatingIfNeeded: i / 4093) }
            try client.set(p + "large", large)
            #expect(try client.get(p + "large") == large)

            let binaryKey: [UInt8] = Array((p + "k").utf8) + [0, 255, 1]
            try client.command("SET", binaryKey, "binary key")
            #expect(try client.command("GET", binaryKey).text == "binary key")
            #expect(try client.command("GET", Array((p + "k").utf8)) == .null)   // the NUL is part of the key

            #expect(try client.del(p + "bytes", p + "nuls", unicodeKey, p + "empty", p + "large") == 5)
            try client.command("DEL", binaryKey)
        }

        @Test("conveniences: set with expiry, expire, timeToLive, exists, del, incr, publish")
        func conveniences() throws {
            let client = try TestRedis.client()
            let p = TestRedis.prefix("conveniences")
            try client.set(p + "a", "1", expiry: .seconds(10))
            let ttl = try #require(try client.timeToLive(p + "a"))
            #expect(ttl > .seconds(9) && ttl <= .seconds(10))
            try client.set(p + "b", "2")
            #expect(try client.timeToLive(p + "b") == nil)              // no expiry
            #expect(try client.expire(p + "b", after: .milliseconds(1500)))
            #expect(try #require(try client.timeToLive(p + "b")) <= .milliseconds(1500))
            #expect(try !client.expire(p + "missing", after: .seconds(1)))
            #expect(try client.timeToLive(p + "missing") == nil)
            #expect(try client.exists(p + "a", p + "b", p + "missing") == 2)
            #expect(try client.incr(p + "n") == 1)
            #expect(try client.incr(p + "n") == 2)
            #expect(try client.publish(p + "nobody-listens", "hello") == 0)
            #expect(try client.del([p + "a", p + "b", p + "n", p + "missing"]) == 3)
            #expect(try client.exists(p + "a") == 0)
        }

        @Test("a pipeline sends a batch in one go and returns every reply in order, errors in place")
        func pipelining() throws {
            let client = try TestRedis.client()
            let p = TestRedis.prefix("pipeline")
            let incrs = (0..<1000).map { _ in RedisCommand("INCR", p + "counter") }
            let replies = try client.pipeline(incrs)
            #expect(replies == (1...1000).map { RedisReply.integer(Int64($0)) })

            let mixed = try client.pipeline([
                RedisClient.setCommand(p + "text", "not a number"),
                RedisCommand("INCR", p + "text"),
                RedisCommand("GET", p + "text"),
                RedisCommand("GET", p + "missing"),
            ])
            #expect(mixed.count == 4)
            #expect(mixed[0] == .status("OK"))
            #expect(mixed[1].isError)
            #expect(mixed[2].text == "not a number")
            #expect(mixed[3] == .null)
            #expect(try client.pipeline([]) == [])
            try client.del(p + "counter", p + "text")
        }

        @Test("a connection the server killed is replaced transparently on the next command")
        func reconnectsAfterKill() throws {
            let client = try TestRedis.client()
            let killer = try TestRedis.client()
            let p = TestRedis.prefix("reconnect")
            let id = try #require(try client.command("CLIENT", "ID").integer)
            #expect(try killer.command("CLIENT", "KILL", "ID", id) == .integer(1))
            #expect(try client.incr(p + "n") == 1)                       // exactly once
            let newID = try #require(try client.command("CLIENT", "ID").integer)
            #expect(newID != id)
            try client.del(p + "n")
        }

        @Test("a connection that breaks while a command waits: reconnect once and send it again")
        func reconnectsMidCommand() throws {
            let client = try TestRedis.client()
            let killer = try TestRedis.client()
            let id = try #require(try client.command("CLIENT", "ID").integer)
            let kill = Thread {
                Thread.sleep(forTimeInterval: 0.2)
                _ = try? killer.command("CLIENT", "KILL", "ID", id)
            }
            kill.start()
            let start = ContinuousClock.now
            // BLPOP blocks for 1 s; the kill interrupts it, the client reconnects and blocks again for 1 s.
            #expect(try client.command("BLPOP", TestRedis.prefix("mid-command") + "empty", 1) == .null)
            #expect(ContinuousClock.now - start >= .milliseconds(1150))
            #expect(try #require(try client.command("CLIENT", "ID").integer) != id)
        }

        @Test("no reply within the command timeout: a .timeout error naming the server; the next call reconnects")
        func commandTimeout() throws {
            var configuration = try TestRedis.configuration()
            configuration.commandTimeout = .milliseconds(300)
            _ = try TestRedis.client()
            let client = RedisClient(configuration: configuration)
            let p = TestRedis.prefix("timeout")
            let start = ContinuousClock.now
            let error = try #require(throws: RedisError.self) { try client.command("BLPOP", p + "empty-list", 3) }
            #expect(ContinuousClock.now - start < .seconds(2))
            #expect(error.kind == .timeout, "\(error)")
            #expect(error.message.contains(configuration.endpoint), "\(error)")
            #expect(try client.ping() == "PONG")
        }

        @Test("an unreachable server: a .connectionFailed error naming host:port, from the client and the subscriber")
        func unreachable() throws {
            let client = RedisClient(configuration: unreachableConfiguration)
            let error = try #require(throws: RedisError.self) { try client.ping() }
            #expect(error.kind == .connectionFailed)
            #expect(error.message.contains("127.0.0.1:1"), "\(error)")
            #expect(error.message.contains("refused"), "\(error)")
            #expect(!client.isConnected)

            let subscriber = RedisSubscriber(configuration: unreachableConfiguration, channels: ["c"])
            let subscribeError = try #require(throws: RedisError.self) { try subscriber.start() }
            #expect(subscribeError.message.contains("127.0.0.1:1"), "\(subscribeError)")
            let events = RedisKeyspaceEvents(configuration: unreachableConfiguration)
            let eventsError = try #require(throws: RedisError.self) { try events.start() }
            #expect(eventsError.message.contains("127.0.0.1:1"), "\(eventsError)")
        }

        @Test("perform runs blocking calls off the concurrency pool, in order, from many tasks")
        func asyncPerform() async throws {
            let client = try TestRedis.client()
            let key = TestRedis.prefix("async") + "n"
            try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<50 { group.addTask { try await client.perform { try $0.incr(key) } } }
                var seen: Set<Int64> = []
                for try await value in group { seen.insert(value) }
                #expect(seen == Set(1...50))
            }
            #expect(try await client.perform { try $0.del(key) } == 1)
        }
    }
}

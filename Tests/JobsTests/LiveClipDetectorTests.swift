import Dataflow
import Foundation
import Jobs
import KafkaConnector
import PostgresConnector
import Runtime
import Synchronization
import Testing

/// The live clip detector against real Kafka and PostgreSQL; Twitch is a recording stand-in here (the end-to-end
/// test in StreamMonitorTests uses the Twitch fake).
@Suite("The live clip detector", .serialized)
struct LiveClipDetectorTests {
    static let servers = ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:59092"

    @Test("one burst gives one created clip row with its window and baseline; a restart replays without clipping again")
    func burstThenRestart() async throws {
        let fixture = try await LiveFixture.make()
        defer { fixture.tearDown() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        // 40 s of chat ending now: five channels at 3 msgs/s, channel 502 with a burst of 150 messages at 25–27 s.
        let messages = LiveFixture.chat(channels: ["501", "502", "503", "504", "505"], from: now - 40_000, seconds: 40,
                                        perSecond: 3, burst: (channel: "502", at: 25, seconds: 2, count: 150))
        try await fixture.publish(messages)

        let creator = RecordingClipCreator()
        let first = try fixture.start(creator: creator)
        let row = try await fixture.waitForRows(count: 1, within: .seconds(60))
        #expect(row.count == 1)
        #expect(row.first?.broadcasterID == "502")
        #expect(row.first?.status == "created")
        #expect(row.first?.clipID == "clip-502-1")
        #expect(row.first?.attempts == 1)
        if let r = row.first {
            // The triggering window holds the burst; the baseline is the quiet windows before it.
            #expect(r.windowEnd - r.windowStart == 5000)
            // The first window reaching into the burst is flagged; the cooldown silences the ones after it.
            #expect(Double(r.messageCount) > r.baselineMean + 3 * r.baselineStddev)
            #expect(r.messageCount >= 30)
            #expect(r.baselineSamples >= 10)
            #expect(r.chatCounts.count == r.baselineSamples + 1)
            #expect(r.chatCounts.last == r.messageCount)
            #expect(r.baselineMean > 5 && r.baselineMean < 25)
            #expect(r.anomalyID == "502:\(r.windowEnd)")
        }
        #expect(creator.calls == ["502"])
        // Let the sink's metrics settle, then stop.
        let metrics = first.stageMetrics()
        #expect(metrics["anomaly-detector"]?["anomalies_detected"] == 1)
        // Per channel too: Flink's key-value group, exported as …_broadcaster_id_anomalies_detected{broadcaster_id="502"}.
        #expect(metrics["anomaly-detector"]?["broadcaster_id.502.anomalies_detected"] == 1)
        #expect(metrics["anomaly-detector"]?["broadcaster_id.501.anomalies_detected"] == nil)
        first.cancel()
        _ = await first.completion()
        #expect(metrics["clips"]?["clips_created_success"] == 1)
        #expect((metrics["clips"]?["twitch_api_latency_count"] ?? 0) == 1)

        // A restart reads the topic again from the start: the anomaly is found again, but `clips` has it.
        let again = RecordingClipCreator()
        let second = try fixture.start(creator: again)
        try await waitUntil(within: .seconds(60)) { second.stageMetrics()["anomaly-detector"]?["anomalies_detected"] == 1 }
        try await Task.sleep(for: .seconds(2))
        second.cancel()
        let result = await second.completion()
        #expect(again.calls.isEmpty, "the restarted job called Twitch again: \(again.calls)")
        #expect(try await fixture.rows().count == 1)
        #expect(result.metric("clips", "clips_created_success") == 0)
    }

    @Test("Twitch failing every attempt gives a failed row after three attempts within the 10 s budget")
    func failedClip() async throws {
        let fixture = try await LiveFixture.make()
        defer { fixture.tearDown() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await fixture.publish(LiveFixture.chat(channels: ["601", "602"], from: now - 40_000, seconds: 40, perSecond: 3,
                                             burst: (channel: "601", at: 25, seconds: 2, count: 150)))
        let creator = RecordingClipCreator(failing: true)
        let job = try fixture.start(creator: creator)
        let rows = try await fixture.waitForRows(count: 1, within: .seconds(60))
        job.cancel()
        let result = await job.completion()
        #expect(rows.first?.status == "failed")
        #expect(rows.first?.attempts == 3)
        #expect(rows.first?.clipID == nil)
        #expect(rows.first?.error?.contains("broadcaster 601 is offline") == true)
        #expect(creator.calls == ["601", "601", "601"])
        #expect(result.metric("clips", "clips_created_failed") == 1)
    }

    @Test("an anomaly replayed long after the moment is recorded as failed, not clipped")
    func tooOld() async throws {
        let fixture = try await LiveFixture.make()
        defer { fixture.tearDown() }
        let then = Int64(Date().timeIntervalSince1970 * 1000) - 600_000
        try await fixture.publish(LiveFixture.chat(channels: ["701"], from: then, seconds: 40, perSecond: 3,
                                             burst: (channel: "701", at: 25, seconds: 2, count: 150)))
        let creator = RecordingClipCreator()
        let job = try fixture.start(creator: creator)
        let rows = try await fixture.waitForRows(count: 1, within: .seconds(60))
        job.cancel()
        let result = await job.completion()
        #expect(rows.first?.status == "failed", "stage metrics: \(result.stageMetrics)")
        #expect(rows.first?.attempts == 0)
        #expect(rows.first?.error?.contains("in the past") == true)
        #expect(creator.calls.isEmpty)
    }

    @Test("parameters: unknown names and bad values are clear errors; defaults follow DESIGN.md §8")
    func parameters() throws {
        let defaults = try LiveClipDetectorConfig(parameters: JobParameters())
        #expect(defaults.topic == "chat-messages")
        #expect(defaults.detector == ClipDetectorConfig())
        #expect(throws: JobParameterError.self) { try LiveClipDetectorConfig(parameters: JobParameters(["topik": "x"])) }
        #expect(throws: JobParameterError.self) { try LiveClipDetectorConfig(parameters: JobParameters(["starting-offsets": "middle"])) }
        #expect(throws: JobParameterError.self) { try LiveClipDetectorConfig(parameters: JobParameters(["clips-table": "clips; drop"])) }
        let set = try LiveClipDetectorConfig(parameters: JobParameters(["k": "2.5", "starting-offsets": "committed", "topic": "t"]))
        #expect(set.detector.k == 2.5)
        #expect(set.startingOffsets == .committed(orElse: .earliest))
        #expect(JobCatalog.named("clip-detector") != nil)
    }
}

// MARK: - Fixture

/// A Twitch stand-in that records who it was asked to clip.
final class RecordingClipCreator: ClipCreating {
    private let log = Mutex<[String]>([])
    private let failing: Bool
    init(failing: Bool = false) { self.failing = failing }
    var calls: [String] { log.withLock { $0 } }

    struct Offline: Error, CustomStringConvertible {
        let id: String
        var description: String { "broadcaster \(id) is offline (404)" }
    }

    func createClip(broadcasterID: String) async throws -> PendingClip {
        let n = log.withLock { $0.append(broadcasterID); return $0.count }
        if failing { throw Offline(id: broadcasterID) }
        return PendingClip(id: "clip-\(broadcasterID)-\(n)", editURL: "https://edit.example/\(n)")
    }

    func confirmClip(_ clip: PendingClip) async throws -> ConfirmedClip {
        let n = clip.id.split(separator: "-").last.map(String.init) ?? "?"
        return ConfirmedClip(id: clip.id, url: "https://clips.example/\(n)", editURL: clip.editURL,
                             embedURL: nil, thumbnailURL: nil, title: "burst")
    }
}

struct ClipRowRead: Sendable {
    var anomalyID: String
    var broadcasterID: String
    var status: String
    var clipID: String?
    var attempts: Int
    var error: String?
    var windowStart: Int64
    var windowEnd: Int64
    var messageCount: Int64
    var baselineMean: Double
    var baselineStddev: Double
    var baselineSamples: Int
    var chatCounts: [Int64]
}

/// A topic and a PostgreSQL schema of their own, with the project's tables.
struct LiveFixture {
    let topic: String
    let schema: String
    let url: String
    let pool: PostgresConnectionPool

    static let baseURL = ProcessInfo.processInfo.environment["POSTGRES_TEST_URL"] ?? "postgresql://postgres@127.0.0.1:55432/highlights_test"

    static func make() async throws -> LiveFixture {
        let id = UUID().uuidString.prefix(8).lowercased()
        let topic = "monitor-live-\(id)", schema = "monitor_live_\(id)"
        try await offPool { try KafkaAdmin(bootstrapServers: LiveClipDetectorTests.servers, timeout: .seconds(15)).createTopic(topic, partitions: partitions) }
        let url = baseURL + (baseURL.contains("?") ? "&" : "?") + "options=-c%20search_path%3D\(schema)"
        let pool = PostgresConnectionPool(configuration: try PostgresConfiguration(url: url))
        let statements = try schemaStatements()
        do {
            try await pool.withConnection { connection in
                _ = try connection.execute("CREATE SCHEMA \(schema)")
                for statement in statements { _ = try connection.execute(statement) }
            }
        } catch {
            Issue.record("PostgreSQL not reachable at \(baseURL) (POSTGRES_TEST_URL; scripts/servers.sh start postgres): \(error)")
            throw error
        }
        return LiveFixture(topic: topic, schema: schema, url: url, pool: pool)
    }

    /// infrastructure/postgres/init.sql, statement by statement.
    static func schemaStatements() throws -> [String] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("infrastructure/postgres/init.sql"), encoding: .utf8)
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.range(of: "--").map { String(line[..<$0.lowerBound]) } ?? String(line) }.joined(separator: "\n")
        return uncommented.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    func tearDown() {
        try? KafkaAdmin(bootstrapServers: LiveClipDetectorTests.servers, timeout: .seconds(15)).deleteTopic(topic)
        _ = try? pool.withConnection { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
        pool.close()
    }

    static func chat(channels: [String], from start: Int64, seconds: Int, perSecond: Int,
                     burst: (channel: String, at: Int, seconds: Int, count: Int)) -> [ChatMessage] {
        var out: [ChatMessage] = []
        for second in 0..<seconds {
            for channel in channels {
                var n = perSecond
                if channel == burst.channel, second >= burst.at, second < burst.at + burst.seconds { n += burst.count / burst.seconds }
                for i in 0..<n {
                    let ts = start + Int64(second) * 1000 + Int64(i * 1000 / n)
                    out.append(ChatMessage(broadcasterID: channel, broadcasterLogin: "c\(channel)", userID: "\(i)", userLogin: "u\(i)",
                                           text: i % 7 == 6 ? "!command" : "hello \(i)", ts: ts, messageID: UUID().uuidString))
                }
            }
        }
        return out.sorted { $0.ts < $1.ts }
    }

    func publish(_ messages: [ChatMessage]) async throws {
        let topic = self.topic
        try await offPool { try Self.publishBlocking(messages, topic: topic, partitions: Self.partitions) }
    }

    static let partitions = 4

    static func publishBlocking(_ messages: [ChatMessage], topic: String, partitions: Int) throws {
        var options = KafkaSinkOptions(bootstrapServers: LiveClipDetectorTests.servers, topic: topic)
        options.lingerMillis = 5
        let producer = try KafkaProducer(options: options)
        try producer.connect()
        for m in messages {
            var w = JSONWriter()
            m.encode(json: &w)
            try producer.send(KafkaProducerRecord(key: Array(m.broadcasterID.utf8), value: w.bytes, timestamp: m.ts))
        }
        // A command (dropped after the watermark is taken) in every partition, 10 s after the last message: event
        // time passes the end of the chat everywhere at once, so every window fires — a live topic does this by itself.
        let end = (messages.map(\.ts).max() ?? 0) + 10_000
        for partition in 0..<partitions {
            var w = JSONWriter()
            ChatMessage(broadcasterID: "1", text: "!end", ts: end).encode(json: &w)
            try producer.send(KafkaProducerRecord(key: nil, value: w.bytes, partition: partition, timestamp: end))
        }
        try producer.flush()
        try producer.close(timeout: .seconds(5))
    }

    func start(creator: any ClipCreating) throws -> JobExecution {
        var config = LiveClipDetectorConfig()
        config.brokers = LiveClipDetectorTests.servers
        config.topic = topic
        config.groupID = "clip-detector-\(topic)"
        config.postgresURL = url
        let job = try LiveClipDetector.job(config: config, creator: creator)
        return try LocalExecutor().submit(job, parallelism: 2)
    }

    func rows() async throws -> [ClipRowRead] {
        try await pool.withConnection { connection in try connection.query("""
            SELECT anomaly_id, broadcaster_id, status, clip_id, attempts, error, window_start, window_end, message_count,
                   baseline_mean, baseline_samples, array_to_string(chat_counts, ','), baseline_stddev FROM clips ORDER BY anomaly_id
            """).rows.map { r in
            ClipRowRead(anomalyID: r[0].string() ?? "", broadcasterID: r[1].string() ?? "", status: r[2].string() ?? "",
                        clipID: r[3].string(), attempts: try r[4].int() ?? -1, error: r[5].string(),
                        windowStart: try r[6].timestampMillis() ?? 0, windowEnd: try r[7].timestampMillis() ?? 0,
                        messageCount: try r[8].int64() ?? 0, baselineMean: try r[9].double() ?? 0, baselineStddev: try r[12].double() ?? 0,
                        baselineSamples: try r[10].int() ?? 0,
                        chatCounts: (r[11].string() ?? "").split(separator: ",").compactMap { Int64($0) })
        } }
    }

    func waitForRows(count: Int, within limit: Duration) async throws -> [ClipRowRead] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let rows = try await self.rows()
            if rows.count >= count { return rows }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("no \(count) clip row(s) within \(limit)")
        return try await rows()
    }
}

/// Runs blocking client calls (librdkafka, libpq) off the cooperative pool.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

func waitUntil(within limit: Duration, _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    Issue.record("condition not met within \(limit)")
}

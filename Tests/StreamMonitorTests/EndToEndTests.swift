import Dataflow
import Foundation
import HTTPConnector
import Jobs
import KafkaConnector
import Logging
import Metrics
import PostgresConnector
import Prometheus
import Runtime
import ServiceLifecycle
@testable import StreamMonitor
import Synchronization
import Testing
import Twitch
import TwitchFake

/// The issue's acceptance test: the Twitch fake plays six channels — quiet ones, one with a burst, one that goes
/// offline mid-run, one never live — and the monitor, Tansu and the clip detector (in process) turn that into
/// exactly one clip row for the burst; the job and the monitor are each restarted mid-scenario.
@Suite("Monitor, broker and clip detector end to end", .serialized)
struct EndToEndTests {
    static let burstAt = 26.0

    static func scenario() -> Scenario {
        // Quiet channels chat slowly: a Poisson count of a few messages per 5 s window never reaches min-count 10,
        // so no quiet channel can be flagged by chance; the burst adds 60 messages/s for 3 s.
        Scenario(seed: 11, speed: 1, channels: [
            .init(id: "3001", login: "alpha", title: "Quiet morning", viewers: 100, live: [.init(from: 0)], chat: .init(rate: 0.5)),
            .init(id: "3002", login: "bravo", title: "The burst", viewers: 900, live: [.init(from: 0)],
                  chat: .init(rate: 0.5, bursts: [.init(at: burstAt, duration: 3, rate: 60, text: "PogChamp")])),
            .init(id: "3003", login: "charlie", title: "Short stream", viewers: 50, live: [.init(from: 0, to: 12)], chat: .init(rate: 0.5)),
            .init(id: "3004", login: "delta", viewers: 10, live: [.init(from: 0)], chat: .init(rate: 0.3)),
            .init(id: "3005", login: "echo", viewers: 20, live: [.init(from: 0)], chat: .init(rate: 0.4)),
            .init(id: "3006", login: "foxtrot", viewers: 0, live: [], chat: .init(rate: 1)),
        ])
    }

    @Test("six channels: one clip for the burst, none for the quiet ones; offline channel parted; restarts lose and duplicate nothing")
    func scenarioEndToEnd() async throws {
        let env = try await E2EEnvironment.make(scenario: Self.scenario())
        defer { env.tearDown() }
        let scenarioStart = env.scenarioStartMillis

        // The monitor (it creates the topics), then the clip detector, in process, with Twitch = the fake.
        var monitor = try await env.startMonitor()
        var job = try env.startJob()

        // Channel charlie ends at 12 s: its key expires (TTL 3 s) → offline published, chat parted.
        try await waitUntil(within: .seconds(40), "charlie offline") {
            let events = try await env.lifecycleEvents()
            return events.contains { $0.type == "offline" && $0.broadcasterID == "3003" }
        }
        let joined = await monitor.service.tracker?.joinedChannels ?? []
        #expect(!joined.contains(BroadcasterID("3003")), "charlie's chat is still joined")
        #expect(!monitor.irc.channels.contains("charlie"), "the IRC client still holds charlie: \(monitor.irc.channels)")
        #expect(joined == Set(["3001", "3002", "3004", "3005"].map(BroadcasterID.init)))

        // The burst at 26 s gives one clip row for bravo, within seconds.
        let rows = try await env.waitForClipRows(count: 1, within: .seconds(60))
        let rowSeen = Int64(Date().timeIntervalSince1970 * 1000)
        let burstStart = scenarioStart + Int64(Self.burstAt * 1000)
        #expect(rows.count == 1)
        if let row = rows.first {
            #expect(row.broadcasterID == "3002")
            #expect(row.status == "created", "clip failed: \(row.error ?? "")")
            #expect(row.clipID != nil)
            #expect(row.windowEnd > burstStart && row.windowEnd <= burstStart + 8000, "window end \(row.windowEnd - burstStart) ms after the burst")
            print("e2e: clip row for the burst visible \(rowSeen - burstStart) ms after the burst started")
            #expect(rowSeen - burstStart < 25_000)
        }

        // Restart the job mid-scenario: it replays the topic, finds the anomaly again, and does not clip twice.
        job.cancel()
        _ = await job.completion()
        job = try env.startJob()
        try await waitUntil(within: .seconds(60), "the restarted job re-detects the burst") {
            job.stageMetrics()["anomaly-detector"]?["anomalies_detected"] == 1
        }

        // Restart the monitor (graceful: what it received is flushed). Chat sent while no one is joined reaches no
        // one and is not counted as sent; the new monitor re-joins the live channels without a second `online`.
        let before = monitor.service.chatPump.acceptedCount
        try await monitor.stop()
        #expect(before > 0)
        monitor = try await env.startMonitor()
        try await waitUntil(within: .seconds(20), "the new monitor rejoins") {
            (await monitor.service.tracker?.joinedChannels.count ?? 0) == 4
        }
        try await waitUntil(within: .seconds(30), "chat flows through the new monitor") {
            monitor.service.chatPump.publishedCount >= 5
        }

        // The end: chat stops, the monitor flushes, the job stops.
        env.irc.setSilent(true)
        try await Task.sleep(for: .seconds(1))
        let metricsText = env.registry.emitToString()
        try await monitor.stop()
        job.cancel()
        let jobResult = await job.completion()

        // Exactly one clip, at the fake and in the table; none for the quiet channels.
        let finalRows = try await env.clipRows()
        #expect(finalRows.count == 1)
        #expect(env.http.createdClips.count == 1, "clips created at the fake: \(env.http.createdClips.map(\.broadcasterID))")
        #expect(jobResult.metric("clips", "clips_created_success") == 0, "the restarted job created a clip")

        // Every chat line the fake sent is in the topic, once.
        let chat = try await env.chatMessages()
        let sent = env.irc.statistics.chatLinesSent
        #expect(env.irc.statistics.chatLinesDroppedForSlowReaders == 0)
        #expect(chat.count == sent, "topic holds \(chat.count) messages, the fake sent \(sent)")
        #expect(Set(chat.compactMap(\.messageID)).count == chat.count, "duplicate message ids in the topic")
        #expect(!chat.contains { $0.broadcasterID == "3006" }, "chat of a channel that was never live")
        #expect(chat.allSatisfy { $0.broadcasterLogin != nil && !$0.userID.isEmpty })

        // Lifecycle: one online per live channel (the restart added none), charlie's offline.
        let events = try await env.lifecycleEvents()
        let online = events.filter { $0.type == "online" }.map(\.broadcasterID).sorted()
        #expect(online == ["3001", "3002", "3003", "3004", "3005"])
        #expect(events.filter { $0.type == "offline" }.map(\.broadcasterID) == ["3003"])

        // streamers: live state per channel.
        let streamers = try await env.streamers()
        #expect(streamers["3003"] == false)
        #expect(streamers["3002"] == true)
        #expect(streamers["3006"] == false)

        // The operator's view.
        #expect(metricsText.contains("active_stream_count 4"))
        #expect(metricsText.contains("chat_messages_published_total"))
    }
}

// MARK: - Environment

struct ChatRecord: Sendable, JSONDecodableRecord {
    var broadcasterID: String
    var broadcasterLogin: String?
    var userID: String
    var messageID: String?
    var ts: Int64
    init(json: JSONObject) throws {
        broadcasterID = try json.string("broadcaster_id")
        broadcasterLogin = try json.optionalString("broadcaster_login")
        userID = try json.optionalString("user_id") ?? ""
        messageID = try json.optionalString("message_id")
        ts = try json.int64("ts")
    }
}

struct LifecycleRecord: Sendable, JSONDecodableRecord {
    var type: String
    var broadcasterID: String
    init(json: JSONObject) throws {
        type = try json.string("type")
        broadcasterID = try json.string("broadcaster_id")
    }
}

struct ClipRowView: Sendable {
    var broadcasterID: String
    var status: String
    var clipID: String?
    var error: String?
    var windowEnd: Int64
}

/// A running monitor: its service group, the service and the IRC client.
struct RunningMonitor {
    let group: ServiceGroup
    let task: Task<Void, Error>
    let service: StreamMonitorService
    let irc: IRCChatClient

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

final class E2EEnvironment: Sendable {
    let id: String
    let http: FakeTwitchHTTPServer
    let irc: FakeIRCServer
    let httpPort: Int
    let ircPort: Int
    let fakeTask: Task<Void, Error>
    let fakeGroup: ServiceGroup
    let scenarioStartMillis: Int64
    let postgresURL: String
    let schema: String
    let pool: PostgresConnectionPool
    let registry: PrometheusCollectorRegistry
    let metrics: MonitorMetrics
    let logger: Logger
    let scenario: Scenario

    static let servers = ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:59092"
    static let redisURL = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:56379"
    static let baseURL = ProcessInfo.processInfo.environment["POSTGRES_TEST_URL"] ?? "postgresql://postgres@127.0.0.1:55432/highlights_test"

    var chatTopic: String { "monitor-chat-\(id)" }
    var lifecycleTopic: String { "monitor-lifecycle-\(id)" }

    private init(id: String, http: FakeTwitchHTTPServer, irc: FakeIRCServer, httpPort: Int, ircPort: Int, fakeTask: Task<Void, Error>,
                 fakeGroup: ServiceGroup, scenarioStartMillis: Int64, postgresURL: String, schema: String, pool: PostgresConnectionPool,
                 scenario: Scenario) {
        self.scenario = scenario
        self.id = id; self.http = http; self.irc = irc; self.httpPort = httpPort; self.ircPort = ircPort
        self.fakeTask = fakeTask; self.fakeGroup = fakeGroup; self.scenarioStartMillis = scenarioStartMillis
        self.postgresURL = postgresURL; self.schema = schema; self.pool = pool
        registry = PrometheusCollectorRegistry()
        metrics = MonitorMetrics(factory: PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "e2e")
        logger.logLevel = ProcessInfo.processInfo.environment["E2E_LOG"] == nil ? .warning : .debug
        self.logger = logger
    }

    static func make(scenario: Scenario) async throws -> E2EEnvironment {
        let id = UUID().uuidString.prefix(8).lowercased()
        let schema = "monitor_e2e_\(id)"
        let url = baseURL + (baseURL.contains("?") ? "&" : "?") + "options=-c%20search_path%3D\(schema)"
        let pool = PostgresConnectionPool(configuration: try PostgresConfiguration(url: url))
        do {
            _ = try await pool.withConnection { try $0.execute("CREATE SCHEMA \(schema)") }
        } catch {
            Issue.record("PostgreSQL not reachable at \(baseURL) (POSTGRES_TEST_URL; scripts/servers.sh start postgres): \(error)")
            throw error
        }
        // Both fakes share one scenario clock; chat `tmi-sent-ts` counts from the IRC fake's start.
        let clock = ScenarioClock(speed: scenario.speed)
        var httpConfiguration = FakeTwitchConfiguration()
        httpConfiguration.clipProcessingDelay = 1...2
        let http = FakeTwitchHTTPServer(scenario: scenario, clock: clock, configuration: httpConfiguration)
        let irc = FakeIRCServer(scenario: scenario, clock: clock, tokenValidator: { http.validateToken($0) })
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        let ircPort = try await irc.start()
        var quiet = Logger(label: "e2e.fake")
        quiet.logLevel = .warning
        let group = ServiceGroup(configuration: .init(services: [.init(service: http), .init(service: irc)], logger: quiet))
        let task = Task { try await group.run() }
        let httpPort = try await http.boundPort()
        return E2EEnvironment(id: String(id), http: http, irc: irc, httpPort: httpPort, ircPort: ircPort, fakeTask: task,
                              fakeGroup: group, scenarioStartMillis: start, postgresURL: url, schema: schema, pool: pool,
                              scenario: scenario)
    }

    func tearDown() {
        let group = fakeGroup
        Task { await group.triggerGracefulShutdown() }
        try? KafkaAdmin(bootstrapServers: Self.servers, timeout: .seconds(15)).deleteTopic(chatTopic)
        try? KafkaAdmin(bootstrapServers: Self.servers, timeout: .seconds(15)).deleteTopic(lifecycleTopic)
        _ = try? pool.withConnection { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
        pool.close()
    }

    var endpoints: TwitchEndpoints { .local(httpPort: httpPort, ircPort: ircPort) }

    func monitorConfiguration() -> MonitorConfiguration {
        var c = MonitorConfiguration()
        c.kafkaBootstrapServers = Self.servers
        c.chatTopic = chatTopic
        c.chatTopicPartitions = 8
        c.lifecycleTopic = lifecycleTopic
        c.lifecycleTopicPartitions = 2
        c.postgresURL = postgresURL
        c.redisURL = Self.redisURL
        c.liveKeyPrefix = "monitor-e2e-\(id):live:"
        c.pollInterval = .seconds(1)
        c.liveTTL = .seconds(3)
        c.trackedChannels = scenario.channels.map(\.login)
        c.healthCheckPort = 0
        c.healthProbeInterval = .seconds(1)
        return c
    }

    func startMonitor(adjust: (inout MonitorConfiguration) -> Void = { _ in }) async throws -> RunningMonitor {
        let fake = FakeTwitchConfiguration()
        // The client's metrics in the test's registry, as the monitor process has them in its one registry.
        let helix = try HelixClient(endpoints: endpoints, credentials: TwitchCredentials(clientID: fake.clientID, clientSecret: fake.clientSecret),
                                    metrics: TwitchAPIMetrics(factory: PrometheusMetricsFactory(registry: registry)))
        var configuration = monitorConfiguration()
        adjust(&configuration)
        let service = try StreamMonitorService(configuration: configuration, directory: HelixStreamDirectory(client: helix),
                                               metrics: metrics, logger: logger)
        let irc = IRCChatClient(configuration: IRCChatConfiguration(host: "127.0.0.1", port: ircPort, useTLS: false),
                                logger: logger, onMessages: service.chatPump.ircHandler)
        service.attach(chat: IRCChatRooms(client: irc))
        let health = MonitorHTTPServer.health(host: "127.0.0.1", port: 0, health: service.health, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: service), .init(service: irc), .init(service: health)],
                                                      logger: logger))
        let task = Task { try await group.run() }
        // /health answers, and turns healthy once every dependency has been seen working.
        let port = await health.boundPort()
        Task { do { try await task.value } catch { print("e2e: monitor group ended: \(error)") } }
        let client = try HTTPClient()
        defer { client.shutdown() }
        let lastBody = Mutex("")
        do {
            try await waitUntil(within: .seconds(30), "/health reports every dependency up") {
                let response = try await client.execute(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/health"))
                lastBody.withLock { $0 = response.text }
                return response.status == 200 && response.text.contains("\"twitch\":{\"status\":\"up\"")
            }
        } catch {
            Issue.record("last /health answer: \(lastBody.withLock { $0 })")
            throw error
        }
        return RunningMonitor(group: group, task: task, service: service, irc: irc)
    }

    func startJob() throws -> JobExecution {
        var config = LiveClipDetectorConfig()
        config.brokers = Self.servers
        config.topic = chatTopic
        config.groupID = "clip-detector-\(id)"
        config.postgresURL = postgresURL
        let fake = FakeTwitchConfiguration()
        let helix = try HelixClient(endpoints: endpoints, credentials: TwitchCredentials(
            clientID: fake.clientID, clientSecret: fake.clientSecret, userRefreshToken: fake.botRefreshToken))
        let job = try LiveClipDetector.job(config: config, creator: HelixClipCreator(client: helix))
        return try LocalExecutor().submit(job, parallelism: 2)
    }

    func clipRows() async throws -> [ClipRowView] {
        try await pool.withConnection { c in
            try c.query("SELECT broadcaster_id, status, clip_id, error, window_end FROM clips ORDER BY anomaly_id").rows.map { r in
                ClipRowView(broadcasterID: r[0].string() ?? "", status: r[1].string() ?? "", clipID: r[2].string(),
                            error: r[3].string(), windowEnd: try r[4].timestampMillis() ?? 0)
            }
        }
    }

    func waitForClipRows(count: Int, within limit: Duration) async throws -> [ClipRowView] {
        try await waitUntil(within: limit, "\(count) clip row(s)") { try await self.clipRows().count >= count }
        return try await clipRows()
    }

    func streamers() async throws -> [String: Bool] {
        try await pool.withConnection { c in
            Dictionary(uniqueKeysWithValues: try c.query("SELECT broadcaster_id, is_live FROM streamers").rows.map { r in
                (r[0].string() ?? "", try r[1].bool() ?? false)
            })
        }
    }

    /// Everything in a topic, read to its current end by a bounded job.
    func read<T: JSONDecodableRecord & Sendable>(_ type: T.Type, topic: String) async throws -> [T] {
        let sink = CollectingSink<T>()
        let job = try Job("read-\(topic)") {
            Source("topic", KafkaSource<T>(topic: topic, bootstrapServers: Self.servers, bounded: true))
            Sink("collect", sink)
        }
        let result = try await LocalExecutor().run(job, parallelism: 1)
        guard result.status == .finished else { throw MonitorError("reading \(topic) failed: \(result.failure ?? "")") }
        return sink.values
    }

    func chatMessages() async throws -> [ChatRecord] { try await read(ChatRecord.self, topic: chatTopic) }
    func lifecycleEvents() async throws -> [LifecycleRecord] { try await read(LifecycleRecord.self, topic: lifecycleTopic) }
}

func waitUntil(within limit: Duration, _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    var lastError: Error?
    while ContinuousClock.now < deadline {
        do {
            if try await condition() { return }
        } catch {
            lastError = error
        }
        try await Task.sleep(for: .milliseconds(250))
    }
    Issue.record("not reached within \(limit): \(what)\(lastError.map { " (last error: \($0))" } ?? "")")
    throw MonitorError("timed out waiting for \(what)")
}

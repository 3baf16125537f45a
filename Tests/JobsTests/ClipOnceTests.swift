import Dataflow
import Foundation
import HTTPConnector
@testable import Jobs
import PostgresConnector
import Runtime
import Testing
import Twitch
import TwitchFake

/// One anomaly makes at most one clip on Twitch, ever, and at most three Create Clip requests: the create-clip stage
/// (the live job's own `CreateClip`, retry policy, row mapping and `clips` sink) against real PostgreSQL and the
/// Twitch fake over HTTP, with faults on single endpoints.
@Suite("Create Clip once per anomaly", .serialized)
struct ClipOnceTests {
    @Test("Get Clips failing after a 202: the next attempt confirms that clip; one clip on Twitch, the row names it")
    func confirmationFailsThenResumes() async throws {
        let fixture = try await ClipOnceFixture.make()
        defer { fixture.tearDown() }
        // The first attempt's Get Clips fails three times inside the HTTP client and the attempt throws; the
        // second attempt's first two fail too.
        try await fixture.postFaults(#"{"endpoints": {"get_clips": {"force_status": 500, "force_count": 5}}}"#)
        let result = try await fixture.runStage(ClipOnceFixture.anomaly())
        #expect(result.status == .finished)

        let clips = try await fixture.fakeClipIDs()
        #expect(clips.count == 1, "clips on Twitch: \(clips)")
        let rows = try await fixture.rows()
        #expect(rows.count == 1)
        #expect(rows.first?.status == "created")
        #expect(rows.first?.clipID == clips.first)
        #expect(rows.first?.attempts == 2)
        #expect(fixture.fake.requestTimes(endpoint: "create_clip").count == 1)
    }

    @Test("Create Clip failing with 5xx every time: three requests per anomaly, at about 0, 3 and 6 s, then a failed row")
    func atMostThreeRequests() async throws {
        let fixture = try await ClipOnceFixture.make()
        defer { fixture.tearDown() }
        try await fixture.postFaults(#"{"endpoints": {"create_clip": {"force_status": 503, "force_count": 1000}}}"#)
        let anomaly = ClipOnceFixture.anomaly()
        _ = try await fixture.runStage(anomaly)

        let times = fixture.fake.requestTimes(endpoint: "create_clip")
        #expect(times.count == 3, "Create Clip requests: \(times.count)")
        if times.count == 3 {
            // The attempts start at the policy's offsets, 3 s apart (a loaded machine may make them later, never
            // sooner), and none after the 10 s budget.
            for (a, b) in zip(times, times.dropFirst()) { #expect(b - a >= 2.9, "gap \(b - a) s") }
            #expect(times[2] - times[0] < 10, "all within the 10 s budget")
        }
        let rows = try await fixture.rows()
        #expect(rows.first?.status == "failed")
        #expect(rows.first?.attempts == 3)
        #expect(rows.first?.error?.contains("503") == true)
        #expect(try await fixture.fakeClipIDs().isEmpty)

        // The job restarted (a fresh stage on the same database) replays the anomaly: the cap holds, no request.
        _ = try await fixture.runStage(anomaly)
        #expect(fixture.fake.requestTimes(endpoint: "create_clip").count == 3)
        #expect(try await fixture.requestsCounted() == 3)
    }

    @Test("A restart after a 202 whose confirmation failed confirms that clip instead of creating a second one")
    func restartConfirmsThePendingClip() async throws {
        let fixture = try await ClipOnceFixture.make()
        defer { fixture.tearDown() }
        // Every Get Clips fails during the first run: its three attempts create one clip and never see it.
        try await fixture.postFaults(#"{"endpoints": {"get_clips": {"force_status": 500, "force_count": 100000}}}"#)
        let anomaly = ClipOnceFixture.anomaly()
        _ = try await fixture.runStage(anomaly)
        #expect(try await fixture.fakeClipIDs().count == 1)
        #expect(try await fixture.rows().first?.status == "failed")

        // Twitch recovers; the job restarts (new stage instance, new pool: nothing in memory survives).
        try await fixture.postFaults(#"{"endpoints": {"get_clips": {}}}"#)
        _ = try await fixture.runStage(anomaly)
        let clips = try await fixture.fakeClipIDs()
        #expect(clips.count == 1, "clips on Twitch: \(clips)")
        let rows = try await fixture.rows()
        #expect(rows.first?.status == "created")
        #expect(rows.first?.clipID == clips.first)
        #expect(fixture.fake.requestTimes(endpoint: "create_clip").count == 1)
    }

    @Test("only Create Clip slow (4 s): the attempt waits for its answer instead of sending another; one clip, one request")
    func slowCreateClip() async throws {
        let fixture = try await ClipOnceFixture.make()
        defer { fixture.tearDown() }
        try await fixture.postFaults(#"{"endpoints": {"create_clip": {"latency_ms": 4000}}}"#)
        _ = try await fixture.runStage(ClipOnceFixture.anomaly())
        let clips = try await fixture.fakeClipIDs()
        #expect(clips.count == 1)
        #expect(try await fixture.rows().first?.clipID == clips.first)
        #expect(fixture.fake.requestTimes(endpoint: "create_clip").count == 1)
        #expect(try await fixture.requestsCounted() == 1)
    }

    @Test("a created row is final: a later failure for the same anomaly (a restarted job whose look-ups failed) leaves it and its clip")
    func createdRowIsFinal() async throws {
        let fixture = try await ClipOnceFixture.make()
        defer { fixture.tearDown() }
        let anomaly = ClipOnceFixture.anomaly()
        _ = try await fixture.runStage(anomaly)
        let clip = try #require(try await fixture.rows().first?.clipID)

        // What a replaying job emits when every look-up of the ledger failed: a failed row for the same anomaly.
        let failure = ClipOutcome(row: ClipRow(anomaly: anomaly, broadcasterLogin: nil, status: .failed, attempts: 3,
                                               error: "connection refused", clip: nil, createdAt: 0), twitchMillis: nil)
        let pool = PostgresConnectionPool(configuration: try PostgresConfiguration(url: fixture.url))
        defer { pool.close() }
        let job = try Job("late-failure") {
            Source("outcomes", CollectionSource([failure]))
            Sink("clips", ClipsSink(pool: pool))
        }
        #expect(try await LocalExecutor().run(job, parallelism: 1).status == .finished)
        let rows = try await fixture.rows()
        #expect(rows.count == 1)
        #expect(rows.first?.status == "created")
        #expect(rows.first?.clipID == clip)
    }

    @Test("a database without clip_requests fails the job at open, naming the table, before any Create Clip")
    func missingLedgerTableFailsClearly() async throws {
        let fixture = try await ClipOnceFixture.make()
        defer { fixture.tearDown() }
        _ = try await fixture.pool.withConnection { try $0.execute("DROP TABLE clip_requests") }
        let result = try await fixture.runStage(ClipOnceFixture.anomaly())
        #expect(result.status == .failed)
        #expect(result.failure?.contains("clip_requests is missing") == true, "\(result.failure ?? "no failure")")
        #expect(fixture.fake.requestTimes(endpoint: "create_clip").isEmpty)
    }

    @Test("the HTTP client does not repeat a Create Clip answered 5xx; it does repeat reads")
    func postNotRetriedByTheClient() async throws {
        let fixture = try await ClipOnceFixture.make()
        defer { fixture.tearDown() }
        let client = try fixture.client()
        try await fixture.postFaults(#"{"endpoints": {"create_clip": {"force_status": 500, "force_count": 5}, "get_clips": {"force_status": 500, "force_count": 2}}}"#)
        await #expect(throws: TwitchError.self) { try await client.createClip(broadcasterID: "1001") }
        #expect(fixture.fake.requestTimes(endpoint: "create_clip").count == 1)
        #expect(try await client.clips(ids: ["nope"]).isEmpty)
        #expect(fixture.fake.requestTimes(endpoint: "get_clips").count == 3)
    }
}

/// The Twitch fake on a free loopback port and a PostgreSQL schema of its own with the project's tables.
struct ClipOnceFixture {
    let fake: FakeTwitchHTTPServer
    let runTask: Task<Void, any Error>
    let port: Int
    let schema: String
    let url: String
    let pool: PostgresConnectionPool
    let http: HTTPClient

    static func make() async throws -> ClipOnceFixture {
        var configuration = FakeTwitchConfiguration()
        configuration.clipProcessingDelay = 0.3...0.5
        let scenario = Scenario(seed: 11, channels: [.init(id: "1001", login: "alpha", live: [.init(from: 0)])])
        let fake = FakeTwitchHTTPServer(scenario: scenario, clock: .manual(at: 10), configuration: configuration)
        let task = Task { try await fake.run() }
        let port = try await fake.boundPort()

        let id = UUID().uuidString.prefix(8).lowercased()
        let schema = "clip_once_\(id)"
        let base = LiveFixture.baseURL
        let url = base + (base.contains("?") ? "&" : "?") + "options=-c%20search_path%3D\(schema)"
        let pool = PostgresConnectionPool(configuration: try PostgresConfiguration(url: url))
        let statements = try LiveFixture.schemaStatements()
        do {
            try await pool.withConnection { connection in
                _ = try connection.execute("CREATE SCHEMA \(schema)")
                for statement in statements { _ = try connection.execute(statement) }
            }
        } catch {
            task.cancel()
            Issue.record("PostgreSQL not reachable at \(base) (POSTGRES_TEST_URL; scripts/servers.sh start postgres): \(error)")
            throw error
        }
        return ClipOnceFixture(fake: fake, runTask: task, port: port, schema: schema, url: url, pool: pool,
                               http: try HTTPClient(options: HTTPClientOptions()))
    }

    func tearDown() {
        _ = try? pool.withConnection { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
        pool.close()
        http.shutdown()
        runTask.cancel()
    }

    /// A moment that just happened on channel 1001.
    static func anomaly() -> Anomaly {
        let end = Int64(Date().timeIntervalSince1970 * 1000)
        return Anomaly(broadcasterID: "1001", windowStart: end - 5000, windowEnd: end, count: 80, mean: 10, stddev: 2,
                       baselineCounts: [9, 10, 11])
    }

    func client() throws -> HelixClient {
        var configuration = TwitchClientConfiguration()
        configuration.requestTimeout = .seconds(5)
        configuration.serverErrorBackoff = .milliseconds(20)
        return try HelixClient(endpoints: .local(httpPort: port),
                               credentials: TwitchCredentials(clientID: fake.configuration.clientID,
                                                              clientSecret: fake.configuration.clientSecret,
                                                              userRefreshToken: fake.configuration.botRefreshToken),
                               configuration: configuration)
    }

    /// The live job's clip stages over one anomaly: a fresh `CreateClip`, client and pool each time, as after a
    /// restart. Returns when the row is written.
    func runStage(_ anomaly: Anomaly) async throws -> JobResult {
        let pool = PostgresConnectionPool(configuration: try PostgresConfiguration(url: url))
        defer { pool.close() }
        let creator = HelixClipCreator(client: try client(), confirmWithin: .seconds(2), pollEvery: .milliseconds(100))
        let stage = CreateClip(creator: creator, ledger: ClipLedger(pool: pool), maxClipAgeMillis: 120_000)
        let job = try Job("clip-once") {
            Source("anomalies", CollectionSource([anomaly]))
            AsyncMap("create-clip", stage, ordering: .unordered, capacity: 4, timeout: .seconds(10), retry: LiveClipDetector.createRetry)
            FlatMap("clip-row") { (result: AsyncResult<Anomaly, ClipCreationOutcome>) -> [ClipOutcome] in
                ClipOutcome.from(result, now: Int64(Date().timeIntervalSince1970 * 1000)).map { [$0] } ?? []
            }
            Sink("clips", ClipsSink(pool: pool))
        }
        return try await LocalExecutor().run(job, parallelism: 1)
    }

    func postFaults(_ json: String) async throws {
        let response = try await http.execute(HTTPRequest(method: .post, url: "http://127.0.0.1:\(port)/_fake/faults",
                                                          headers: ["Content-Type": "application/json"], text: json))
        #expect(response.status == 200, "POST /_fake/faults: \(String(decoding: response.body, as: UTF8.self))")
    }

    /// The clip ids the fake holds, from `GET /_fake/clips`.
    func fakeClipIDs() async throws -> [String] {
        let response = try await http.execute(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/_fake/clips"))
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return (object?["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    func rows() async throws -> [ClipRowRead] {
        try await pool.withConnection { connection in
            try connection.query("SELECT anomaly_id, broadcaster_id, status, clip_id, attempts, error FROM clips ORDER BY anomaly_id").rows.map { r in
                ClipRowRead(anomalyID: r[0].string() ?? "", broadcasterID: r[1].string() ?? "", status: r[2].string() ?? "",
                            clipID: r[3].string(), attempts: try r[4].int() ?? -1, error: r[5].string(), windowStart: 0, windowEnd: 0,
                            messageCount: 0, baselineMean: 0, baselineStddev: 0, baselineSamples: 0, chatCounts: [])
            }
        }
    }

    /// `clip_requests.create_requests` of the one anomaly.
    func requestsCounted() async throws -> Int {
        try await pool.withConnection { connection in
            try connection.query("SELECT create_requests FROM clip_requests").rows.first.flatMap { try $0[0].int() } ?? 0
        }
    }
}

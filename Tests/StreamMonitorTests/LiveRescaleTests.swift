import Cluster
import Dataflow
import Foundation
import HTTPConnector
import Jobs
import Logging
import ServiceLifecycle
import Synchronization
@testable import StreamMonitor
import Testing
import Twitch
import TwitchFake

/// The live clip detector rescaled while chat flows: the Twitch fake, the monitor, Tansu, PostgreSQL and the job on an
/// in-process cluster (`dataflow cluster`), rescaled 2 → 3 with a Create Clip call in flight, then 3 → 1 just before
/// a second burst. State crosses both stops: one row per burst, Kafka offsets continue, the detector's baselines survive.
@Suite("The live clip detector rescaled mid-run", .serialized)
struct LiveRescaleTests {
    static let firstBurstAt = 34.0
    static let secondBurstAt = 66.0
    /// The second rescale starts here (scenario seconds), well after the first clip and before the second burst.
    static let secondRescaleAt = 56.0
    /// Above the default 10 so that the second burst, 10 s after the second stop, cannot be detected on a baseline
    /// rebuilt after the restore (at most ~16 windows fire in between): only a restored baseline reaches 20.
    static let minBaselineSamples = 20
    /// Above the default 10: a quiet channel's 5 s window (Poisson, mean ≤ 5 here) must not pass for a burst, which
    /// would start the channel's 30 s cooldown and hide the real burst (a window of 10 on charlie did once).
    static let minCount = 15

    static func scenario() -> Scenario {
        Scenario(seed: 23, speed: 1, channels: [
            .init(id: "4101", login: "alpha", title: "Quiet", viewers: 100, live: [.init(from: 0)], chat: .init(rate: 0.5)),
            .init(id: "4102", login: "bravo", title: "First burst", viewers: 900, live: [.init(from: 0)],
                  chat: .init(rate: 1, bursts: [.init(at: firstBurstAt, duration: 3, rate: 60, text: "PogChamp")])),
            .init(id: "4103", login: "charlie", title: "Second burst", viewers: 700, live: [.init(from: 0)],
                  chat: .init(rate: 1, bursts: [.init(at: secondBurstAt, duration: 3, rate: 60, text: "KEKW")])),
            .init(id: "4104", login: "delta", viewers: 10, live: [.init(from: 0)], chat: .init(rate: 0.4)),
        ])
    }

    /// One clip row with what the baseline assertion needs.
    struct Row: Sendable {
        var broadcasterID: String
        var status: String
        var error: String?
        var windowEnd: Int64
        var baselineSamples: Int
        var chatCounts: String
    }

    @Test("2 → 3 with Create Clip in flight, 3 → 1 before the second burst: one row per burst, offsets continue, baselines kept")
    func rescaleLiveDetector() async throws {
        let env = try await E2EEnvironment.make(scenario: Self.scenario())
        defer { env.tearDown() }
        let start = env.scenarioStartMillis
        func scenarioSeconds() -> Double { Double(Int64(Date().timeIntervalSince1970 * 1000) - start) / 1000 }

        // The fake's latency fault slows Get Streams too: a long live-key TTL keeps the channels online meanwhile.
        let monitor = try await env.startMonitor { $0.liveTTL = .seconds(60) }
        let cluster = try await RescaleCluster.start(env: env, minBaselineSamples: Self.minBaselineSamples)
        defer { Task { try? await cluster.stop() } }
        let client = cluster.client
        let id = try await client.submit(JobSubmission(job: LiveClipDetector.name, parallelism: 2))
        try await cluster.waitUntil("RUNNING", within: .seconds(60)) { cluster.state(id) == .running }

        /// Chat goes quiet until everything the monitor published has been read; returns the attempt's source count.
        var readBefore = 0
        func quietAndCount(_ what: String) async throws -> Int {
            env.irc.setSilent(true)
            var last = -1
            var count = 0
            try await cluster.waitUntil("the job has read every published message (\(what))", within: .seconds(30)) {
                count = try await cluster.recordsRead(id)
                defer { last = count }
                return count == last && readBefore + count == monitor.service.chatPump.publishedCount
            }
            readBefore += count
            return count
        }

        // Burst 1 (bravo). Create Clip answers slowly from now on, so the call is still running when the job stops.
        try await cluster.waitUntil("scenario second \(Self.firstBurstAt - 5)", within: .seconds(60)) { scenarioSeconds() >= Self.firstBurstAt - 5 }
        try await env.postFaults(#"{"latency_ms": 1500}"#)
        try await cluster.waitUntil("the first burst is detected", within: .seconds(60)) {
            try await cluster.operatorMetric(id, "anomaly-detector", "anomalies_detected") >= 1
        }
        // Stop between Create Clip and its confirmation through Get Clips (≥ 2 s at this latency): a call cancelled
        // and repeated after the restore would create a second clip at the fake; a lost one would leave no row.
        try await cluster.waitUntil("Create Clip reached the fake", within: .seconds(20)) { !env.http.createdClips.isEmpty }
        let readByFirst = try await quietAndCount("before the first rescale")
        let rowsAtFirstStop = try await env.rescaleRows()
        let clipsAtFirstStop = env.http.createdClips.count
        #expect(rowsAtFirstStop.isEmpty, "the first clip was done before the stop; the test did not catch it in flight")
        #expect(clipsAtFirstStop == 1)
        let firstStopAt = scenarioSeconds()
        let first = try await client.rescale(id, parallelism: 3)
        try await client.waitForRescaling(id, first, timeout: .seconds(120))
        env.irc.setSilent(false)
        let firstResumedAt = scenarioSeconds()
        #expect(cluster.parallelism(id) == 3)
        try await env.postFaults(#"{"reset": true}"#)
        let afterFirst = try await env.waitForRescaleRows(count: 1, within: .seconds(60))
        #expect(afterFirst.map(\.broadcasterID) == ["4102"])
        print("live-rescale: first rescale from \(String(format: "%.1f", firstStopAt)) s to \(String(format: "%.1f", firstResumedAt)) s "
              + "(Create Clip in flight: \(clipsAtFirstStop) clip at the fake, no row)")

        // Burst 2 (charlie), right after a rescale to 1.
        try await cluster.waitUntil("scenario second \(Self.secondRescaleAt)", within: .seconds(90)) { scenarioSeconds() >= Self.secondRescaleAt }
        #expect(scenarioSeconds() < Self.secondBurstAt - 8, "too late for the second rescale: \(scenarioSeconds()) s")
        let quietFrom = Int64(Date().timeIntervalSince1970 * 1000)
        let readBySecond = try await quietAndCount("before the second rescale")
        let second = try await client.rescale(id, parallelism: 1)
        try await client.waitForRescaling(id, second, timeout: .seconds(120))
        env.irc.setSilent(false)
        #expect(cluster.parallelism(id) == 1)
        #expect(scenarioSeconds() < Self.secondBurstAt, "the second burst fell into the silence of the rescale (\(scenarioSeconds()) s)")
        print("live-rescale: second rescale from \(Double(quietFrom - start) / 1000) s to \(String(format: "%.1f", scenarioSeconds())) s")

        let rows = try await env.waitForRescaleRows(count: 2, within: .seconds(60))
        let readByThird = try await quietAndCount("at the end")
        for row in rows {
            print("live-rescale: row \(row.broadcasterID) \(row.status) window end at \(Double(row.windowEnd - start) / 1000) s "
                + "(second stop at \(Double(quietFrom - start) / 1000) s), \(row.baselineSamples) samples, counts \(row.chatCounts)")
        }
        try await monitor.stop()

        // Exactly one row per burst, created, on the right channels; none for the quiet ones; one clip each at the fake.
        #expect(rows.map(\.broadcasterID) == ["4102", "4103"], "rows: \(rows)")
        #expect(rows.allSatisfy { $0.status == "created" }, "rows: \(rows)")
        #expect(env.http.createdClips.map(\.broadcasterID).sorted() == ["4102", "4103"],
                "clips created at the fake: \(env.http.createdClips.map(\.broadcasterID))")

        // The second burst's baseline holds windows from before the stop. The watermark at the stop was at least the
        // quiet moment − out-of-orderness (2 s) − idleness (3 s: a partition quiet for longer no longer holds it
        // back), so at most this many windows fired after the restore.
        if let burst = rows.last {
            let firedAfterRestore = Int((burst.windowEnd - (quietFrom - 5000)) / 1000)
            #expect(firedAfterRestore < Self.minBaselineSamples, "the test's premise: \(firedAfterRestore) windows after the restore")
            #expect(burst.baselineSamples >= Self.minBaselineSamples)
            #expect(burst.baselineSamples > firedAfterRestore, "baseline of \(burst.baselineSamples) samples")
            #expect(burst.windowEnd > start + Int64(Self.secondBurstAt * 1000))
        }

        // Offsets continue: the three attempts together read each message the fake sent exactly once.
        let chat = try await env.chatMessages()
        #expect(chat.count == env.irc.statistics.chatLinesSent)
        #expect(readByFirst + readBySecond + readByThird == chat.count,
                "read \(readByFirst) + \(readBySecond) + \(readByThird), topic holds \(chat.count)")
        try await cluster.stop()
    }
}

// MARK: - Support

extension E2EEnvironment {
    /// `POST /_fake/faults` on the fake, as an operator would switch a fault.
    func postFaults(_ json: String) async throws {
        let http = try HTTPClient()
        defer { http.shutdown() }
        let response = try await http.execute(HTTPRequest(method: .post, url: "http://127.0.0.1:\(httpPort)/_fake/faults",
                                                          headers: ["Content-Type": "application/json"], text: json))
        guard response.status == 200 else { throw MonitorError("POST /_fake/faults \(json): \(response.status) \(response.text)") }
    }

    func rescaleRows() async throws -> [LiveRescaleTests.Row] {
        try await pool.withConnection { c in
            try c.query("SELECT broadcaster_id, status, error, window_end, baseline_samples, array_to_string(chat_counts, ',') FROM clips ORDER BY window_end").rows.map { r in
                LiveRescaleTests.Row(broadcasterID: r[0].string() ?? "", status: r[1].string() ?? "", error: r[2].string(),
                                     windowEnd: try r[3].timestampMillis() ?? 0, baselineSamples: try r[4].int() ?? 0,
                                     chatCounts: r[5].string() ?? "")
            }
        }
    }

    func waitForRescaleRows(count: Int, within limit: Duration) async throws -> [LiveRescaleTests.Row] {
        try await waitUntil(within: limit, "\(count) clip row(s)") { try await self.rescaleRows().count >= count }
        return try await rescaleRows()
    }
}

/// `dataflow cluster` in this process (JobManager, one TaskManager with 4 slots, REST on a free port), whose only job
/// is the live clip detector wired to the environment's topic, schema and Twitch fake.
final class RescaleCluster: Sendable {
    let cluster: LocalCluster
    let group: ServiceGroup
    let running: Task<Void, Error>
    let http: HTTPClient
    let client: ClusterClient
    /// `state.savepoints.dir`: where the rescales' savepoints go; removed on stop.
    let savepoints: String

    private init(cluster: LocalCluster, group: ServiceGroup, running: Task<Void, Error>, restURL: String, savepoints: String) throws {
        self.cluster = cluster; self.group = group; self.running = running; self.savepoints = savepoints
        http = try HTTPClient()
        client = ClusterClient(rest: RESTClient(baseURL: restURL, http: http))
    }

    static func start(env: E2EEnvironment, minBaselineSamples: Int) async throws -> RescaleCluster {
        let savepoints = FileManager.default.temporaryDirectory.appendingPathComponent("live-rescale-\(env.id)").path
        let configuration = try ClusterConfiguration(settings: [
            "rest.port": "0", "metrics.reporter.prom.port": "0", "taskmanager.numberOfTaskSlots": "4", "state.savepoints.dir": savepoints,
        ])
        let fake = FakeTwitchConfiguration()
        let helix = try HelixClient(endpoints: env.endpoints, credentials: TwitchCredentials(
            clientID: fake.clientID, clientSecret: fake.clientSecret, userRefreshToken: fake.botRefreshToken))
        let (servers, topic, groupID, postgresURL) = (E2EEnvironment.servers, env.chatTopic, "clip-detector-\(env.id)", env.postgresURL)
        let resolver: JobResolver = { submission in
            guard submission.job == LiveClipDetector.name else { throw JobSubmissionError.invalid("unknown job \(submission.job)") }
            var parameters = submission.parameters
            parameters["min-baseline-samples"] = "\(minBaselineSamples)"
            parameters["min-count"] = "\(LiveRescaleTests.minCount)"
            var config = try LiveClipDetectorConfig(parameters: JobParameters(parameters))
            config.brokers = servers
            config.topic = topic
            config.groupID = groupID
            config.postgresURL = postgresURL
            return ResolvedJob(job: try LiveClipDetector.job(config: config, creator: HelixClipCreator(client: helix)),
                               parallelism: submission.parallelism, parameters: parameters)
        }
        var logger = Logger(label: "live-rescale.cluster")
        logger.logLevel = ProcessInfo.processInfo.environment["E2E_LOG"] == nil ? .warning : .info
        let cluster = LocalCluster(configuration: configuration, resolver: resolver, logger: logger)
        let group = cluster.serviceGroup(handlingSignals: false, logger: logger)
        let running = Task { try await group.run() }
        let rest = try await cluster.rest.address.url()
        return try RescaleCluster(cluster: cluster, group: group, running: running, restURL: rest, savepoints: savepoints)
    }

    private let stopped = Mutex(false)

    /// Cancels the job (graceful shutdown) and waits for the services; once, however often it is called.
    func stop() async throws {
        guard stopped.withLock({ done in defer { done = true }; return !done }) else { return }
        await group.triggerGracefulShutdown()
        try await running.value
        http.shutdown()
        try? FileManager.default.removeItem(atPath: savepoints)
    }

    func state(_ id: JobID) -> JobState? { cluster.jobManager.job(id)?.state }
    func parallelism(_ id: JobID) -> Int? { cluster.jobManager.job(id)?.parallelism }

    /// A metric of one operator summed over its subtasks, in the running attempt.
    func operatorMetric(_ id: JobID, _ op: String, _ metric: String) async throws -> Double {
        try await client.operatorTotals(id)[op]?[metric] ?? 0
    }

    /// The chat source's records in the running attempt, over all its subtasks.
    func recordsRead(_ id: JobID) async throws -> Int { Int(try await operatorMetric(id, "Source__chat-source", "numRecordsOut")) }

    func waitUntil(_ what: String, within limit: Duration, _ condition: () async throws -> Bool) async throws {
        try await StreamMonitorTests.waitUntil(within: limit, what, condition)
    }
}

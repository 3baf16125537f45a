import Foundation
import Hummingbird
import Observability
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The fake's HTTP side: OAuth (`/oauth2/token|validate|revoke`), Helix (`/helix/streams|users|clips`) and the
/// control routes (`POST /_fake/faults` — global or per endpoint, `GET /_fake/state`, `GET /_fake/clips`,
/// `GET /_fake/requests`: when each Helix request arrived, per endpoint), playing `scenario` on `clock`.
/// A `Service`: run it in a ServiceGroup (graceful shutdown on SIGTERM) or in a task and cancel it.
public final class FakeTwitchHTTPServer: Service, Sendable {
    public let scenario: Scenario
    public let clock: ScenarioClock
    public let configuration: FakeTwitchConfiguration
    let tokens: OAuthTokenStore
    let clips: HelixClipStore
    let helixBuckets: RateLimitBuckets
    let clipBuckets: RateLimitBuckets
    let faultSwitch: FakeHTTPFaultSwitch
    let live: HelixLiveView
    let logger: Logger
    let extraRoutes: @Sendable (Router<BasicRequestContext>) -> Void
    private let bound = Mutex<BindState>(.waiting([]))
    private let served = Mutex<[Int: Int]>([:])
    /// When each Helix request arrived (epoch seconds), by endpoint, faults included.
    private let requestLog = Mutex<[String: [Double]]>([:])

    private enum BindState {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(String)
    }

    public init(scenario: Scenario, clock: ScenarioClock, configuration: FakeTwitchConfiguration = FakeTwitchConfiguration(),
                logger: Logger = Logger(label: "twitch-fake.http"),
                extraRoutes: @escaping @Sendable (Router<BasicRequestContext>) -> Void = { _ in }) {
        self.scenario = scenario
        self.extraRoutes = extraRoutes
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
        tokens = OAuthTokenStore(configuration: configuration, seed: scenario.seed)
        clips = HelixClipStore(seed: scenario.seed, processingDelay: configuration.clipProcessingDelay,
                               vodOffsetDelay: configuration.vodOffsetDelay)
        helixBuckets = RateLimitBuckets(limit: configuration.rateLimit, window: configuration.rateLimitWindow)
        clipBuckets = RateLimitBuckets(limit: configuration.clipRateLimit, window: configuration.clipRateLimitWindow)
        faultSwitch = FakeHTTPFaultSwitch(configuration.faults, seed: scenario.seed)
        live = HelixLiveView(scenario: scenario, clock: clock,
                             scenarioStart: Date().addingTimeInterval(-clock.now / clock.speed),
                             bot: (configuration.botUserID, configuration.botLogin))
    }

    // MARK: Hooks for tests, the demo and the IRC server

    /// Scopes of a live (issued, unexpired, unrevoked) access token; the IRC server checks `PASS oauth:…` with it.
    public func validateToken(_ token: String) -> Set<String>? {
        tokens.lookup(token).map { Set($0.scopes) }
    }

    public var faults: FakeHTTPFaults { faultSwitch.faults }
    public func setFaults(_ faults: FakeHTTPFaults) { faultSwitch.set(faults) }
    public func updateFaults(_ change: (inout FakeHTTPFaults) -> Void) { faultSwitch.update(change) }
    /// The next `count` Helix responses get `status`.
    public func forceNextResponses(status: Int, count: Int = 1) {
        faultSwitch.update { $0.forcedStatus = status; $0.forcedCount = count }
    }
    public func expireAllTokens() { tokens.expireAll() }
    public func revoke(token: String) { _ = tokens.revoke(token) }
    /// Every clip created so far, visible or not.
    public var createdClips: [FakeClipRecord] { clips.all() }
    /// Responses served per status (Helix and OAuth).
    public func responsesServed(status: Int) -> Int { served.withLock { $0[status, default: 0] } }
    /// When each request to a Helix endpoint (`create_clip`, `get_clips`, …) arrived, epoch seconds, oldest first.
    public func requestTimes(endpoint: String) -> [Double] { requestLog.withLock { $0[endpoint] ?? [] } }

    func recordRequest(_ endpoint: String) {
        let now = Date().timeIntervalSince1970
        requestLog.withLock { $0[endpoint, default: []].append(now) }
    }

    /// The port, once bound (port 0 in the configuration binds a free one).
    public func boundPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            bound.withLock { state in
                switch state {
                case .bound(let port): continuation.resume(returning: port)
                case .failed(let message): continuation.resume(throwing: FakeHTTPInputError(message))
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                }
            }
        }
    }

    private func setBound(_ result: Result<Int, FakeHTTPInputError>) {
        let waiters: [CheckedContinuation<Int, any Error>] = bound.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            switch result {
            case .success(let port): state = .bound(port)
            case .failure(let error): state = .failed(error.description)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result.mapError { $0 as any Error }) }
    }

    // MARK: Service

    public func run() async throws {
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.httpPort), serverName: nil,
                                 reuseAddress: true),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? configuration.httpPort
                logger.info("Twitch fake (OAuth + Helix) listening on \(configuration.host):\(port)")
                setBound(.success(port))
            },
            logger: logger)
        do {
            try await runCancellingGracefully(app, logger: logger)
        } catch {
            setBound(.failure(FakeHTTPInputError("the Twitch fake cannot listen on \(configuration.host):\(configuration.httpPort): \(error)")))
            throw error
        }
        setBound(.failure(FakeHTTPInputError("the Twitch fake stopped before binding")))
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/oauth2/token") { request, _ in await self.counted(self.token(request)) }
        router.get("/oauth2/validate") { request, _ in await self.counted(self.validate(request)) }
        router.post("/oauth2/revoke") { request, _ in await self.counted(self.revoke(request)) }
        router.get("/helix/streams") { request, _ in await self.counted(self.helix(request, endpoint: "get_streams", self.getStreams)) }
        router.get("/helix/users") { request, _ in await self.counted(self.helix(request, endpoint: "get_users", self.getUsers)) }
        router.get("/helix/clips") { request, _ in await self.counted(self.helix(request, endpoint: "get_clips", self.getClips)) }
        router.post("/helix/clips") { request, _ in await self.counted(self.helix(request, endpoint: "create_clip", self.createClip)) }
        router.post("/_fake/faults") { request, _ in await self.postFaults(request) }
        router.get("/_fake/faults") { _, _ in self.faultsResponse() }
        router.get("/_fake/state") { _, _ in self.stateResponse() }
        router.get("/_fake/clips") { _, _ in self.clipsResponse() }
        router.get("/_fake/requests") { _, _ in self.requestsResponse() }
        router.get("/_fake/thumbnails/:file") { _, context in self.thumbnail(context.parameters.get("file") ?? "") }
        extraRoutes(router)
        return router
    }

    private func counted(_ response: Response) -> Response {
        served.withLock { $0[Int(response.status.code), default: 0] += 1 }
        return response
    }

    /// The configured extra latency (a fault switch), on every OAuth and Helix answer, plus the endpoint's own.
    func injectedLatency(endpoint: String? = nil) async {
        let faults = faultSwitch.faults
        let ms = faults.latencyMilliseconds + (endpoint.flatMap { faults.endpoints[$0]?.latencyMilliseconds } ?? 0)
        if ms > 0 { try? await Task.sleep(for: .milliseconds(ms)) }
    }

    // MARK: Control routes

    private func postFaults(_ request: Request) async -> Response {
        var request = request
        do {
            let body = try await request.collectBody(upTo: 64 * 1024)
            let update = try JSONDecoder().decode(FakeHTTPFaultsUpdate.self, from: Data(buffer: body)).validated()
            faultSwitch.apply(update)
            if update.expireAllTokens == true { tokens.expireAll() }
            logger.info("fault switches now \(faultSwitch.faults)")
            return faultsResponse()
        } catch {
            return FakeHTTPResponse.error(.badRequest, "faults: \(error)")
        }
    }

    private func faultsResponse() -> Response {
        let data = (try? JSONEncoder().encode(faultSwitch.faults)) ?? Data("{}".utf8)
        let object = (try? JSONSerialization.jsonObject(with: data)) ?? [:]
        return FakeHTTPResponse.json(.ok, object)
    }

    private func stateResponse() -> Response {
        let faultsData = (try? JSONEncoder().encode(faultSwitch.faults)) ?? Data("{}".utf8)
        let liveNow = live.liveStreams().map { ["user_id": $0.channel.id, "user_login": $0.channel.login, "stream_id": $0.streamID] }
        return FakeHTTPResponse.json(.ok, [
            "scenario_time": clock.now,
            "faults": (try? JSONSerialization.jsonObject(with: faultsData)) ?? [:],
            "live": liveNow,
            "live_tokens": tokens.liveTokenCount,
            "clips_created": clips.all().count,
            "requests": requestLog.withLock { $0.mapValues(\.count) },
            "responses": served.withLock { Dictionary(uniqueKeysWithValues: $0.map { (String($0.key), $0.value) }) },
        ] as [String: Any])
    }

    /// `{"create_clip": [epoch seconds…], …}`: when each Helix request arrived, per endpoint.
    private func requestsResponse() -> Response {
        FakeHTTPResponse.json(.ok, requestLog.withLock { $0 } as [String: Any])
    }

    private func clipsResponse() -> Response {
        let now = Date().timeIntervalSince1970
        let data = clips.all().map { clip -> [String: Any] in
            var entry = clipJSON(clip, now: now)
            entry["visible"] = clip.visibleAt.map { now >= $0 } ?? false
            entry["never_visible"] = clip.visibleAt == nil
            return entry
        }
        return FakeHTTPResponse.json(.ok, ["data": data])
    }
}

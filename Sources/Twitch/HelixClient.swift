import Foundation
import HTTPConnector
import Logging

/// Helix calls the monitor and the clip detector make, with Twitch's recovery rules built in:
///
/// - `Ratelimit-Remaining: 0` holds further requests until `Ratelimit-Reset`; a 429 waits until the reset and retries
///   (at most `rateLimitRetries` times), then throws `TwitchError.rateLimited`.
/// - 5xx and transport failures (timeouts included) of reads are retried with exponential backoff,
///   `serverErrorAttempts` tries in all, then surface as `.server` / `.transport` / `.timeout`. A POST (Create Clip)
///   is never repeated after them: it is not idempotent — the lost answer may have created a clip — so its caller
///   owns that retry (the clip detector's stage policy, with the clip id made durable between attempts).
///   401 and 429 answers are repeated for POSTs too: Twitch refused those requests, so they created nothing.
/// - 401 renews the token once (single-flight in `TwitchAuth`) and retries once; a second 401 is `.unauthorized`.
/// - 400/403/404 are not retried: `.badRequest`, `.forbidden`, `.notFound` (Create Clip: broadcaster offline).
public struct HelixClient: Sendable {
    public let auth: TwitchAuth
    public let metrics: TwitchAPIMetrics
    public let endpoints: TwitchEndpoints
    public let configuration: TwitchClientConfiguration
    private let transport: TwitchHTTPTransport
    private let limiter: HelixRateLimiter
    private let logger: Logger

    /// Uses `http` for every call (share one client per process: it pools connections).
    public init(auth: TwitchAuth, http: HTTPClient, configuration: TwitchClientConfiguration = .default,
                logger: Logger = Logger(label: "twitch.helix")) {
        self.auth = auth
        self.metrics = auth.metrics
        self.endpoints = auth.endpoints
        self.configuration = configuration
        self.transport = TwitchHTTPTransport(http: http, metrics: auth.metrics, timeout: configuration.requestTimeout)
        self.limiter = HelixRateLimiter(maxWait: configuration.maxRateLimitWait)
        self.logger = logger
    }

    /// Builds its own HTTP client and `TwitchAuth`.
    public init(endpoints: TwitchEndpoints, credentials: TwitchCredentials, configuration: TwitchClientConfiguration = .default,
                metrics: TwitchAPIMetrics = TwitchAPIMetrics(), logger: Logger = Logger(label: "twitch.helix")) throws {
        var options = HTTPClientOptions()
        options.requestTimeout = configuration.requestTimeout
        let http: HTTPClient
        do { http = try HTTPClient(options: options) } catch { throw TwitchError.transport("cannot start the HTTP client: \(error)") }
        let auth = TwitchAuth(credentials: credentials, endpoints: endpoints, http: http, configuration: configuration,
                              metrics: metrics, logger: logger)
        self.init(auth: auth, http: http, configuration: configuration, logger: logger)
    }

    // MARK: Get Streams

    /// Live streams among the given users (offline ones are simply absent). Asks in chunks of 100 and follows
    /// cursors; no ids and no logins returns `[]`.
    public func streams(userIDs: [TwitchUserID] = [], logins: [String] = []) async throws -> [HelixStream] {
        var seen = Set<TwitchStreamID>()
        var streams: [HelixStream] = []
        let size = max(1, min(configuration.helixPageSize, 100))
        let queries = chunks(userIDs.map(\.rawValue), size).map { $0.map { ("user_id", $0) } }
            + chunks(logins, size).map { $0.map { ("user_login", $0) } }
        for filter in queries {
            var cursor: String?
            var pages = 0
            repeat {
                var query = filter + [("first", String(max(1, min(configuration.streamsPerPage, 100))))]
                if let cursor { query.append(("after", cursor)) }
                let response = try await perform(endpoint: "get_streams", method: .get, path: "/streams", query: query,
                                                 token: auth.readTokenKind)
                let page = try decoded("get_streams") { () throws(TwitchError) in try HelixDecoding.streams(response.body) }
                for stream in page.data where seen.insert(stream.id).inserted { streams.append(stream) }
                pages += 1
                // An empty page ends the walk even with a cursor: Twitch may hand out a cursor to nothing.
                cursor = page.data.isEmpty ? nil : page.cursor
            } while cursor != nil && pages < configuration.maxPagesPerQuery
        }
        return streams
    }

    public func streams(userIDs: [String], logins: [String] = []) async throws -> [HelixStream] {
        try await streams(userIDs: userIDs.map(TwitchUserID.init(rawValue:)), logins: logins)
    }

    // MARK: Get Users

    /// Users by id and/or login (unknown ones are absent), in chunks of 100.
    public func users(ids: [TwitchUserID] = [], logins: [String] = []) async throws -> [HelixUser] {
        var users: [HelixUser] = []
        let size = max(1, min(configuration.helixPageSize, 100))
        let queries = chunks(ids.map(\.rawValue), size).map { $0.map { ("id", $0) } }
            + chunks(logins, size).map { $0.map { ("login", $0) } }
        for query in queries {
            let response = try await perform(endpoint: "get_users", method: .get, path: "/users", query: query,
                                             token: auth.readTokenKind)
            users += try decoded("get_users") { () throws(TwitchError) in try HelixDecoding.users(response.body) }.data
        }
        return users
    }

    // MARK: Clips

    /// Starts a clip (202). It does not exist until Get Clips shows it: see `createClipConfirmed`.
    /// Needs the user token with `clips:edit`. `duration` is 5–60 s (Twitch's default 30).
    public func createClip(broadcasterID: TwitchUserID, title: String? = nil, duration: Double? = nil) async throws -> CreatedClip {
        var query = [("broadcaster_id", broadcasterID.rawValue)]
        if let title { query.append(("title", title)) }
        if let duration { query.append(("duration", String(format: "%.1f", duration))) }
        let response = try await perform(endpoint: "create_clip", method: .post, path: "/clips", query: query, token: .user)
        return try decoded("create_clip") { () throws(TwitchError) in try HelixDecoding.createdClip(response.body) }
    }

    /// Clips by id, in the order asked; unknown (or still processing) ids are absent.
    public func clips(ids: [TwitchClipID]) async throws -> [HelixClip] {
        var clips: [HelixClip] = []
        for chunk in chunks(ids.map(\.rawValue), 100) {
            let response = try await perform(endpoint: "get_clips", method: .get, path: "/clips",
                                             query: chunk.map { ("id", $0) }, token: auth.readTokenKind)
            clips += try decoded("get_clips") { () throws(TwitchError) in try HelixDecoding.clips(response.body) }.data
        }
        return clips
    }

    /// Creates a clip and polls Get Clips until it appears. Twitch: a clip not visible after 15 s has failed, so
    /// this throws `TwitchError.clipNotConfirmed` once `confirmWithin` has passed.
    public func createClipConfirmed(broadcasterID: TwitchUserID, title: String? = nil, duration: Double? = nil,
                                    confirmWithin: Duration? = nil, pollEvery: Duration? = nil) async throws -> HelixClip {
        let window = confirmWithin ?? configuration.clipConfirmWindow
        let interval = pollEvery ?? configuration.clipPollInterval
        let created = try await createClip(broadcasterID: broadcasterID, title: title, duration: duration)
        let clock = ContinuousClock()
        let deadline = clock.now + window
        while true {
            let left = deadline - clock.now
            try await Task.sleep(for: max(.zero, min(interval, left)))
            if let clip = try await clips(ids: [created.id]).first(where: { $0.id == created.id }) { return clip }
            if clock.now >= deadline {
                let error = TwitchError.clipNotConfirmed(clipID: created.id, window: window)
                metrics.error(endpoint: "create_clip", kind: error.kind)
                logger.warning("\(error)")
                throw error
            }
        }
    }

    // MARK: The request loop

    private func perform(endpoint: String, method: HTTPMethod, path: String, query: [(String, String)],
                         token kind: TwitchTokenKind) async throws -> HTTPResponse {
        do {
            return try await performWithRecovery(endpoint: endpoint, method: method, path: path, query: query, kind: kind)
        } catch let failed as TokenFailure {
            // `TwitchAuth` counted it (oauth_token): one failure, one count.
            throw failed.error
        } catch let error as TwitchError {
            metrics.error(endpoint: endpoint, kind: error.kind)
            throw error
        }
    }

    private func performWithRecovery(endpoint: String, method: HTTPMethod, path: String, query: [(String, String)],
                                     kind: TwitchTokenKind) async throws -> HTTPResponse {
        let url = FormEncoding.url(endpoints.helixBaseURL, path, query)
        var token = try await TokenFailure.marking { try await auth.token(kind) }
        var renewed = false
        var failures = 0
        var rateLimitRetries = 0
        let attemptsOnFailure = method == .post ? 1 : configuration.serverErrorAttempts
        while true {
            let hold = await limiter.delayBeforeRequest(kind: kind)
            if hold > .zero {
                logger.debug("rate-limit bucket empty; waiting \(hold) before \(endpoint)")
                try await Task.sleep(for: hold)
            }
            let request = HTTPRequest(method: method, url: url, headers: [
                "Authorization": "Bearer \(token)", "Client-Id": auth.credentials.clientID, "Accept": "application/json"])
            let response: HTTPResponse
            do {
                response = try await transport.send(request, endpoint: endpoint)
            } catch let error as TwitchError {
                failures += 1
                guard failures < attemptsOnFailure else { throw error }
                metrics.retry(endpoint: endpoint, reason: "transport")
                logger.info("\(endpoint) failed (\(error)); retry \(failures)")
                try await Task.sleep(for: Backoff.delay(base: configuration.serverErrorBackoff, retry: failures))
                continue
            }
            await limiter.record(response.headers, kind: kind)
            switch response.status {
            case 200..<300:
                return response
            case 401:
                guard !renewed else {
                    throw TwitchError.unauthorized("\(endpoint) still answered 401 after renewing the \(kind.rawValue) token: \(HelixDecoding.errorMessage(response.body))")
                }
                renewed = true
                metrics.retry(endpoint: endpoint, reason: "unauthorized")
                let rejected = token
                token = try await TokenFailure.marking { try await auth.renewAfterUnauthorized(kind, rejected: rejected) }
            case 429:
                metrics.rateLimited(endpoint: endpoint)
                let resetAt = HelixRateLimiter.resetEpoch(response.headers)
                guard rateLimitRetries < configuration.rateLimitRetries else {
                    throw TwitchError.rateLimited(resetAt: resetAt.map { Date(timeIntervalSince1970: $0) })
                }
                rateLimitRetries += 1
                metrics.retry(endpoint: endpoint, reason: "rate_limited")
                let wait = resetAt.map { Duration.seconds(max(0, $0 - Date().timeIntervalSince1970)) } ?? configuration.rateLimitFallbackWait
                let bounded = min(max(wait, .milliseconds(50)), configuration.maxRateLimitWait)
                logger.info("\(endpoint) rate limited (429); waiting \(bounded) for the bucket to reset")
                try await Task.sleep(for: bounded)
            case 500...599:
                failures += 1
                guard failures < attemptsOnFailure else {
                    throw TwitchError.server(status: response.status, message: HelixDecoding.errorMessage(response.body))
                }
                metrics.retry(endpoint: endpoint, reason: "server")
                logger.info("\(endpoint) answered \(response.status); retry \(failures)")
                try await Task.sleep(for: Backoff.delay(base: configuration.serverErrorBackoff, retry: failures))
            case 400:
                throw TwitchError.badRequest("\(endpoint): \(HelixDecoding.errorMessage(response.body))")
            case 403:
                throw TwitchError.forbidden("\(endpoint): \(HelixDecoding.errorMessage(response.body))")
            case 404:
                throw TwitchError.notFound("\(endpoint): \(HelixDecoding.errorMessage(response.body))")
            default:
                throw TwitchError.unexpectedStatus(response.status, "\(endpoint): \(HelixDecoding.errorMessage(response.body))")
            }
        }
    }

    private func decoded<T>(_ endpoint: String, _ body: () throws(TwitchError) -> T) throws -> T {
        do { return try body() } catch {
            metrics.error(endpoint: endpoint, kind: error.kind)
            throw error
        }
    }

    private func chunks(_ items: [String], _ size: Int) -> [[String]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }
}

/// A token could not be had for a Helix call: already counted by `TwitchAuth`, so `perform` does not count it again.
private struct TokenFailure: Error {
    let error: TwitchError
    static func marking(_ body: () async throws -> String) async throws -> String {
        do { return try await body() } catch let error as TwitchError { throw TokenFailure(error: error) }
    }
}

extension HelixClient {
    public func createClip(broadcasterID: String, title: String? = nil, duration: Double? = nil) async throws -> CreatedClip {
        try await createClip(broadcasterID: TwitchUserID(broadcasterID), title: title, duration: duration)
    }

    public func createClipConfirmed(broadcasterID: String, title: String? = nil, duration: Double? = nil,
                                    confirmWithin: Duration? = nil, pollEvery: Duration? = nil) async throws -> HelixClip {
        try await createClipConfirmed(broadcasterID: TwitchUserID(broadcasterID), title: title, duration: duration,
                                      confirmWithin: confirmWithin, pollEvery: pollEvery)
    }
}

import Foundation
import HTTPConnector
import Logging

/// Which kind of token a call needs. Create Clip needs `.user` (with `clips:edit`); reads work with either.
public enum TwitchTokenKind: String, Sendable, Hashable, CaseIterable {
    case app
    case user
}

/// Holds the app and user access tokens and renews them.
///
/// - App tokens come from client credentials; they cannot be refreshed, so a 401 mints a new one.
/// - User tokens come from the refresh token (which Twitch may rotate: the new one is kept).
/// - Renewal is single-flight: concurrent 401s for the same token cause one `/token` call; the others wait for it.
/// - `validate()` checks every held token against `/oauth2/validate` (Twitch asks for this at start-up and hourly;
///   `startPeriodicValidation` runs the hourly part).
public actor TwitchAuth {
    public nonisolated let credentials: TwitchCredentials
    public nonisolated let endpoints: TwitchEndpoints
    public nonisolated let metrics: TwitchAPIMetrics
    private let transport: TwitchHTTPTransport
    private let configuration: TwitchClientConfiguration
    private let logger: Logger

    private var tokens: [TwitchTokenKind: String] = [:]
    private var minting: [TwitchTokenKind: Task<String, any Error>] = [:]
    private var refreshToken: String?
    /// The configured user access token is used once, before any refresh.
    private var initialUserToken: String?

    public init(credentials: TwitchCredentials, endpoints: TwitchEndpoints, http: HTTPClient,
                configuration: TwitchClientConfiguration = .default, metrics: TwitchAPIMetrics = TwitchAPIMetrics(),
                logger: Logger = Logger(label: "twitch.auth")) {
        self.credentials = credentials
        self.endpoints = endpoints
        self.metrics = metrics
        self.configuration = configuration
        self.logger = logger
        self.transport = TwitchHTTPTransport(http: http, metrics: metrics, timeout: configuration.requestTimeout)
        self.refreshToken = credentials.userRefreshToken
        self.initialUserToken = credentials.userAccessToken
    }

    /// The token kind Helix reads use: the app token when a client secret is configured, else the user token.
    public nonisolated var readTokenKind: TwitchTokenKind { credentials.canMintAppToken ? .app : .user }

    /// A current access token of `kind`, minting one when none is held.
    public func token(_ kind: TwitchTokenKind) async throws -> String {
        if let token = tokens[kind] { return token }
        if kind == .user, let initial = initialUserToken {
            initialUserToken = nil
            tokens[.user] = initial
            return initial
        }
        return try await mintSingleFlight(kind)
    }

    /// Called after Twitch answered 401 to `rejected`: returns a new token, minting at most once however many
    /// callers report the same rejected token.
    public func renewAfterUnauthorized(_ kind: TwitchTokenKind, rejected: String) async throws -> String {
        if let current = tokens[kind], current != rejected { return current }
        if minting[kind] == nil { tokens[kind] = nil }
        return try await mintSingleFlight(kind)
    }

    /// Forgets every held token (a test hook and what a revoke would need).
    public func forgetTokens() {
        tokens.removeAll()
    }

    private func mintSingleFlight(_ kind: TwitchTokenKind) async throws -> String {
        if let inFlight = minting[kind] { return try await inFlight.value }
        let task = Task { try await self.mint(kind) }
        minting[kind] = task
        defer { minting[kind] = nil }
        let token = try await task.value
        tokens[kind] = token
        return token
    }

    /// Counts a failed mint once, as an `oauth_token` error (the request that failed), whatever the cause.
    private func mint(_ kind: TwitchTokenKind) async throws -> String {
        do {
            return try await mintUncounted(kind)
        } catch let error as TwitchError {
            metrics.error(endpoint: "oauth_token", kind: error.kind)
            throw error
        }
    }

    private func mintUncounted(_ kind: TwitchTokenKind) async throws -> String {
        var form = [("client_id", credentials.clientID)]
        switch kind {
        case .app:
            guard let secret = credentials.clientSecret else {
                throw TwitchError.configuration("an app token needs TWITCH_CLIENT_SECRET")
            }
            form += [("client_secret", secret), ("grant_type", "client_credentials")]
        case .user:
            guard let refreshToken else {
                throw TwitchError.unauthorized(credentials.userAccessToken == nil
                    ? "no user token configured (TWITCH_USER_REFRESH_TOKEN or TWITCH_USER_ACCESS_TOKEN)"
                    : "the user access token was rejected and no TWITCH_USER_REFRESH_TOKEN is configured to renew it")
            }
            form += [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
            if let secret = credentials.clientSecret { form.append(("client_secret", secret)) }
        }
        logger.info("requesting a new \(kind.rawValue) access token")
        metrics.tokenRefresh(kind: kind.rawValue)
        let request = HTTPRequest(method: .post, url: endpoints.oauthBaseURL + "/token",
                                  headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                                  text: FormEncoding.encode(form))
        let response = try await sendWithServerRetries(request, endpoint: "oauth_token")
        guard response.status == 200 else {
            let message = HelixDecoding.errorMessage(response.body)
            throw TwitchError.unauthorized("\(kind == .app ? "client credentials" : "token refresh") rejected with \(response.status): \(message)")
        }
        let answer = try HelixDecoding.decode(OAuthTokenResponse.self, from: response.body, what: "OAuth token")
        if kind == .user, let rotated = answer.refreshToken { refreshToken = rotated }
        return answer.accessToken
    }

    /// Checks every token this client uses (minting them if needed). A 401 renews once and re-validates; a token
    /// of another client id, or a second 401, is `TwitchError.unauthorized`.
    @discardableResult
    public func validate() async throws -> [TwitchTokenKind: TokenValidation] {
        var kinds: [TwitchTokenKind] = []
        if credentials.canMintAppToken { kinds.append(.app) }
        if credentials.hasUserToken { kinds.append(.user) }
        var results: [TwitchTokenKind: TokenValidation] = [:]
        for kind in kinds {
            // Minting failures are counted by `mint` (oauth_token); validation failures here, once (oauth_validate).
            var token = try await self.token(kind)
            var validation = try await countedValidation(token)
            if validation == nil {
                token = try await renewAfterUnauthorized(kind, rejected: token)
                validation = try await countedValidation(token)
            }
            guard let validation else {
                let error = TwitchError.unauthorized("the freshly minted \(kind.rawValue) token does not validate")
                metrics.error(endpoint: "oauth_validate", kind: error.kind)
                throw error
            }
            guard validation.clientID == credentials.clientID else {
                let error = TwitchError.unauthorized("the \(kind.rawValue) token belongs to client \(validation.clientID), not \(credentials.clientID)")
                metrics.error(endpoint: "oauth_validate", kind: error.kind)
                throw error
            }
            if kind == .user, !validation.scopes.contains("clips:edit") {
                logger.warning("the user token lacks clips:edit: Create Clip will fail", metadata: ["scopes": "\(validation.scopes)"])
            }
            results[kind] = validation
        }
        return results
    }

    private func countedValidation(_ token: String) async throws -> TokenValidation? {
        do {
            return try await validateOnce(token)
        } catch let error as TwitchError {
            metrics.error(endpoint: "oauth_validate", kind: error.kind)
            throw error
        }
    }

    /// nil when Twitch says 401 (invalid or expired token).
    private func validateOnce(_ token: String) async throws -> TokenValidation? {
        let request = HTTPRequest(method: .get, url: endpoints.oauthBaseURL + "/validate", headers: ["Authorization": "OAuth \(token)"])
        let response = try await sendWithServerRetries(request, endpoint: "oauth_validate")
        switch response.status {
        case 200: return try HelixDecoding.decode(TokenValidation.self, from: response.body, what: "OAuth validate")
        case 401: return nil
        default:
            throw TwitchError.unexpectedStatus(response.status, "validate: \(HelixDecoding.errorMessage(response.body))")
        }
    }

    /// Re-validates every `interval` (default: the configuration's hour) until the task is cancelled; failures are
    /// logged and counted once by `validate` (`twitch_api_errors_total{endpoint="oauth_validate"}`, or `oauth_token`
    /// when a token could not be minted), never fatal.
    public nonisolated func startPeriodicValidation(every interval: Duration? = nil) -> Task<Void, Never> {
        let interval = interval ?? configuration.validationInterval
        return Task { [logger] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                do {
                    try await self.validate()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("hourly token validation failed: \(error)")
                }
            }
        }
    }

    private func sendWithServerRetries(_ request: HTTPRequest, endpoint: String) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            do {
                let response = try await transport.send(request, endpoint: endpoint)
                guard (500...599).contains(response.status), attempt < configuration.serverErrorAttempts else { return response }
                metrics.retry(endpoint: endpoint, reason: "server")
            } catch let error as TwitchError {
                // Not counted here: the caller counts the failure once.
                guard attempt < configuration.serverErrorAttempts else { throw error }
                metrics.retry(endpoint: endpoint, reason: "transport")
            }
            try await Task.sleep(for: Backoff.delay(base: configuration.serverErrorBackoff, retry: attempt))
            attempt += 1
        }
    }
}

enum Backoff {
    /// `base * 2^(retry-1)` plus up to 25 % jitter, so many clients do not retry in step.
    static func delay(base: Duration, retry: Int) -> Duration {
        let scaled = base * (1 << min(max(retry - 1, 0), 10))
        return scaled + scaled * Double.random(in: 0...0.25)
    }
}

import Foundation
import Synchronization

/// An access token the fake has issued.
public struct OAuthIssuedToken: Sendable, Equatable {
    public enum Kind: String, Sendable { case app, user }
    public var kind: Kind
    public var clientID: String
    public var userID: String?
    public var login: String?
    public var scopes: [String]
    /// Wall-clock epoch seconds.
    public var expiresAt: Double
    public var revoked = false

    func isLive(now: Double) -> Bool { !revoked && now < expiresAt }
}

/// Why a token was refused; the message is what Twitch would say.
enum OAuthTokenProblem: Error, Equatable {
    case missing
    case invalid
    case clientMismatch

    var helixMessage: String {
        switch self {
        case .missing: "OAuth token is missing"
        case .invalid: "Invalid OAuth token"
        case .clientMismatch: "Client ID and OAuth token do not match"
        }
    }
}

/// The fake's OAuth state: the registered app, the bot user and its refresh token, and every token issued.
final class OAuthTokenStore: Sendable {
    private struct State {
        var tokens: [String: OAuthIssuedToken] = [:]
        /// refresh token → user id
        var refreshTokens: [String: String] = [:]
        var random: FakeHTTPRandom
    }

    let configuration: FakeTwitchConfiguration
    private let state: Mutex<State>

    init(configuration: FakeTwitchConfiguration, seed: UInt64) {
        self.configuration = configuration
        var initial = State(random: FakeHTTPRandom(seed: seed ^ 0x0A07))
        initial.refreshTokens[configuration.botRefreshToken] = configuration.botUserID
        state = Mutex(initial)
    }

    private static func now() -> Double { Date().timeIntervalSince1970 }

    /// Twitch-looking token: 30 lowercase letters and digits.
    private static func makeToken(_ random: inout FakeHTTPRandom) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<30).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    enum CredentialProblem: Error { case unknownClient, wrongSecret }

    func checkClient(id: String?, secret: String?) throws(CredentialProblem) {
        guard id == configuration.clientID else { throw .unknownClient }
        guard secret == configuration.clientSecret else { throw .wrongSecret }
    }

    func issueAppToken() -> (token: String, info: OAuthIssuedToken) {
        state.withLock { state in
            let token = Self.makeToken(&state.random)
            let info = OAuthIssuedToken(kind: .app, clientID: configuration.clientID, userID: nil, login: nil, scopes: [],
                                        expiresAt: Self.now() + configuration.appTokenLifetime)
            state.tokens[token] = info
            return (token, info)
        }
    }

    private func issueUserToken(_ state: inout State, userID: String) -> (token: String, refresh: String, info: OAuthIssuedToken) {
        let token = Self.makeToken(&state.random)
        let info = OAuthIssuedToken(kind: .user, clientID: configuration.clientID, userID: userID, login: configuration.botLogin,
                                    scopes: configuration.botScopes, expiresAt: Self.now() + configuration.userTokenLifetime)
        state.tokens[token] = info
        var refresh = state.refreshTokens.first { $0.value == userID }?.key ?? configuration.botRefreshToken
        if configuration.rotateRefreshTokens {
            state.refreshTokens[refresh] = nil
            refresh = Self.makeToken(&state.random) + Self.makeToken(&state.random)
            state.refreshTokens[refresh] = userID
        }
        return (token, refresh, info)
    }

    /// A new user access token for a known refresh token, or nil.
    func refresh(_ refreshToken: String) -> (token: String, refresh: String, info: OAuthIssuedToken)? {
        state.withLock { state in
            guard let userID = state.refreshTokens[refreshToken] else { return nil }
            return issueUserToken(&state, userID: userID)
        }
    }

    /// The authorization-code exchange for the bot user.
    func exchange(code: String) -> (token: String, refresh: String, info: OAuthIssuedToken)? {
        guard code == configuration.authorizationCode else { return nil }
        return state.withLock { issueUserToken(&$0, userID: configuration.botUserID) }
    }

    /// A live token's record, or nil when unknown, expired or revoked.
    func lookup(_ token: String) -> OAuthIssuedToken? {
        let now = Self.now()
        return state.withLock { $0.tokens[token].flatMap { $0.isLive(now: now) ? $0 : nil } }
    }

    /// Helix's check: a live token issued to `clientID`.
    func authorize(token: String?, clientID: String?) throws(OAuthTokenProblem) -> OAuthIssuedToken {
        guard let token, !token.isEmpty, let clientID, !clientID.isEmpty else { throw .missing }
        guard let info = lookup(token) else { throw .invalid }
        guard info.clientID == clientID else { throw .clientMismatch }
        return info
    }

    /// `POST /oauth2/revoke`: false when the token is unknown.
    func revoke(_ token: String) -> Bool {
        state.withLock { state in
            guard state.tokens[token] != nil else { return false }
            state.tokens[token]?.revoked = true
            return true
        }
    }

    /// Every issued token expires now (the "expire all tokens" fault).
    func expireAll() {
        let now = Self.now()
        state.withLock { state in
            for (key, info) in state.tokens where info.expiresAt > now { state.tokens[key]?.expiresAt = now }
        }
    }

    func seconds(untilExpiry info: OAuthIssuedToken) -> Int { max(0, Int(info.expiresAt - Self.now())) }

    var liveTokenCount: Int {
        let now = Self.now()
        return state.withLock { $0.tokens.values.filter { $0.isLive(now: now) }.count }
    }
}

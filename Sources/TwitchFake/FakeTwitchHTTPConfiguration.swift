/// Every default of the fake's HTTP side (OAuth + Helix). Tests shrink lifetimes, limits and delays to seconds.
public struct FakeTwitchConfiguration: Sendable, Equatable {
    /// Address to listen on; port 0 picks a free port (`FakeTwitchHTTPServer.boundPort()` tells which).
    public var host: String = "127.0.0.1"
    public var httpPort: Int = 0

    // The registered app.
    public var clientID: String = "fake-client-id-highlights-0001"
    public var clientSecret: String = "fake-client-secret"

    // The pre-registered bot user (authorization-code flow already done: its refresh token is known).
    public var botUserID: String = "90000001"
    public var botLogin: String = "highlightsbot"
    public var botRefreshToken: String = "fake-refresh-token"
    public var botScopes: [String] = ["clips:edit", "chat:read"]
    /// The code `/oauth2/token?grant_type=authorization_code` accepts.
    public var authorizationCode: String = "fake-auth-code"
    /// Twitch may hand out a new refresh token on refresh; off by default so a configured one keeps working.
    public var rotateRefreshTokens: Bool = false

    /// Seconds. Twitch's examples: ~58 days for app tokens, ~4 h for user tokens.
    public var appTokenLifetime: Double = 5_011_271
    public var userTokenLifetime: Double = 14_124

    /// Per-token Helix bucket: `rateLimit` points per `rateLimitWindow` seconds (Twitch: 800/min).
    public var rateLimit: Int = 800
    public var rateLimitWindow: Double = 60
    /// Clip-creation bucket per user (no public number exists; configurable).
    public var clipRateLimit: Int = 600
    public var clipRateLimitWindow: Double = 60
    /// `Ratelimit-Reset` of a forced 429, seconds from now.
    public var forcedRateLimitReset: Double = 1

    /// Seconds from Create Clip until Get Clips shows the clip, drawn per clip from this range (seeded).
    public var clipProcessingDelay: ClosedRange<Double> = 2...5
    /// Seconds after visibility until `vod_offset` stops being null.
    public var vodOffsetDelay: Double = 120

    /// Fault switches in force at start (tests may also set them in code or over `POST /_fake/faults`).
    public var faults: FakeHTTPFaults = FakeHTTPFaults()

    public init() {}
}

/// Every default of the Twitch HTTP clients (`TwitchAuth`, `HelixClient`) in one place.
public struct TwitchClientConfiguration: Sendable, Equatable {
    /// Bound on one HTTP exchange (connect, send, wait, receive).
    public var requestTimeout: Duration = .seconds(10)
    /// Tries for a 5xx or a transport failure (timeouts included), the first one counted.
    public var serverErrorAttempts: Int = 3
    /// Backoff before the n-th retry after a 5xx: `serverErrorBackoff * 2^(n-1)`, plus up to 25 % jitter.
    public var serverErrorBackoff: Duration = .milliseconds(500)
    /// Retries after a 429 (each waits until `Ratelimit-Reset`).
    public var rateLimitRetries: Int = 3
    /// Longest wait for a rate-limit bucket to refill; a later reset is waited for only this long.
    public var maxRateLimitWait: Duration = .seconds(60)
    /// Wait after a 429 that carries no usable `Ratelimit-Reset`.
    public var rateLimitFallbackWait: Duration = .seconds(1)
    /// Create Clip confirmation: how long to poll Get Clips (Twitch: "if not there after 15 s, assume it failed").
    public var clipConfirmWindow: Duration = .seconds(15)
    public var clipPollInterval: Duration = .seconds(1)
    /// Twitch requires validating tokens at start-up and hourly.
    public var validationInterval: Duration = .seconds(3600)
    /// Get Streams / Get Users take at most 100 ids or logins per request.
    public var helixPageSize: Int = 100
    /// Get Streams `first`: entries per page (1–100); further pages are fetched through the cursor.
    public var streamsPerPage: Int = 100
    /// Safety bound on cursor-following per chunk (a misbehaving server cannot loop us forever).
    public var maxPagesPerQuery: Int = 50

    public init() {}

    public static let `default` = TwitchClientConfiguration()
}

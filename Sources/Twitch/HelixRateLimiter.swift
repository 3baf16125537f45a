import Foundation
import HTTPConnector

/// What the last Helix response said about our rate-limit bucket, per token kind (Twitch keeps separate buckets
/// for app and user tokens). When `Ratelimit-Remaining` reaches 0 the next request waits for `Ratelimit-Reset`.
actor HelixRateLimiter {
    struct Bucket {
        var remaining: Int
        /// Unix epoch seconds.
        var resetAt: Double
    }

    private var buckets: [TwitchTokenKind: Bucket] = [:]
    private let maxWait: Duration

    init(maxWait: Duration) { self.maxWait = maxWait }

    func record(_ headers: HTTPHeaders, kind: TwitchTokenKind) {
        guard let remaining = headers["Ratelimit-Remaining"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
              let reset = Self.resetEpoch(headers) else { return }
        buckets[kind] = Bucket(remaining: remaining, resetAt: reset)
    }

    /// How long to hold the next request back: until the reset when the bucket is empty, else zero.
    func delayBeforeRequest(kind: TwitchTokenKind, now: Double = Date().timeIntervalSince1970) -> Duration {
        guard let bucket = buckets[kind], bucket.remaining <= 0 else { return .zero }
        // Every request that arrives while the bucket is empty waits for the same reset; the next response
        // replaces this picture.
        guard bucket.resetAt > now else { return .zero }
        return min(.seconds(bucket.resetAt - now), maxWait)
    }

    static func resetEpoch(_ headers: HTTPHeaders) -> Double? {
        headers["Ratelimit-Reset"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0.isFinite ? $0 : nil }
    }
}

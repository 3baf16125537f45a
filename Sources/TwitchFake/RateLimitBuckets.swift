import Foundation
import Synchronization

/// One fixed-window bucket: `limit` points per `window` seconds, full again at `resetAt`.
struct RateLimitBucket: Sendable {
    let limit: Int
    let window: Double
    var used = 0
    var windowStart: Double

    init(limit: Int, window: Double, now: Double) {
        self.limit = limit
        self.window = window
        self.windowStart = now
    }

    mutating func roll(now: Double) {
        if now >= windowStart + window {
            windowStart = now
            used = 0
        }
    }

    var remaining: Int { max(0, limit - used) }
    /// Whole epoch seconds, rounded up so a client that waits until then finds the bucket full.
    var resetEpoch: Int { Int((windowStart + window).rounded(.up)) }
}

/// What a bucket said about one request: allowed or not, and the header values to send.
struct RateLimitVerdict: Sendable {
    var allowed: Bool
    var limit: Int
    var remaining: Int
    var resetEpoch: Int
}

/// Per-key buckets (a Helix bucket per token, a clip-creation bucket per user). Keys never seen get a full bucket.
final class RateLimitBuckets: Sendable {
    private let buckets = Mutex<[String: RateLimitBucket]>([:])
    let limit: Int
    let window: Double

    init(limit: Int, window: Double) {
        self.limit = limit
        self.window = window
    }

    /// Takes one point if there is one.
    func consume(_ key: String, now: Double = Date().timeIntervalSince1970) -> RateLimitVerdict {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? RateLimitBucket(limit: limit, window: window, now: now)
            bucket.roll(now: now)
            let allowed = bucket.remaining > 0
            if allowed { bucket.used += 1 }
            buckets[key] = bucket
            return RateLimitVerdict(allowed: allowed, limit: limit, remaining: bucket.remaining, resetEpoch: bucket.resetEpoch)
        }
    }

    /// The headers' values without taking a point (for answers refused before the bucket, e.g. a 401).
    func peek(_ key: String, now: Double = Date().timeIntervalSince1970) -> RateLimitVerdict {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? RateLimitBucket(limit: limit, window: window, now: now)
            bucket.roll(now: now)
            return RateLimitVerdict(allowed: bucket.remaining > 0, limit: limit, remaining: bucket.remaining,
                                    resetEpoch: bucket.resetEpoch)
        }
    }
}

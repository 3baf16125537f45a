/// A sliding-window limit on JOINs: at most `limit` channels joined in any `window`.
struct IRCJoinRateLimiter {
    let limit: Int
    let window: Duration
    private var recent: [ContinuousClock.Instant] = []

    init(limit: Int, window: Duration) {
        self.limit = max(1, limit)
        self.window = window
    }

    /// Grants up to `wanted` joins now and records them.
    mutating func acquire(_ wanted: Int, now: ContinuousClock.Instant = .now) -> Int {
        recent.removeAll { now - $0 >= window }
        let granted = min(wanted, limit - recent.count)
        guard granted > 0 else { return 0 }
        recent.append(contentsOf: repeatElement(now, count: granted))
        return granted
    }

    /// How long until another join is allowed.
    func delayUntilNext(now: ContinuousClock.Instant = .now) -> Duration {
        let live = recent.filter { now - $0 < window }
        guard live.count >= limit, let oldest = live.min() else { return .zero }
        return window - (now - oldest)
    }
}

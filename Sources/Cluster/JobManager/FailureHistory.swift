/// A job's failures as its restart strategy counts them: how many so far and when the last was (fixed-delay,
/// exponential-delay), and the failure times within the failure-rate interval (a sliding window). Times are epoch
/// milliseconds passed in, so a test drives it with its own clock.
struct FailureHistory: Sendable, Equatable {
    private(set) var count = 0
    private(set) var lastFailureAt: Int64 = 0
    /// Failure times not older than the failure-rate interval, oldest first.
    private(set) var recent: [Int64] = []

    /// Records a failure at `now` and returns the pause before the next attempt, or nil when the strategy gives up.
    mutating func restartDelay(afterFailureAt now: Int64, strategy: RestartStrategy) -> Duration? {
        if case let .failureRate(_, interval, _) = strategy {
            // Flink's FailureRateRestartBackoffTimeStrategy: a failure older than the interval no longer counts.
            let millis = interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000
            recent.append(now)
            recent.removeAll { now - $0 > millis }
        }
        let delay = JobManager.restartDelay(strategy, failures: count, sinceLastFailure: now - lastFailureAt, failuresWithinInterval: recent.count)
        count += 1
        lastFailureAt = now
        return delay
    }
}

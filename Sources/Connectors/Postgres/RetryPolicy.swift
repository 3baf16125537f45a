import Foundation

/// Exponential backoff under a deadline, for errors worth retrying (the database away, a deadlock).
struct RetryPolicy {
    var initialBackoff: Duration
    var maxBackoff: Duration
    var maxDuration: Duration

    /// Retries ran out: the last error, after how many attempts over how long.
    struct Exhausted: Error {
        let lastError: PostgresError
        let attempts: Int
        let elapsed: Duration
    }

    /// Runs `operation` until it succeeds, it throws an error that is not retryable (rethrown as is), or the next
    /// wait would pass `maxDuration` (throws `Exhausted`). Blocks the calling thread while it waits: for a sink that
    /// is the backpressure. The last attempt is made at the deadline. `onRetry` hears of each failure before the wait; `onRecovery` of a success after one.
    func run<T>(onRetry: (_ error: PostgresError, _ attempt: Int, _ wait: Duration) -> Void = { _, _, _ in },
                onRecovery: (_ attempts: Int, _ elapsed: Duration) -> Void = { _, _ in },
                _ operation: () throws -> T) throws -> T {
        let clock = ContinuousClock()
        let start = clock.now
        var wait = initialBackoff
        var attempt = 1
        while true {
            do {
                let value = try operation()
                if attempt > 1 { onRecovery(attempt, clock.now - start) }
                return value
            } catch let error as PostgresError where error.isRetryable {
                let elapsed = clock.now - start
                let remaining = maxDuration - elapsed
                guard remaining > .zero else { throw Exhausted(lastError: error, attempts: attempt, elapsed: elapsed) }
                // The last wait is cut short so that the final attempt happens at the deadline, not after it.
                let pause = min(wait, remaining)
                onRetry(error, attempt, pause)
                Thread.sleep(forTimeInterval: pause.seconds)
                wait = min(wait * 2, maxBackoff)
                attempt += 1
            }
        }
    }
}

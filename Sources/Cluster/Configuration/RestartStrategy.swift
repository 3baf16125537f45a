/// Flink's restart strategies (`restart-strategy.*`). Parsed and validated when the cluster starts so that a typo
/// fails early; the JobManager applies them once task failures can be recovered (multi-process slice).
public enum RestartStrategy: Sendable, Equatable, CustomStringConvertible {
    case none
    case fixedDelay(attempts: Int, delay: Duration)
    case exponentialDelay(initialBackoff: Duration, maxBackoff: Duration, multiplier: Double, resetThreshold: Duration,
                          jitter: Double, attemptsBeforeReset: Int)
    case failureRate(maxFailuresPerInterval: Int, interval: Duration, delay: Duration)

    /// Flink accepts several spellings of each type.
    static func parseType(_ text: String) throws(ClusterConfigurationError) -> String {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "none", "off", "disable": return "none"
        case "fixed-delay", "fixeddelay": return "fixed-delay"
        case "exponential-delay", "exponentialdelay": return "exponential-delay"
        case "failure-rate", "failurerate": return "failure-rate"
        default:
            throw ClusterConfigurationError("restart-strategy.type must be none, fixed-delay, exponential-delay or failure-rate, not '\(text)'")
        }
    }

    init(_ c: ClusterConfiguration) {
        switch c[ClusterOptions.restartStrategyType] {
        case "fixed-delay":
            self = .fixedDelay(attempts: c[ClusterOptions.fixedDelayAttempts], delay: c[ClusterOptions.fixedDelayDelay])
        case "exponential-delay":
            self = .exponentialDelay(initialBackoff: c[ClusterOptions.exponentialInitialBackoff], maxBackoff: c[ClusterOptions.exponentialMaxBackoff],
                                     multiplier: c[ClusterOptions.exponentialMultiplier], resetThreshold: c[ClusterOptions.exponentialResetThreshold],
                                     jitter: c[ClusterOptions.exponentialJitter], attemptsBeforeReset: c[ClusterOptions.exponentialAttempts])
        case "failure-rate":
            self = .failureRate(maxFailuresPerInterval: c[ClusterOptions.failureRateMaxFailures], interval: c[ClusterOptions.failureRateInterval],
                                delay: c[ClusterOptions.failureRateDelay])
        default:
            self = .none
        }
    }

    public var description: String {
        switch self {
        case .none:
            return "No restart"
        case let .fixedDelay(attempts, delay):
            return "Restart with fixed delay (\(FlinkDuration.render(delay))). #\(attempts) restart attempts."
        case let .exponentialDelay(initial, max, multiplier, _, jitter, _):
            return "Restart with exponential delay: initial backoff \(FlinkDuration.render(initial)), max backoff "
                + "\(FlinkDuration.render(max)), multiplier \(multiplier), jitter \(jitter)."
        case let .failureRate(failures, interval, delay):
            return "Failure rate restart with maximum of \(failures) failures within interval \(FlinkDuration.render(interval)) "
                + "and fixed delay \(FlinkDuration.render(delay))."
        }
    }
}

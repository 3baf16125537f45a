@testable import Cluster
import Foundation
import Testing

@Suite("Restart strategies: Flink's fixed-delay and exponential-delay pauses")
struct MultiProcessRestartTests {
    @Test("fixed-delay: the configured pause for each allowed attempt, then the job fails")
    func fixedDelay() {
        let strategy = RestartStrategy.fixedDelay(attempts: 2, delay: .milliseconds(700))
        #expect(JobManager.restartDelay(strategy, failures: 0, sinceLastFailure: 0) == .milliseconds(700))
        #expect(JobManager.restartDelay(strategy, failures: 1, sinceLastFailure: 0) == .milliseconds(700))
        #expect(JobManager.restartDelay(strategy, failures: 2, sinceLastFailure: 0) == nil)
        #expect(JobManager.restartDelay(.none, failures: 0, sinceLastFailure: 0) == nil)
    }

    @Test("exponential-delay: grows by the multiplier up to max-backoff, resets after a quiet spell, stops after its attempts")
    func exponentialDelay() {
        let strategy = RestartStrategy.exponentialDelay(initialBackoff: .seconds(1), maxBackoff: .seconds(10), multiplier: 2,
                                                        resetThreshold: .seconds(60), jitter: 0, attemptsBeforeReset: 6)
        let pauses = (0..<6).map { JobManager.restartDelay(strategy, failures: $0, sinceLastFailure: 1000) }
        #expect(pauses == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        #expect(JobManager.restartDelay(strategy, failures: 6, sinceLastFailure: 1000) == nil)
        #expect(JobManager.restartDelay(strategy, failures: 3, sinceLastFailure: 61_000) == .seconds(1), "a quiet minute resets the backoff")
        let jittered = RestartStrategy.exponentialDelay(initialBackoff: .seconds(4), maxBackoff: .seconds(10), multiplier: 2,
                                                        resetThreshold: .seconds(60), jitter: 0.1, attemptsBeforeReset: 6)
        for _ in 0..<20 {
            let d = JobManager.restartDelay(jittered, failures: 0, sinceLastFailure: 0)!
            #expect(d >= .milliseconds(3600) && d <= .milliseconds(4400))
        }
    }

    @Test("Flink's keys configure the strategy; the data port, heartbeat and slot request keys parse with Flink's defaults")
    func keys() throws {
        let c = try ClusterConfiguration(settings: ["restart-strategy.type": "exponential-delay",
                                                    "restart-strategy.exponential-delay.initial-backoff": "2 s",
                                                    "restart-strategy.exponential-delay.max-backoff": "1 min",
                                                    "restart-strategy.exponential-delay.backoff-multiplier": "3",
                                                    "restart-strategy.exponential-delay.attempts-before-reset-backoff": "4",
                                                    "heartbeat.timeout": "500ms"])
        guard case let .exponentialDelay(initial, maxBackoff, multiplier, _, _, attempts) = c.restartStrategy else {
            Issue.record("not exponential: \(c.restartStrategy)")
            return
        }
        #expect(initial == .seconds(2) && maxBackoff == .seconds(60) && multiplier == 3 && attempts == 4)
        #expect(c[ClusterOptions.heartbeatTimeout] == .milliseconds(500))
        #expect(ClusterConfiguration()[ClusterOptions.heartbeatInterval] == .seconds(10))
        #expect(ClusterConfiguration()[ClusterOptions.heartbeatTimeout] == .seconds(50))
        #expect(ClusterConfiguration()[ClusterOptions.dataPort] == 0)
        #expect(throws: ClusterConfigurationError.self) { try ClusterConfiguration(settings: ["taskmanager.data.port": "70000"]) }
    }
}

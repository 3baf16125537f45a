@testable import Cluster
import Dataflow
import Foundation
import Testing

/// Flink's failure-rate restart strategy: at most `max-failures-per-interval` failures within the sliding
/// `failure-rate-interval`, `delay` before each restart, FAILED once the rate is exceeded.
@Suite("Restart strategies: failure-rate over a sliding window")
struct FailureRateRestartTests {
    @Test("a manual clock: failures inside the interval count, older ones slide out; the one over the limit fails the job")
    func slidingWindow() {
        let strategy = RestartStrategy.failureRate(maxFailuresPerInterval: 2, interval: .seconds(10), delay: .milliseconds(300))
        var history = FailureHistory()
        var clock: Int64 = 1_000_000
        #expect(history.restartDelay(afterFailureAt: clock, strategy: strategy) == .milliseconds(300))
        clock += 4_000
        #expect(history.restartDelay(afterFailureAt: clock, strategy: strategy) == .milliseconds(300), "2 in 10 s: still allowed")
        // 10.001 s after the first, 6.001 s after the second: the first has slid out, so two are in the window.
        clock += 6_001
        #expect(history.restartDelay(afterFailureAt: clock, strategy: strategy) == .milliseconds(300))
        #expect(history.recent.count == 2)
        // A third within 10 s of the previous two: the rate is exceeded.
        clock += 1_000
        #expect(history.restartDelay(afterFailureAt: clock, strategy: strategy) == nil)
        #expect(history.count == 4)
    }

    @Test("failures spaced wider than the interval restart forever (Flink's testManyFailuresWithinRate); the boundary is exclusive")
    func spacedFailures() {
        let strategy = RestartStrategy.failureRate(maxFailuresPerInterval: 1, interval: .milliseconds(1), delay: .zero)
        var history = FailureHistory()
        for i in 0..<20 {
            #expect(history.restartDelay(afterFailureAt: Int64(i) * 2, strategy: strategy) == .zero, "failure \(i)")
        }
        // Exactly one interval after the last one still counts (Flink restarts only when now - earliest > interval).
        #expect(history.restartDelay(afterFailureAt: 38 + 1, strategy: strategy) == nil)
    }

    @Test("max 3 within the interval: three failures restart, the fourth fails (Flink's testFailuresExceedingRate)")
    func exceedingRate() {
        let strategy = RestartStrategy.failureRate(maxFailuresPerInterval: 3, interval: .seconds(10), delay: .seconds(1))
        var history = FailureHistory()
        for _ in 0..<3 { #expect(history.restartDelay(afterFailureAt: 5_000, strategy: strategy) == .seconds(1)) }
        #expect(history.restartDelay(afterFailureAt: 5_000, strategy: strategy) == nil)
    }

    @Test("a job over the rate: RESTARTING with the delay between attempts, then FAILED with every failure in /exceptions")
    func jobFailsOnceRateExceeded() async throws {
        let settings = ["restart-strategy.type": "failure-rate", "restart-strategy.failure-rate.max-failures-per-interval": "2",
                        "restart-strategy.failure-rate.failure-rate-interval": "1 min", "restart-strategy.failure-rate.delay": "400 ms"]
        try await TestCluster.with(settings: settings) { c in
            let id = try await c.submit("failing")
            #expect(try await c.waitForState(id, [.failed], timeout: .seconds(30)) == .failed)
            let history = try await c.client.call(JobExceptionsHeaders.self, JobExceptionsQuery(jobID: id)).exceptionHistory
            let entries = history.entries.sorted { $0.timestamp < $1.timestamp }
            #expect(entries.count == 3, "two restarts, the third failure fails the job: \(entries.map(\.stacktrace))")
            #expect(entries.allSatisfy { $0.stacktrace.contains("boom at record 100") })
            for (a, b) in zip(entries, entries.dropFirst()) {
                #expect(b.timestamp - a.timestamp >= 400, "the delay passes between attempts")
            }
            let result = try await ClusterClient(rest: c.client).waitForResult(id)
            #expect(result.applicationStatus == "FAILED")
            #expect(result.failureCause?.stackTrace.contains("boom at record 100") == true)
        }
    }

    @Test("a job whose failures are further apart than the interval keeps restarting (the old count-only rule failed it)")
    func jobKeepsRestartingBelowRate() async throws {
        let settings = ["restart-strategy.type": "failure-rate", "restart-strategy.failure-rate.max-failures-per-interval": "1",
                        "restart-strategy.failure-rate.failure-rate-interval": "200 ms", "restart-strategy.failure-rate.delay": "400 ms"]
        try await TestCluster.with(settings: settings) { c in
            let id = try await c.submit("failing")
            try await c.waitUntil(timeout: .seconds(30), "three failures recorded") {
                let history = try await c.client.call(JobExceptionsHeaders.self, JobExceptionsQuery(jobID: id)).exceptionHistory
                return history.entries.count >= 3
            }
            let state = try await c.client.call(JobStatusInfoHeaders.self, JobPath(jobID: id)).status
            #expect(state != .failed, "each failure is alone in its 200 ms window")
            try await ClusterClient(rest: c.client).cancel(id)
            #expect(try await c.waitForState(id, [.canceled, .failed]) == .canceled)
        }
    }
}

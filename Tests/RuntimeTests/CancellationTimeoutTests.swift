import Dataflow
import Foundation
@testable import Runtime
import Synchronization
import Testing

/// `task.cancellation.timeout`: a subtask whose code ignores the cancel (blocked in a wait nothing can
/// interrupt) is given up on, the job still reaches CANCELED, and the executor goes on running other jobs.
@Suite struct CancellationTimeoutTests {
    /// Blocks in the Map until released: the "user code" that ignores the cancel. Once released every call
    /// returns at once, so the abandoned thread can reach its loop's cancel check and end.
    final class Stuck: @unchecked Sendable {
        let entered = DispatchSemaphore(value: 0)
        private let gate = DispatchSemaphore(value: 0)
        private let released = Mutex(false)
        func block(_ i: Int) -> Int {
            if !released.withLock({ $0 }) { entered.signal(); gate.wait(); gate.signal() }
            return i
        }
        func release() { released.withLock { $0 = true }; gate.signal() }
    }

    @Test("a subtask that ignores cancel is given up on after task.cancellation.timeout; the job reaches CANCELED")
    func givesUp() async throws {
        var configuration = DataflowConfiguration()
        try configuration.apply(["task.cancellation.timeout": "300", "task.cancellation.interval": "100"])
        #expect(configuration.taskCancellationTimeoutMillis == 300)
        let executor = LocalExecutor(configuration: configuration)
        let stuck = Stuck()
        let job = try Job("ignores-cancel") {
            Source("gen", GeneratorSource(count: nil) { $0 })
            Map("stuck") { (i: Int) in stuck.block(i) }
            Sink("out", CountingSink<Int>())
        }
        let execution = try executor.submit(job, parallelism: 1)
        let warnings = Mutex<[String]>([])
        execution.cancellationWarnings = { line in warnings.withLock { $0.append(line) } }
        stuck.entered.wait()
        let start = ContinuousClock.now
        execution.cancel()
        // Before the fix the job stays CANCELLING until the Map returns; wait well past the timeout.
        while !execution.status.isTerminal && ContinuousClock.now - start < .seconds(10) { try await Task.sleep(for: .milliseconds(10)) }
        let elapsed = ContinuousClock.now - start
        let status = execution.status
        stuck.release()   // lets the abandoned thread end (it must not count twice)
        #expect(status == .canceled, "after \(elapsed)")
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(3), "CANCELED after \(elapsed)")
        #expect(execution.subtaskStatuses().allSatisfy { $0.state == .canceled })
        let lines = warnings.withLock { $0 }
        #expect(lines.contains { $0.contains("still running") })
        #expect(lines.contains { $0.contains("task.cancellation.timeout (300 ms)") && $0.contains("given up on") })
        #expect(await execution.completion().status == .canceled)

        // The same executor (its slots) runs the next job.
        let sink = CollectingSink<Int>()
        let next = try Job("next") {
            Source("nums", CollectionSource([1, 2, 3]))
            Sink("out", sink)
        }
        #expect(try await executor.run(next, parallelism: 1).status == .finished)
        #expect(sink.values.sorted() == [1, 2, 3])
    }

    @Test("the keys are validated: milliseconds, 0 or more")
    func keys() throws {
        var c = DataflowConfiguration()
        #expect(c.taskCancellationTimeoutMillis == 180_000 && c.taskCancellationIntervalMillis == 30_000)
        try c.apply(["task.cancellation.timeout": "0"])
        #expect(c.taskCancellationTimeoutMillis == 0)
        #expect(throws: ConfigurationError.self) { try c.apply(["task.cancellation.interval": "soon"]) }
    }
}

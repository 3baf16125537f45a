import Cluster
import Dataflow
import FileConnector
import Foundation
import Jobs
import Synchronization
import Testing

/// Stage code that ignores cancel: it blocks until the test releases it (then every call passes, so the
/// abandoned thread can end).
enum IgnoresCancel {
    static let entered = DispatchSemaphore(value: 0)
    private static let gate = DispatchSemaphore(value: 0)
    private static let released = Mutex(false)
    static func block(_ i: Int) -> Int {
        if !released.withLock({ $0 }) { entered.signal(); gate.wait(); gate.signal() }
        return i
    }
    static func release() { released.withLock { $0 = true }; gate.signal() }
}

extension TestJobs {
    /// `quiet-pipe`: JSON lines from the named pipe `input`; `ignores-cancel`: a Map that blocks in a wait nothing
    /// can interrupt.
    static func cancellationJob(_ submission: JobSubmission) throws -> ResolvedJob {
        let job: Job
        if submission.job == "quiet-pipe" {
            let input = submission.parameters["input"] ?? "/nonexistent"
            job = try Job("quiet-pipe") {
                Source("pipe", JSONLinesSource<ChatMessage>(path: input))
                Sink("out", DiscardingSink<ChatMessage>())
            }
        } else {
            job = try Job("ignores-cancel") {
                Source("gen", GeneratorSource(count: nil) { $0 })
                Map("stuck") { (i: Int) -> Int in IgnoresCancel.block(i) }
                Sink("out", DiscardingSink<Int>())
            }
        }
        return ResolvedJob(job: job, parallelism: 1, parameters: submission.parameters)
    }
}

@Suite("Cancel ends every task within a second, or gives up on it after task.cancellation.timeout")
struct CancelStuckTasksTests {
    /// Seconds from now until the job is CANCELED (at most `limit`, so a hang fails instead of blocking).
    func secondsUntilCanceled(_ c: TestCluster, _ id: JobID, limit: Duration = .seconds(15)) async throws -> Double {
        let start = ContinuousClock.now
        _ = try? await c.waitForState(id, [.canceled, .failed, .finished], timeout: limit)
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test("dataflow cancel on a job reading a quiet named pipe: CANCELED within 2 s")
    func cancelQuietPipe() async throws {
        let path = try temporaryDirectory() + "/chat.jsonl"
        #expect(try await runProgram("/usr/bin/mkfifo", [path]).status == 0)
        // O_RDWR: a writer that does not wait for a reader, and stays open and quiet.
        let writer = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? writer.close() }
        try await TestCluster.with { c in
            let address = c.restURL.replacingOccurrences(of: "http://", with: "")
            let id = try await c.submit("quiet-pipe", parameters: ["input": path])
            _ = try await c.waitForState(id, [.running])
            try await c.waitUntil("the source reads the pipe") {
                try await c.client.call(JobDetailsHeaders.self, JobPath(jobID: id)).vertices.allSatisfy { $0.status == .running }
            }
            let cancel = try await dataflow(["cancel", "-m", address, id.description])
            #expect(cancel.status == 0, "\(cancel.err)")
            let seconds = try await secondsUntilCanceled(c, id)
            try? writer.close()
            #expect(seconds < 2, "CANCELED \(seconds) s after dataflow cancel returned")
            #expect(try await c.waitForState(id, [.canceled, .failed, .finished]) == .canceled)
        }
    }

    @Test("a task that ignores cancel is given up on after task.cancellation.timeout; the TaskManager runs the next job")
    func cancellationTimeout() async throws {
        // One slot: the next job needs the slot the stuck task held.
        try await TestCluster.with(slots: 1, settings: ["task.cancellation.timeout": "500 ms", "task.cancellation.interval": "200 ms"]) { c in
            // Released however the test ends, so that the cluster can stop.
            defer { IgnoresCancel.release() }
            let id = try await c.submit("ignores-cancel")
            _ = try await c.waitForState(id, [.running])
            try await c.waitUntil("the Map is stuck") { IgnoresCancel.entered.wait(timeout: .now()) == .success }
            _ = try await c.raw("/jobs/\(id)?mode=cancel", method: .patch)
            let seconds = try await secondsUntilCanceled(c, id)
            let state = try await c.client.call(JobStatusInfoHeaders.self, JobPath(jobID: id)).status
            #expect(state == .canceled)
            #expect(seconds >= 0.4 && seconds < 5, "CANCELED \(seconds) s after the cancel (timeout 500 ms)")

            let next = try await c.submit("endless", parallelism: 1)
            #expect(try await c.waitForState(next, [.running, .failed]) == .running)
            _ = try await c.raw("/jobs/\(next)?mode=cancel", method: .patch)
            #expect(try await c.waitForState(next, [.canceled]) == .canceled)
        }
    }
}

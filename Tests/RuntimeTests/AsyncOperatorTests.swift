import Dataflow
import Foundation
import Synchronization
import Testing
@testable import Runtime

/// Sleeps `delayMs` (from the input), then answers; fails the first `failFirst` attempts per input.
final class Scripted: AsyncFunction, @unchecked Sendable {
    struct In: Sendable { var id: Int; var delayMs: Int = 0; var failFirst: Int = 0 }
    let lock = NSLock()
    var attempts: [Int: Int] = [:]
    var running = 0
    var maxRunning = 0

    func invoke(_ input: In) async throws -> String {
        let attempt: Int = lock.withLock {
            attempts[input.id, default: 0] += 1
            running += 1
            maxRunning = max(maxRunning, running)
            return attempts[input.id]!
        }
        defer { lock.withLock { running -= 1 } }
        try await Task.sleep(for: .milliseconds(input.delayMs))
        if attempt <= input.failFirst { throw Boom() }
        return "r\(input.id)"
    }
}

@Suite("Async I/O: ordering, capacity, timeouts, retries")
struct AsyncOperatorTests {
    typealias H = OperatorHarness<Scripted.In, AsyncResult<Scripted.In, String>>

    func harness(_ f: Scripted, ordering: AsyncOrdering = .ordered, capacity: Int = 100, timeout: Duration = .seconds(5),
                 retry: AsyncRetryPolicy = .none) throws -> H {
        try OperatorHarness(AsyncMap("call", f, ordering: ordering, capacity: capacity, timeout: timeout, retry: retry))
    }

    @Test("ordered: results leave in input order whatever order the calls finish in")
    func ordered() async throws { try await onThread {
        let h = try harness(Scripted())
        for (i, d) in [80, 10, 50, 0, 30].enumerated() { try h.process(.init(id: i, delayMs: d), timestamp: Int64(i)) }
        #expect(try h.runMailbox { h.records.count == 5 })
        #expect(h.records.map { $0.value } == ["r0", "r1", "r2", "r3", "r4"])
        #expect(h.output.timestamped.map(\.timestamp) == [0, 1, 2, 3, 4])
    } }

    @Test("unordered: results leave as they complete, but never across a watermark")
    func unorderedRespectsWatermarks() async throws { try await onThread {
        let h = try harness(Scripted(), ordering: .unordered)
        try h.process(.init(id: 1, delayMs: 150), timestamp: 1)
        try h.process(.init(id: 2, delayMs: 0), timestamp: 2)
        try h.watermark(10)
        try h.process(.init(id: 3, delayMs: 0), timestamp: 11)
        #expect(try h.runMailbox { h.records.count == 3 })
        let sequence = h.output.elements.map { e -> String in
            switch e {
            case .record(let r, _): return r.value ?? "?"
            case .watermark(let w): return "W\(w)"
            default: return "-"
            }
        }
        #expect(sequence == ["r2", "r1", "W10", "r3"])
    } }

    @Test("at most `capacity` calls run at once; the operator holds its input back at capacity")
    func capacity() async throws { try await onThread {
        let f = Scripted()
        let h = try harness(f, capacity: 3)
        for i in 0..<12 { try h.process(.init(id: i, delayMs: 20), timestamp: 0) }
        #expect(try h.runMailbox { h.records.count == 12 })
        #expect(f.maxRunning <= 3)
        #expect(f.maxRunning >= 2)
    } }

    @Test("an attempt that outlives the timeout fails as timed out, promptly")
    func timeout() async throws { try await onThread {
        let h = try harness(Scripted(), timeout: .milliseconds(50))
        let start = Date()
        try h.process(.init(id: 1, delayMs: 5000), timestamp: 0)
        #expect(try h.runMailbox { h.records.count == 1 })
        // The call would take 5 s; its result arrives well before (the margin allows for a loaded machine whose
        // cooperative pool is busy with other tests).
        #expect(Date().timeIntervalSince(start) < 4.5)
        #expect(Date().timeIntervalSince(start) >= 0.05)
        let r = try #require(h.records.first)
        #expect(r.failure?.timedOut == true)
        #expect(r.attempts == 1)
        #expect(h.metric("numAsyncTimeouts") == 1)
    } }

    @Test("retries at the policy's offsets until an attempt succeeds")
    func retries() async throws { try await onThread {
        let f = Scripted()
        let h = try harness(f, retry: .attempts(at: [.zero, .milliseconds(100), .milliseconds(200)], within: .seconds(2)))
        try h.process(.init(id: 7, failFirst: 2), timestamp: 0)
        #expect(try h.runMailbox { h.records.count == 1 })
        let r = try #require(h.records.first)
        #expect(r.value == "r7")
        #expect(r.attempts == 3)
        #expect(r.latencyMillis >= 200)
        #expect(h.metric("numAsyncRetries") == 2)
    } }

    @Test("no attempt starts after the budget; the failure is an output, not a crash")
    func budget() async throws { try await onThread {
        let f = Scripted()
        // The third attempt would start at 3 s, past the 2 s budget: it never starts.
        let h = try harness(f, retry: .attempts(at: [.zero, .milliseconds(100), .seconds(3)], within: .seconds(2)))
        try h.process(.init(id: 9, failFirst: 10), timestamp: 0)
        #expect(try h.runMailbox { h.records.count == 1 })
        let r = try #require(h.records.first)
        #expect(r.attempts == 2)
        #expect(r.failure?.message.contains("boom") == true)
        #expect(f.attempts[9] == 2)
    } }

    @Test("an error the policy marks non-retryable ends the call after one attempt")
    func nonRetryable() async throws { try await onThread {
        let f = Scripted()
        let h = try harness(f, retry: .attempts(at: [.zero, .milliseconds(50), .milliseconds(100)], within: .seconds(2),
                                                retryIf: { !($0 is Boom) }))
        try h.process(.init(id: 5, failFirst: 10), timestamp: 0)
        #expect(try h.runMailbox { h.records.count == 1 })
        let r = try #require(h.records.first)
        #expect(r.attempts == 1)
        #expect(r.failure?.message.contains("boom") == true)
        #expect(f.attempts[5] == 1)
        #expect(h.metric("numAsyncRetries") == 0)
    } }

    @Test("end of input waits for the calls in flight")
    func endOfInputWaits() async throws { try await onThread {
        let h = try harness(Scripted())
        for i in 0..<4 { try h.process(.init(id: i, delayMs: 30 * i), timestamp: 0) }
        try h.endInput()
        #expect(h.records.count == 4)
        #expect(h.output.elements.last.map { if case .end = $0 { true } else { false } } == true)
    } }

    @Test("in a job, every record gets exactly one result")
    func inAJob() async throws {
        let sink = CollectingSink<AsyncResult<Scripted.In, String>>()
        let job = try Job("async") {
            Source("ids", GeneratorSource(count: 500) { Scripted.In(id: $0, delayMs: $0 % 7, failFirst: $0 % 5 == 0 ? 1 : 0) })
            AsyncMap("call", Scripted(), ordering: .unordered, capacity: 16, timeout: .seconds(2),
                     retry: .fixedDelay(.milliseconds(5), maxAttempts: 2))
            Sink("out", sink)
        }
        let result = try await LocalExecutor().run(job, parallelism: 2)
        #expect(result.status == .finished)
        let ids = sink.values.map(\.input.id)
        #expect(ids.count == 500)
        #expect(Set(ids).count == 500)
        #expect(sink.values.allSatisfy { $0.value == "r\($0.input.id)" })
        #expect(result.metric("call", "numAsyncRetries") == 100)
    }
}

/// Runs blocking harness code on its own thread: the async calls under test need the cooperative thread pool
/// (two threads on this machine), which a blocked test would otherwise starve.
func onThread<T>(_ body: @escaping () throws -> T) async throws -> T {
    let work = Unchecked(body)
    return try await withCheckedThrowingContinuation { (c: CheckedContinuation<Unchecked<T>, Error>) in
        let t = Thread {
            do { c.resume(returning: Unchecked(try work.value())) } catch { c.resume(throwing: error) }
        }
        t.start()
    }.value
}

import Dataflow
import Foundation
import Synchronization

/// Flink's `AsyncWaitOperator`: each record starts a call (a Swift task, off the subtask's thread); completions
/// come back through the mailbox and leave in order (ordered) or as they complete between watermarks
/// (unordered). At most `capacity` calls are in flight: at capacity the operator runs mail until one completes,
/// which holds back its input — backpressure. Every record produces exactly one result, success or failure.
final class AsyncOperator<F: AsyncFunction>: StreamOperator {
    typealias Input = F.Input
    typealias Result = AsyncResult<F.Input, F.Output>
    let output: Output<Result>

    private struct Entry {
        let id: Int
        let watermark: Timestamp?      // a watermark barrier, or a record
        let timestamp: Timestamp
        var result: Result?
    }

    private let spec: AsyncSpec<F>
    private var mailbox = Mailbox()
    private var isCancelled: @Sendable () -> Bool = { false }
    private var queue: [Entry] = []
    private var nextID = 0
    private var inFlight = 0
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var retries = Counter(), timeouts = Counter(), failures = Counter()
    private var inFlightGauge = Gauge()
    private var metrics = MetricGroup()
    /// Every call's latency, retries included (ms).
    private var latency = Histogram()

    init(_ spec: AsyncSpec<F>, output: Output<Result>) {
        self.spec = spec
        self.output = output
    }

    func open(_ context: OperatorContext) throws {
        mailbox = context.mailbox
        isCancelled = context.isCancelled
        retries = context.metrics.counter("numAsyncRetries")
        timeouts = context.metrics.counter("numAsyncTimeouts")
        failures = context.metrics.counter("numAsyncFailures")
        inFlightGauge = context.metrics.gauge("asyncInFlight")
        metrics = context.metrics
        latency = context.metrics.histogram("asyncCallLatencyMs")
    }

    func process(_ value: F.Input, timestamp: Timestamp) throws {
        while inFlight >= spec.capacity { try waitForCompletion() }
        let id = nextID
        nextID += 1
        queue.append(Entry(id: id, watermark: nil, timestamp: timestamp, result: nil))
        inFlight += 1
        inFlightGauge.set(Int64(inFlight))
        let call = Unchecked((spec.function, value, spec.retry, spec.timeoutMillis))
        let mailbox = self.mailbox
        let me = Unchecked(self)
        let metrics = self.metrics
        tasks[id] = Task {
            let (f, input, retry, timeout) = call.value
            // The function can reach its operator's metrics (histograms) through `OperatorMetrics.current`.
            let done = await OperatorMetrics.$current.withValue(metrics) {
                await AsyncCall.run(f, input, retry: retry, timeoutMillis: timeout)
            }
            mailbox.post { try me.value.complete(id, done) }
        }
    }

    private func complete(_ id: Int, _ done: AsyncCall<F>.Done) throws {
        tasks[id] = nil
        guard let i = queue.firstIndex(where: { $0.id == id }) else { return }
        inFlight -= 1
        inFlightGauge.set(Int64(inFlight))
        if done.attempts > 1 { retries.add(done.attempts - 1) }
        if done.timedOut { timeouts.increment() }
        if case .failure = done.outcome { failures.increment() }
        latency.update(done.latencyMillis)
        queue[i].result = AsyncResult(input: done.input, outcome: done.outcome, attempts: done.attempts, latencyMillis: done.latencyMillis)
        try drain()
    }

    /// Emits what may leave now.
    private func drain() throws {
        switch spec.ordering {
        case .ordered:
            while let first = queue.first, first.watermark != nil || first.result != nil {
                queue.removeFirst()
                try emit(first)
            }
        case .unordered:
            var i = 0
            while i < queue.count {
                if queue[i].watermark != nil {
                    guard i == 0 else { break }          // records after a pending barrier wait for it
                    try emit(queue.removeFirst())
                    continue
                }
                if queue[i].result != nil { try emit(queue.remove(at: i)) } else { i += 1 }
            }
        }
    }

    private func emit(_ e: Entry) throws {
        if let wm = e.watermark { try output.emitWatermark(wm) } else { try output.emit(e.result!, timestamp: e.timestamp) }
    }

    private func waitForCompletion() throws {
        if try !mailbox.waitAndRun(timeout: 0.05), isCancelled() { throw CancelledError() }
    }

    func processWatermark(_ watermark: Timestamp) throws {
        queue.append(Entry(id: -1, watermark: watermark, timestamp: watermark, result: nil))
        try drain()
    }

    /// End of input: every call still in flight completes (with its result or failure) before the end passes on.
    func finish() throws {
        while !queue.isEmpty { try waitForCompletion() }
    }

    /// Stopping for a savepoint: the calls in flight complete and leave, so none is lost or repeated.
    func quiesce() throws { try finish() }

    func close() throws {
        for t in tasks.values { t.cancel() }
        tasks = [:]
    }
}

/// Moves a value across a concurrency boundary the compiler cannot check: the runtime guarantees that only one
/// thread uses it at a time (the task, then the subtask's thread after the mailbox hand-over).
struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// One record's call: attempts at the policy's offsets, each limited by the timeout and the budget.
enum AsyncCall<F: AsyncFunction> {
    struct Done {
        let input: F.Input
        let outcome: Swift.Result<F.Output, AsyncCallFailure>
        let attempts: Int
        let latencyMillis: Int64
        let timedOut: Bool
    }

    static func run(_ f: F, _ input: F.Input, retry: AsyncRetryPolicy, timeoutMillis: Int64) async -> Done {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Int64 { (clock.now - start).milliseconds }
        var attempts = 0
        var last = AsyncCallFailure(message: "no attempt was made within the budget", timedOut: false)
        let boxed = Unchecked(input)
        attempting: for offset in retry.attemptOffsets {
            if let budget = retry.budget, offset >= budget { break }
            let startAt = start.advanced(by: .milliseconds(offset))
            if clock.now < startAt { try? await Task.sleep(until: startAt, clock: clock) }
            if Task.isCancelled { last = AsyncCallFailure(message: "cancelled", timedOut: false); break }
            var limit = timeoutMillis
            if let budget = retry.budget { limit = min(limit, budget - elapsed()) }
            guard limit > 0 else { break }
            attempts += 1
            switch await withDeadline(milliseconds: limit, { try await f.invoke(boxed.value) }) {
            case .value(let v):
                return Done(input: input, outcome: .success(v.value), attempts: attempts, latencyMillis: elapsed(), timedOut: false)
            case .timedOut:
                last = AsyncCallFailure(message: "no answer within \(limit) ms (attempt \(attempts))", timedOut: true)
            case .error(let e):
                last = AsyncCallFailure(message: "\(e)", timedOut: false)
                // A labelled break: a plain `break` would only leave the switch and retry a non-retryable error.
                if !retry.isRetryable(e.value) { break attempting }
            }
        }
        return Done(input: input, outcome: .failure(last), attempts: attempts, latencyMillis: elapsed(), timedOut: last.timedOut)
    }

    enum Attempt { case value(Unchecked<F.Output>), error(Unchecked<Error>), timedOut }

    /// Races the call against a timer. When the timer wins the call is cancelled, and given a short grace to
    /// unwind, so that a cooperative call has really ended before the next attempt or record takes its place
    /// (capacity counts calls in flight); a call that ignores cancellation is left behind after the grace.
    /// Cancelling the caller (the operator closes on a job's cancel) cancels the call too: its work is an
    /// unstructured task, which would otherwise run on (an HTTP request held open until its timeout).
    static func withDeadline(milliseconds: Int64, _ op: @escaping @Sendable () async throws -> F.Output) async -> Attempt {
        let once = ResumeOnce<Attempt>()
        let running = CancellableWork()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Unchecked<Attempt>, Never>) in
                once.set(c)
                let work = Task {
                    let outcome: Attempt
                    do { outcome = .value(Unchecked(try await op())) } catch { outcome = .error(Unchecked(error)) }
                    once.resume(once.expired ? .timedOut : outcome)
                }
                running.set(work)
                // The timer runs on a Dispatch thread, not in Swift's cooperative pool: a busy pool must not stretch
                // a timeout.
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(milliseconds))) {
                    guard once.expire() else { return }
                    work.cancel()
                    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { once.resume(.timedOut) }
                }
            }.value
        } onCancel: {
            running.cancel()
        }
    }
}

/// The task of a call in flight, cancellable from the caller's cancellation handler (which may run before the
/// task exists: then the task is cancelled as soon as it is set).
final class CancellableWork: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var cancelled = false

    func set(_ t: Task<Void, Never>) {
        lock.lock(); task = t; let c = cancelled; lock.unlock()
        if c { t.cancel() }
    }
    func cancel() {
        lock.lock(); cancelled = true; let t = task; lock.unlock()
        t?.cancel()
    }
}

/// Resumes a continuation exactly once, whichever of the racing tasks gets there first.
final class ResumeOnce<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Unchecked<T>, Never>?
    private var done = false
    private var _expired = false

    /// Marks the deadline as passed; false if the race is already decided.
    func expire() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !done else { return false }
        _expired = true
        return true
    }
    var expired: Bool { lock.lock(); defer { lock.unlock() }; return _expired }

    func set(_ c: CheckedContinuation<Unchecked<T>, Never>) { lock.lock(); continuation = c; lock.unlock() }
    @discardableResult
    func resume(_ value: T) -> Bool {
        lock.lock()
        guard !done, let c = continuation else { lock.unlock(); return false }
        done = true
        continuation = nil
        lock.unlock()
        c.resume(returning: Unchecked(value))
        return true
    }
}

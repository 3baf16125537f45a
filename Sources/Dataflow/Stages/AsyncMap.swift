/// A call to an external system made for each record (Flink's `AsyncFunction`): an HTTP request, a lookup.
/// Calls run concurrently, off the task thread; the stage waits for none of them unless it is at capacity.
public protocol AsyncFunction<Input, Output>: Sendable {
    associatedtype Input
    associatedtype Output
    func invoke(_ input: Input) async throws -> Output
}

/// A closure as an async function.
public struct AsyncClosure<Input, Output>: AsyncFunction, @unchecked Sendable {
    public let body: (Input) async throws -> Output
    public init(_ body: @escaping @Sendable (Input) async throws -> Output) { self.body = body }
    public func invoke(_ input: Input) async throws -> Output { try await body(input) }
}

/// When to try a failed call again: attempts start at fixed offsets from the first attempt, all within a budget.
/// The clip detector's policy is attempts at 0 s, 3 s and 6 s within 10 s.
public struct AsyncRetryPolicy: Sendable {
    /// Milliseconds after the first attempt's start at which each attempt starts; the first is 0.
    public let attemptOffsets: [Int64]
    /// Every attempt must end within this many milliseconds of the first attempt's start; nil: no budget.
    public let budget: Int64?
    /// Which errors are worth another attempt (all, by default).
    public let isRetryable: @Sendable (Error) -> Bool

    public init(attemptOffsets: [Int64], budget: Int64?, isRetryable: @escaping @Sendable (Error) -> Bool = { _ in true }) {
        precondition(attemptOffsets.first == 0 && zip(attemptOffsets, attemptOffsets.dropFirst()).allSatisfy { $0 < $1 },
                     "attempt offsets start at 0 and increase")
        self.attemptOffsets = attemptOffsets
        self.budget = budget
        self.isRetryable = isRetryable
    }

    /// One attempt.
    public static var none: AsyncRetryPolicy { AsyncRetryPolicy(attemptOffsets: [0], budget: nil) }

    public static func attempts(at offsets: [Duration], within budget: Duration? = nil,
                                retryIf: @escaping @Sendable (Error) -> Bool = { _ in true }) -> AsyncRetryPolicy {
        AsyncRetryPolicy(attemptOffsets: offsets.map(\.milliseconds), budget: budget?.milliseconds, isRetryable: retryIf)
    }

    /// `maxAttempts` attempts, each `delay` after the previous one started.
    public static func fixedDelay(_ delay: Duration, maxAttempts: Int, within budget: Duration? = nil) -> AsyncRetryPolicy {
        attempts(at: (0..<max(1, maxAttempts)).map { delay * $0 }, within: budget)
    }
}

public enum AsyncOrdering: String, Sendable {
    /// Results leave in the order the records came.
    case ordered
    /// Results leave as they complete — but never across a watermark, so event time stays correct.
    case unordered
}

/// Why a call failed after all its attempts.
public struct AsyncCallFailure: Error, Sendable, CustomStringConvertible {
    /// The last attempt's error, as text.
    public let message: String
    /// Whether the last attempt ran out of time.
    public let timedOut: Bool
    public init(message: String, timedOut: Bool) { self.message = message; self.timedOut = timedOut }
    public var description: String { timedOut ? "timed out: \(message)" : message }
}

/// What an async stage emits for each record: its input, the result or the failure, and how it went.
/// Failures are an output like results (a clip that could not be created is still recorded), not a crash.
public struct AsyncResult<Input, Output> {
    public let input: Input
    public let outcome: Result<Output, AsyncCallFailure>
    public let attempts: Int
    /// From the first attempt's start to the end of the last.
    public let latencyMillis: Int64

    public init(input: Input, outcome: Result<Output, AsyncCallFailure>, attempts: Int, latencyMillis: Int64) {
        self.input = input; self.outcome = outcome; self.attempts = attempts; self.latencyMillis = latencyMillis
    }
    public var value: Output? { if case .success(let v) = outcome { v } else { nil } }
    public var failure: AsyncCallFailure? { if case .failure(let f) = outcome { f } else { nil } }
}
extension AsyncResult: Sendable where Input: Sendable, Output: Sendable {}

public struct AsyncSpec<F: AsyncFunction>: OperatorSpec, @unchecked Sendable {
    public typealias Input = F.Input
    public typealias Output = AsyncResult<F.Input, F.Output>
    public let function: F
    public let ordering: AsyncOrdering
    public let capacity: Int
    public let timeoutMillis: Int64
    public let retry: AsyncRetryPolicy
    public var kind: OperatorKind { .asyncIO }
    public var description: String { "AsyncWaitOperator(\(ordering.rawValue), capacity \(capacity), timeout \(timeoutMillis) ms)" }
    public func accept<V: OperatorSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.asyncIO(self) }
}

/// Calls `function` for each record, up to `capacity` calls at once, each attempt limited to `timeout`, retried
/// by `retry`; emits an `AsyncResult` per record (Flink's `AsyncDataStream.orderedWait`/`unorderedWait`).
/// At capacity the stage stops taking records — backpressure, not an unbounded queue.
public struct AsyncMap<F: AsyncFunction>: Stage {
    let name: String
    let spec: AsyncSpec<F>
    public init(_ name: String, _ function: F, ordering: AsyncOrdering = .ordered, capacity: Int = 100,
                timeout: Duration, retry: AsyncRetryPolicy = .none) {
        self.name = name
        spec = AsyncSpec(function: function, ordering: ordering, capacity: capacity, timeoutMillis: timeout.milliseconds, retry: retry)
    }
    public func lower(_ input: StreamHandle<F.Input>, into graph: StreamGraph) throws -> StreamHandle<AsyncResult<F.Input, F.Output>> {
        guard spec.capacity >= 1 else { throw JobDefinitionError("\(name): capacity must be at least 1") }
        guard spec.timeoutMillis > 0 else { throw JobDefinitionError("\(name): the timeout must be positive") }
        return StreamHandle(node: try graph.add(name: name, spec: spec, inputs: [input.edge()]))
    }
}

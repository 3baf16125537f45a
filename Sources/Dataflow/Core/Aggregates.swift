/// Flink's `AggregateFunction`: incremental aggregation of a window's records into an accumulator.
public protocol AggregateFunction<Input, Accumulator, Result>: Sendable {
    associatedtype Input
    associatedtype Accumulator
    associatedtype Result
    var name: String { get }
    func createAccumulator() -> Accumulator
    func add(_ value: Input, to accumulator: inout Accumulator)
    func result(_ accumulator: Accumulator) -> Result
    func merge(_ a: Accumulator, _ b: Accumulator) -> Accumulator
}

extension AggregateFunction {
    public var name: String { String(describing: Self.self).split(separator: "<").first.map(String.init) ?? "Aggregate" }
}

/// Counts the records of a window.
public struct Count<Input>: AggregateFunction {
    public init() {}
    public var name: String { "CountAgg" }
    @inlinable public func createAccumulator() -> Int { 0 }
    @inlinable public func add(_ value: Input, to accumulator: inout Int) { accumulator += 1 }
    @inlinable public func result(_ accumulator: Int) -> Int { accumulator }
    @inlinable public func merge(_ a: Int, _ b: Int) -> Int { a + b }
}

/// Sums a numeric field.
public struct Sum<Input, Value: AdditiveArithmetic & Sendable>: AggregateFunction {
    public let field: @Sendable (Input) -> Value
    public init(_ field: @escaping @Sendable (Input) -> Value) { self.field = field }
    public var name: String { "SumAgg" }
    public func createAccumulator() -> Value { .zero }
    public func add(_ value: Input, to accumulator: inout Value) { accumulator += field(value) }
    public func result(_ accumulator: Value) -> Value { accumulator }
    public func merge(_ a: Value, _ b: Value) -> Value { a + b }
}

/// The smallest value of a field (nil for a window that saw none).
public struct Min<Input, Value: Comparable & Sendable>: AggregateFunction {
    public let field: @Sendable (Input) -> Value
    public init(_ field: @escaping @Sendable (Input) -> Value) { self.field = field }
    public var name: String { "MinAgg" }
    public func createAccumulator() -> Value? { nil }
    public func add(_ value: Input, to accumulator: inout Value?) {
        let v = field(value)
        if let a = accumulator, a <= v { return }
        accumulator = v
    }
    public func result(_ accumulator: Value?) -> Value? { accumulator }
    public func merge(_ a: Value?, _ b: Value?) -> Value? {
        switch (a, b) { case let (x?, y?): return Swift.min(x, y); default: return a ?? b }
    }
}

/// The largest value of a field (nil for a window that saw none).
public struct Max<Input, Value: Comparable & Sendable>: AggregateFunction {
    public let field: @Sendable (Input) -> Value
    public init(_ field: @escaping @Sendable (Input) -> Value) { self.field = field }
    public var name: String { "MaxAgg" }
    public func createAccumulator() -> Value? { nil }
    public func add(_ value: Input, to accumulator: inout Value?) {
        let v = field(value)
        if let a = accumulator, a >= v { return }
        accumulator = v
    }
    public func result(_ accumulator: Value?) -> Value? { accumulator }
    public func merge(_ a: Value?, _ b: Value?) -> Value? {
        switch (a, b) { case let (x?, y?): return Swift.max(x, y); default: return a ?? b }
    }
}

/// Folds the records of a window with a binary function (Flink's `ReduceFunction`).
public struct Reduce<Input>: AggregateFunction {
    public let combine: @Sendable (Input, Input) -> Input
    public init(_ combine: @escaping @Sendable (Input, Input) -> Input) { self.combine = combine }
    public var name: String { "ReduceAgg" }
    public func createAccumulator() -> Input? { nil }
    public func add(_ value: Input, to accumulator: inout Input?) {
        accumulator = accumulator.map { combine($0, value) } ?? value
    }
    public func result(_ accumulator: Input?) -> Input? { accumulator }
    public func merge(_ a: Input?, _ b: Input?) -> Input? {
        switch (a, b) { case let (x?, y?): return combine(x, y); default: return a ?? b }
    }
}

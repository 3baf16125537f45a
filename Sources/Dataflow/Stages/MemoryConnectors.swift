/// Connectors over memory: a source of values, a generator, a sink that drops what it gets. For examples,
/// tests and benchmarks (a discarding sink measures a pipeline without the cost of an output).

/// A source over values in memory, optionally left open (unbounded) after them.
public struct CollectionSource<T>: SourceConnector, @unchecked Sendable {
    public let values: [T]
    public let staysOpen: Bool
    public init(_ values: [T], staysOpen: Bool = false) { self.values = values; self.staysOpen = staysOpen }
    public var maxParallelism: Int? { 1 }
    public var description: String { "collection of \(values.count)" }
    public func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<T> { Reader(values: values, staysOpen: staysOpen) }

    final class Reader: SourceReader {
        let values: [T]
        let staysOpen: Bool
        var next = 0
        init(values: [T], staysOpen: Bool) { self.values = values; self.staysOpen = staysOpen }
        func poll(into output: SourceOutput<T>, max: Int) throws -> SourcePoll {
            guard next < values.count else { return staysOpen ? .nothingAvailable : .finished }
            let end = min(values.count, next + max)
            while next < end { try output.collect(values[next]); next += 1 }
            return .more
        }
        func snapshotPositions() throws -> [SplitPosition]? { [SplitPosition(split: 0, offset: Int64(next))] }
        func restore(positions: [SplitPosition]) throws { next = Int(positions.first { $0.split == 0 }?.offset ?? 0) }
    }
}

/// A source that generates `count` records (or without end) from their index.
public struct GeneratorSource<T>: SourceConnector, @unchecked Sendable {
    public let count: Int?
    public let make: @Sendable (Int) -> T
    public init(count: Int?, _ make: @escaping @Sendable (Int) -> T) { self.count = count; self.make = make }
    public var maxParallelism: Int? { 1 }
    public var description: String { "generator" }
    public func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<T> { Reader(count: count, make: make) }

    final class Reader: SourceReader {
        let count: Int?
        let make: (Int) -> T
        var next = 0
        init(count: Int?, make: @escaping (Int) -> T) { self.count = count; self.make = make }
        func poll(into output: SourceOutput<T>, max: Int) throws -> SourcePoll {
            let end = count.map { Swift.min($0, next + max) } ?? next + max
            guard next < end else { return .finished }
            while next < end { try output.collect(make(next)); next += 1 }
            return .more
        }
        func snapshotPositions() throws -> [SplitPosition]? { [SplitPosition(split: 0, offset: Int64(next))] }
        func restore(positions: [SplitPosition]) throws { next = Int(positions.first { $0.split == 0 }?.offset ?? 0) }
    }
}

/// Drops every record (Flink's `DiscardingSink`).
public struct DiscardingSink<T>: SinkConnector {
    public init() {}
    public var description: String { "discard" }
    public func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<T> { Writer() }
    final class Writer: SinkWriter {
        func write(_ value: T, timestamp: Timestamp) throws {}
    }
}

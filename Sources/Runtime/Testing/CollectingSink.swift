import Dataflow
import Foundation

/// A sink that keeps what it receives in memory, readable from another thread while the job runs
/// (tests and examples; Flink's `executeAndCollect`).
public final class CollectingSink<T>: SinkConnector, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(value: T, timestamp: Timestamp, subtask: Int)] = []
    /// Optional pause per record, to model a slow external system.
    public let delayPerRecord: (@Sendable (Int) -> Void)?

    public init(delayPerRecord: (@Sendable (Int) -> Void)? = nil) { self.delayPerRecord = delayPerRecord }
    public var description: String { "collect" }

    public func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<T> { Writer(sink: self, subtask: subtask) }

    func add(_ value: T, _ ts: Timestamp, _ subtask: Int) -> Int {
        lock.lock(); defer { lock.unlock() }
        items.append((value, ts, subtask))
        return items.count
    }

    public var values: [T] { lock.lock(); defer { lock.unlock() }; return items.map(\.value) }
    public var entries: [(value: T, timestamp: Timestamp, subtask: Int)] { lock.lock(); defer { lock.unlock() }; return items }
    public var count: Int { lock.lock(); defer { lock.unlock() }; return items.count }

    final class Writer: SinkWriter {
        let sink: CollectingSink<T>
        let subtask: Int
        init(sink: CollectingSink<T>, subtask: Int) { self.sink = sink; self.subtask = subtask }
        func write(_ value: T, timestamp: Timestamp) throws {
            let n = sink.add(value, timestamp, subtask)
            sink.delayPerRecord?(n)
        }
    }
}

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
    }
}

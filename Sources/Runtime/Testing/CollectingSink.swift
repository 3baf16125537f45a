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


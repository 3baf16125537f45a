import Foundation

/// Where an operator sends what it produces: records with their timestamps, watermarks, idleness, end of input.
/// The runtime supplies the implementations (a chained operator, a partitioner, a side-output router);
/// operator tests supply a recording one.
open class Output<T> {
    public init() {}
    open func emit(_ value: T, timestamp: Timestamp) throws {}
    open func emitWatermark(_ watermark: Timestamp) throws {}
    /// The stream went idle (true) or became active again (false): idle inputs do not hold back the watermark.
    open func emitIdle(_ idle: Bool) throws {}
    /// End of input: no element follows.
    open func finish() throws {}
}

/// Records with no timestamp carry this one (Flink's "no timestamp").
public let noTimestamp: Timestamp = .min

// MARK: - Sources

/// A source as a connector describes it: how many readers it can feed, and how to make one per subtask.
public protocol SourceConnector<Record>: Sendable {
    associatedtype Record
    /// The most parallel readers this source can use: 1 for a file, the partition count for a topic; nil: any.
    var maxParallelism: Int? { get }
    /// What the plan shows for this source.
    var description: String { get }
    func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<Record>
}

public enum SourcePoll: Sendable, Equatable {
    /// Records were emitted; call again.
    case more
    /// Nothing available right now; call again after a short wait.
    case nothingAvailable
    /// The (bounded) input is exhausted.
    case finished
}

/// Reads one subtask's share of a source. Runs on the subtask's own thread.
public protocol SourceReader<Record>: AnyObject {
    associatedtype Record
    func open() throws
    /// Hands at most `max` records to `output` and says whether more may come.
    func poll(into output: SourceOutput<Record>, max: Int) throws -> SourcePoll
    func close()
    /// The job is being cancelled. Called from another thread while `poll` may be running: a reader that can wait
    /// (on a broker, a pipe) stops waiting, and its `close` (which follows) skips work that could wait, such as a
    /// final commit. Every wait must still end within about a second on its own.
    func cancel()
    /// The source's metric group (Flink's names: `pendingRecords` for consumer lag, …); called before `open`.
    func attach(metrics: MetricGroup)
    /// For a savepoint: where the reader is in each of its splits (next offset, lines read). Nil: this source cannot
    /// resume where it stopped, and a savepoint of its job fails with that reason.
    func snapshotPositions() throws -> [SplitPosition]?
    /// Before `open`, when the job restores a savepoint: the positions of *every* split of the source (from all
    /// the old readers); the reader resumes the splits it is assigned at their position.
    func restore(positions: [SplitPosition]) throws
}
extension SourceReader {
    public func open() throws {}
    public func close() {}
    public func cancel() {}
    public func attach(metrics: MetricGroup) {}
    public func snapshotPositions() throws -> [SplitPosition]? { nil }
    public func restore(positions: [SplitPosition]) throws {
        if !positions.isEmpty { throw StateSnapshotError("\(Self.self) cannot resume from a savepoint") }
    }
}

/// What a source reader emits into; the runtime assigns timestamps and watermarks behind it.
open class SourceOutput<T> {
    public init() {}
    open func collect(_ value: T) throws {}
    /// A record whose timestamp the connector knows (a Kafka message's timestamp).
    open func collect(_ value: T, timestamp: Timestamp) throws {}
    /// A record of one split (a Kafka partition). Watermarks are then generated per split and combined as the
    /// minimum over the splits, idle and finished splits excluded — so a quiet partition does not hold back event
    /// time once it is idle, and a busy one cannot run ahead of a slower one.
    open func collect(_ value: T, timestamp: Timestamp, split: Int) throws {}
    /// A split was assigned to this reader: it holds back the watermark until it sends records or goes idle.
    open func splitAdded(_ split: Int) throws {}
    /// A split has ended (a bounded partition reached its end offset): it no longer holds back the watermark.
    open func splitFinished(_ split: Int) throws {}
    /// This reader has no split to read (more readers than partitions): like Flink, it is idle and does not hold
    /// back event time; a split added later makes it active again.
    open func noSplitsAssigned() throws {}
    /// A record that could not be read: counted, and sent to the `deadLetters` side output.
    open func deadLetter(_ letter: DeadLetter) throws {}
}

extension OutputTag where T == DeadLetter {
    /// The side output of every source: records it could not decode.
    public static var deadLetters: OutputTag<DeadLetter> { OutputTag("dead-letters") }
}

// MARK: - Sinks

public protocol SinkConnector<Record>: Sendable {
    associatedtype Record
    var description: String { get }
    func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<Record>
}

public protocol SinkWriter<Record>: AnyObject {
    associatedtype Record
    func open() throws
    func write(_ value: Record, timestamp: Timestamp) throws
    /// Called at the end of the input, before close: everything written so far must be durable.
    func flush() throws
    func close() throws
    /// How often (processing time, ms) the runtime calls `tick`; nil: never. A batching sink flushes a partial
    /// batch there, so that a quiet stream's last records do not wait for the next ones.
    var tickInterval: Int64? { get }
    /// Called on the subtask's thread every `tickInterval` ms, between records.
    func tick(now: Timestamp) throws
    /// The sink operator's metric group (records rejected, retries, …); called before `open`.
    func attach(metrics: MetricGroup)
    /// For a savepoint: what the writer needs to continue after a restore (rows it holds back, the part of a file
    /// not committed yet); nil when it holds nothing. By default it flushes (a batch becomes durable) and keeps nothing.
    func snapshotState() throws -> Data?
    /// Before `open`, when the job restores a savepoint: the states of old writers given to this one (round-robin
    /// over the new writers; several when the parallelism went down).
    func restore(states: [Data]) throws
}
extension SinkWriter {
    public func snapshotState() throws -> Data? {
        try flush()
        return nil
    }
    public func restore(states: [Data]) throws {
        if !states.isEmpty { throw StateSnapshotError("\(Self.self) cannot restore its state from a savepoint") }
    }
    public func attach(metrics: MetricGroup) {}
    public func open() throws {}
    public func flush() throws {}
    public func close() throws {}
    public var tickInterval: Int64? { nil }
    public func tick(now: Timestamp) throws {}
}

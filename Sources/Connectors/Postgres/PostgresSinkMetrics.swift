import Dataflow

/// What a `PostgresSink`'s writers did, summed over its subtasks. `SinkWriter` has no metrics hook yet, so the
/// sink keeps these itself; `snapshot()` gives them under the names an operator metric group would use.
public final class PostgresSinkMetrics: Sendable {
    /// Rows the database accepted (inserted or updated).
    public let recordsWritten = Counter()
    /// Rows the database refused for their data (SQLSTATE class 22/23), skipped and reported on stderr.
    public let recordsRejected = Counter()
    /// Records replaced inside a batch by a later record with the same conflict key.
    public let recordsDeduplicated = Counter()
    /// Statements that wrote a whole batch.
    public let batchesWritten = Counter()
    /// Attempts repeated after a connection loss or a transient error.
    public let retries = Counter()

    public init() {}

    public func snapshot() -> [String: Int64] {
        ["numRecordsSend": Int64(recordsWritten.count), "numRecordsRejected": Int64(recordsRejected.count),
         "numRecordsDeduplicated": Int64(recordsDeduplicated.count), "numBatchesSend": Int64(batchesWritten.count),
         "numRetries": Int64(retries.count)]
    }
}

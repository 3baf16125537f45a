import Dataflow

/// What a `PostgresSink`'s writers did, summed over its subtasks (each writer also counts into its operator's
/// metric group, so the job's metrics, REST API and Prometheus show the same numbers per subtask).
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

/// One writer's counting: into the sink's totals and, once the runtime attached it, the operator's metric group.
final class WriterMetrics: @unchecked Sendable {
    let totals: PostgresSinkMetrics
    private var written: Counter?, rejected: Counter?, deduplicated: Counter?, batches: Counter?, retried: Counter?

    init(totals: PostgresSinkMetrics) { self.totals = totals }

    /// Called by the runtime before the writer opens, on the writer's thread.
    func attach(_ group: MetricGroup) {
        written = group.counter("numRecordsSend")
        rejected = group.counter("numRecordsRejected")
        deduplicated = group.counter("numRecordsDeduplicated")
        batches = group.counter("numBatchesSend")
        retried = group.counter("numRetries")
    }

    func recordsWritten(_ n: Int) { totals.recordsWritten.add(n); written?.add(n) }
    func recordRejected() { totals.recordsRejected.increment(); rejected?.increment() }
    func recordsDeduplicated(_ n: Int) { totals.recordsDeduplicated.add(n); deduplicated?.add(n) }
    func batchWritten() { totals.batchesWritten.increment(); batches?.increment() }
    func retry() { totals.retries.increment(); retried?.increment() }
}

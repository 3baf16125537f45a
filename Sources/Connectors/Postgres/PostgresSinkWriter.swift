import Dataflow

/// One subtask's writer: gathers records into a batch (one row per conflict key), and hands the batch to
/// `BatchDelivery` when it is full, when the flush interval ticks, and at the end of the input.
final class PostgresSinkWriter<Record: PostgresRow>: SinkWriter {
    private let delivery: BatchDelivery
    private let metrics: WriterMetrics
    private let batchSize: Int
    private let columnCount: Int
    private var batch: PendingBatch
    let tickInterval: Int64?

    init(delivery: BatchDelivery, statement: UpsertStatement, options: PostgresSinkOptions, metrics: WriterMetrics) {
        self.delivery = delivery
        self.metrics = metrics
        batchSize = options.batchSize
        columnCount = statement.columns.count
        batch = PendingBatch(keyIndexes: statement.keyIndexes, capacity: options.batchSize)
        let interval = Int64((options.flushInterval.seconds * 1000).rounded())
        tickInterval = interval > 0 ? interval : nil
    }

    /// Fails early, before any record is read, if the table or its columns are missing (or the database stays
    /// unreachable for the max retry duration).
    func attach(metrics group: MetricGroup) { metrics.attach(group) }
    func open() throws { try delivery.checkTable() }

    func write(_ value: Record, timestamp: Timestamp) throws {
        let values = value.postgresValues
        guard values.count == columnCount else {
            throw PostgresError(.configuration, "\(delivery.label): a \(Record.self) gave \(values.count) values for \(columnCount) columns")
        }
        batch.append(values)
        if batch.count >= batchSize { try deliverBatch() }
    }

    func tick(now: Timestamp) throws { try deliverBatch() }

    func flush() throws { try deliverBatch() }

    private func deliverBatch() throws {
        guard !batch.isEmpty else { return }
        let (rows, replaced) = batch.take()
        metrics.recordsDeduplicated(replaced)
        try delivery.deliver(rows)
    }
}

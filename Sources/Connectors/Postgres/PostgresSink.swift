import Dataflow

/// Writes records to a PostgreSQL table in batches, as upserts on a conflict key (see README.md).
///
/// ```swift
/// Sink("clips", PostgresSink<Clip>(configuration: try .fromEnvironment(),
///                                  options: PostgresSinkOptions(table: "clips", conflictKey: ["clip_id"])))
/// ```
///
/// All subtasks of the sink share one connection pool; each holds a connection only while it writes a batch.
public struct PostgresSink<Record: PostgresRow>: SinkConnector {
    public let pool: PostgresConnectionPool
    public let options: PostgresSinkOptions
    /// Counts over all of this sink's writers (rows written, rejected, deduplicated, retries).
    public let metrics: PostgresSinkMetrics

    /// A sink with its own pool.
    public init(configuration: PostgresConfiguration, options: PostgresSinkOptions) {
        self.init(pool: PostgresConnectionPool(configuration: configuration), options: options)
    }

    /// A sink sharing a pool with other users.
    public init(pool: PostgresConnectionPool, options: PostgresSinkOptions) {
        self.pool = pool
        self.options = options
        metrics = PostgresSinkMetrics()
    }

    /// The short form: `PostgresSink(table: "clips", upsertOn: "clip_id", configuration: config)`.
    public init(table: String, upsertOn conflictKey: String..., configuration: PostgresConfiguration) {
        self.init(configuration: configuration, options: PostgresSinkOptions(table: table, conflictKey: conflictKey))
    }

    /// Rows skipped because the database refused their data.
    public var rejectedCount: Int { metrics.recordsRejected.count }

    public var description: String {
        let mode = options.conflictKey.isEmpty ? "insert" : "upsert on \(options.conflictKey.joined(separator: ", "))"
        return "PostgreSQL \(options.table) at \(pool.configuration) (\(mode))"
    }

    public func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<Record> {
        let columns = options.columns ?? Record.postgresColumns
        let statement = try UpsertStatement(table: options.table, columns: columns, conflictKey: options.conflictKey,
                                            updateCondition: options.updateCondition)
        guard options.batchSize >= 1 else {
            throw PostgresError(.configuration, "PostgresSink for \(options.table): batchSize must be at least 1, not \(options.batchSize)")
        }
        let label = "PostgresSink \"\(options.table)\" (subtask \(subtask + 1)/\(parallelism))"
        let writerMetrics = WriterMetrics(totals: metrics)
        let delivery = BatchDelivery(pool: pool, statement: statement, options: options, metrics: writerMetrics, label: label)
        return PostgresSinkWriter<Record>(delivery: delivery, statement: statement, options: options, metrics: writerMetrics)
    }
}

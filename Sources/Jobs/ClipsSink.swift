import Dataflow
import Foundation
import Logging
import PostgresConnector

/// The clip detector's sink: upserts each `ClipOutcome`'s row into `clips` (on `anomaly_id`) and counts the
/// operator metrics `clips_created_success`, `clips_created_failed` and the histogram `twitch_api_latency`.
public struct ClipsSink: SinkConnector {
    public typealias Record = ClipOutcome
    public let rows: PostgresSink<ClipRow>
    let pool: PostgresConnectionPool
    /// The create-clip stage's ledger table, checked at open: without it every anomaly would fail.
    let requestsTable: String

    public init(pool: PostgresConnectionPool, table: String = "clips", requestsTable: String = "clip_requests") {
        // Small batches written often: a clip row should land within a fraction of a second.
        var options = PostgresSinkOptions(table: table, conflictKey: ["anomaly_id"], batchSize: 100,
                                          flushInterval: .milliseconds(200))
        options.maxRetryDuration = .seconds(300)
        // A created row is final: a later failure for the same anomaly (a restarted job whose ledger look-up failed
        // while PostgreSQL restarted) must not turn it into a failed row and leave its Twitch clip without one.
        let target = table.split(separator: ".").last.map(String.init) ?? table
        options.updateCondition = "\(target).status <> 'created'"
        rows = PostgresSink<ClipRow>(pool: pool, options: options)
        self.pool = pool
        self.requestsTable = requestsTable
    }

    public var description: String { rows.description }

    public func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<ClipOutcome> {
        Writer(rows: try rows.createWriter(subtask: subtask, parallelism: parallelism), pool: pool, requestsTable: requestsTable)
    }

    final class Writer: SinkWriter {
        private let rows: any SinkWriter<ClipRow>
        private let pool: PostgresConnectionPool
        private let requestsTable: String
        private var success = Counter()
        private var failed = Counter()
        private var latency: Histogram?

        init(rows: any SinkWriter<ClipRow>, pool: PostgresConnectionPool, requestsTable: String) {
            self.rows = rows; self.pool = pool; self.requestsTable = requestsTable
        }

        func attach(metrics: MetricGroup) {
            rows.attach(metrics: metrics)
            success = metrics.counter("clips_created_success")
            failed = metrics.counter("clips_created_failed")
            // Exported as Flink exports histograms: a Prometheus summary (quantiles) and REST _min/_median/_p99….
            latency = metrics.histogram("twitch_api_latency")
        }
        func open() throws {
            try rows.open()
            // A database set up before clip_requests existed fails here, once and clearly, rather than every anomaly.
            let table = requestsTable
            let found = try pool.withConnection { connection in
                try connection.query("SELECT to_regclass($1) IS NOT NULL", [.text(table)])[row: 0][0].bool() ?? false
            }
            guard found else {
                throw PostgresError(.configuration, "the table \(table) is missing: apply infrastructure/postgres/init.sql (idempotent) to the database")
            }
        }
        func write(_ value: ClipOutcome, timestamp: Timestamp) throws {
            try rows.write(value.row, timestamp: timestamp)
            // Counted once the row is handed to the batch: a failed write fails the job (and the replay recounts).
            if value.row.status == .created { success.increment() } else { failed.increment() }
            if let millis = value.twitchMillis { latency?.update(millis) }
        }
        var tickInterval: Int64? { rows.tickInterval }
        func tick(now: Timestamp) throws { try rows.tick(now: now) }
        func flush() throws { try rows.flush() }
        func close() throws { try rows.close() }
    }
}

/// Logs what a side output carries (dead letters, late chat) as warnings through swift-log, so a skip is visible as
/// well as counted by the stage's own metric — as JSON lines like every other log line of the process (the
/// executables bootstrap Observability's JSON handler; the name says where those lines go). After the first `loud`
/// records only every 1000th is logged; `seen` says how many there were.
public struct StderrSink<T>: SinkConnector, @unchecked Sendable {
    let label: String
    let loud: Int
    let logger: Logger
    public init(_ label: String, loud: Int = 20, logger: Logger = Logger(label: "clip-detector.side-output")) {
        self.label = label; self.loud = loud; self.logger = logger
    }
    public var description: String { "log (\(label))" }
    public func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<T> {
        Writer(label: label, loud: loud, logger: logger, subtask: subtask)
    }

    final class Writer: SinkWriter {
        let label: String
        let loud: Int
        let logger: Logger
        let subtask: Int
        var seen = 0
        init(label: String, loud: Int, logger: Logger, subtask: Int) {
            self.label = label; self.loud = loud; self.logger = logger; self.subtask = subtask
        }
        func write(_ value: T, timestamp: Timestamp) throws {
            seen += 1
            guard seen <= loud || seen % 1000 == 0 else { return }
            logger.warning("\(label)", metadata: ["seen": "\(seen)", "subtask": "\(subtask)", "record": "\(value)"])
        }
    }
}

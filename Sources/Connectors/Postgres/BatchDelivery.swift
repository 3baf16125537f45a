/// Gets one batch into the table, whatever it takes:
/// - the whole batch as one multi-row statement (one transaction);
/// - if the database refuses it for its data, row by row, skipping (counting, reporting) only the refused rows;
/// - if the connection is lost, the same batch again on a new connection, with backoff, until `maxRetryDuration`
///   has passed — blocking the subtask meanwhile, which is the backpressure — and then a clear error.
/// A retry repeats rows that may already have landed; the upsert makes that harmless.
final class BatchDelivery {
    private let pool: PostgresConnectionPool
    private let statement: UpsertStatement
    private let retry: RetryPolicy
    private let metrics: WriterMetrics
    private let table: String
    /// Names this writer in errors and log lines: `PostgresSink "clips" (subtask 2/4)`.
    let label: String
    private let maxLoggedRejections: Int
    private var loggedRejections = 0
    private var cachedSQL: (rows: Int, sql: String)?

    /// Where a batch stands between attempts, so that a retry after a connection loss resumes the row-by-row pass
    /// instead of counting its rejected rows twice.
    private enum Progress {
        case wholeBatch
        case rowByRow(next: Int)
    }

    init(pool: PostgresConnectionPool, statement: UpsertStatement, options: PostgresSinkOptions, metrics: WriterMetrics, label: String) {
        self.pool = pool
        self.statement = statement
        self.metrics = metrics
        self.table = options.table
        self.label = label
        self.maxLoggedRejections = options.maxLoggedRejections
        retry = RetryPolicy(initialBackoff: options.initialBackoff, maxBackoff: options.maxBackoff, maxDuration: options.maxRetryDuration)
    }

    /// Checks, waiting for the database as a batch would, that the table and columns exist.
    func checkTable() throws {
        _ = try withRetries(what: "checking table \(table)") {
            try pool.withConnection { try $0.query(statement.probeSQL(table: table)) }
        }
    }

    func deliver(_ rows: [[PostgresValue]]) throws {
        var progress = Progress.wholeBatch
        try withRetries(what: "a batch of \(rows.count) rows") {
            try pool.withConnection { connection in try attempt(rows, on: connection, progress: &progress) }
        }
    }

    // MARK: - One attempt

    private func attempt(_ rows: [[PostgresValue]], on connection: PostgresConnection, progress: inout Progress) throws {
        if case .wholeBatch = progress {
            do {
                try insert(rows[...], on: connection)
                metrics.recordsWritten(rows.count)
                metrics.batchWritten()
                return
            } catch let error as PostgresError where error.isDataError {
                progress = .rowByRow(next: 0)
            }
        }
        guard case .rowByRow(var next) = progress else { return }
        while next < rows.count {
            do {
                try insert(rows[next...next], on: connection)
                metrics.recordsWritten(1)
            } catch let error as PostgresError where error.isDataError {
                reject(rows[next], error)
            }
            next += 1
            progress = .rowByRow(next: next)
        }
    }

    /// One statement, or — past PostgreSQL's 65535-parameter limit — several in one transaction.
    private func insert(_ rows: ArraySlice<[PostgresValue]>, on connection: PostgresConnection) throws {
        let chunk = statement.maxRowsPerStatement
        guard rows.count > chunk else { return try insertStatement(rows, on: connection) }
        try connection.transaction { connection in
            var start = rows.startIndex
            while start < rows.endIndex {
                let end = min(start + chunk, rows.endIndex)
                try insertStatement(rows[start..<end], on: connection)
                start = end
            }
        }
    }

    private func insertStatement(_ rows: ArraySlice<[PostgresValue]>, on connection: PostgresConnection) throws {
        var parameters = EncodedParameters(capacity: rows.count * statement.columns.count)
        for row in rows { for value in row { try parameters.append(value) } }
        _ = try connection.run(sql(rows: rows.count), parameters)
    }

    /// Full batches all have the same shape: build their SQL once.
    private func sql(rows: Int) -> String {
        if let cachedSQL, cachedSQL.rows == rows { return cachedSQL.sql }
        let sql = statement.sql(rows: rows)
        if rows > 1 { cachedSQL = (rows, sql) }
        return sql
    }

    private func reject(_ row: [PostgresValue], _ error: PostgresError) {
        metrics.recordRejected()
        loggedRejections += 1
        if loggedRejections <= maxLoggedRejections {
            let key = statement.keyIndexes.isEmpty ? "" : " key (\(statement.conflictKey.joined(separator: ", ")))=("
                + statement.keyIndexes.map { Self.preview(row[$0]) }.joined(separator: ", ") + ")"
            StandardError.line("\(label): skipped a row\(key): SQLSTATE \(error.sqlState ?? "-") \(error.message)"
                               + (error.detail.map { " (\($0))" } ?? ""))
        }
        if loggedRejections == maxLoggedRejections {
            StandardError.line("\(label): \(maxLoggedRejections) rows skipped; further ones are counted (numRecordsRejected), not logged")
        }
    }

    private static func preview(_ value: PostgresValue) -> String {
        switch value {
        case .null: return "NULL"
        case .text(let s): return s.count > 60 ? "'\(s.prefix(60))…'" : "'\(s)'"
        case .int64(let v): return String(v)
        case .double(let v): return String(v)
        case .bool(let v): return String(v)
        case .timestamp(let ms): return PostgresTimestamp.format(epochMillis: ms)
        case .bytes(let b): return "<\(b.count) bytes>"
        }
    }

    // MARK: - Retries

    private func withRetries<T>(what: String, _ operation: () throws -> T) throws -> T {
        let endpoint = pool.configuration.endpoint
        do {
            return try retry.run(
                onRetry: { error, attempt, wait in
                    metrics.retry()
                    // The first failure of an outage, then every tenth attempt: visible, not flooding.
                    if attempt == 1 || attempt % 10 == 0 {
                        StandardError.line("\(label): PostgreSQL at \(endpoint) failed (\(error)); retrying \(what) in "
                                           + "\(Self.format(wait)) (attempt \(attempt), giving up after \(Self.format(retry.maxDuration)))")
                    }
                },
                onRecovery: { attempts, elapsed in
                    StandardError.line("\(label): PostgreSQL at \(endpoint) is back after \(Self.format(elapsed)) (\(attempts) attempts)")
                },
                operation)
        } catch let exhausted as RetryPolicy.Exhausted {
            throw PostgresError(.connection,
                                "\(label): PostgreSQL at \(endpoint) unavailable for \(Self.format(exhausted.elapsed)) "
                                + "(\(exhausted.attempts) attempts, max retry duration \(Self.format(retry.maxDuration))); "
                                + "gave up on \(what). Last error: \(exhausted.lastError)",
                                sqlState: exhausted.lastError.sqlState)
        } catch let error as PostgresError {
            // Not retryable: the table, the columns, the credentials or the statement are wrong.
            throw PostgresError(error.kind, "\(label): cannot write to \(table) at \(endpoint): \(error.message)",
                                sqlState: error.sqlState, detail: error.detail)
        }
    }

    static func format(_ d: Duration) -> String {
        let s = d.seconds
        return s < 1 ? "\(Int((s * 1000).rounded())) ms" : "\((s * 10).rounded() / 10) s"
    }
}

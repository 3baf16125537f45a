import PostgresConnector

/// Reads clips and channels from PostgreSQL through the pool, with parameterised statements only.
public struct ClipStore: Sendable {
    public let pool: PostgresConnectionPool
    private let threads: DatabaseThreads

    /// Queries run on `pool.configuration.maxConnections` threads of their own (see `DatabaseThreads`).
    public init(pool: PostgresConnectionPool) {
        self.pool = pool
        self.threads = DatabaseThreads(count: pool.configuration.maxConnections, name: "clips-db")
    }

    /// Ends the query threads once the queued queries are done.
    public func close() { threads.stop() }

    private func withConnection<T: Sendable>(timeout: Duration? = nil,
                                             _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let pool = self.pool
        return try await threads.run { try pool.withConnection(timeout: timeout, body) }
    }

    private static let columns = """
        SELECT c.anomaly_id, c.clip_id, c.broadcaster_id, COALESCE(c.broadcaster_login, s.broadcaster_login),
               s.display_name, c.status, c.attempts, c.error, c.window_start, c.window_end, c.message_count,
               c.baseline_mean, c.baseline_stddev, c.baseline_samples, c.chat_counts, c.title, c.url, c.embed_url,
               c.thumbnail_url, c.created_at
        FROM clips c LEFT JOIN streamers s ON s.broadcaster_id = c.broadcaster_id
        """

    /// The statement and its parameters for `query`: one row more than the limit, to learn whether a next page exists.
    static func statement(for query: ClipQuery) -> (sql: String, parameters: [PostgresValue]) {
        var conditions: [String] = []
        var parameters: [PostgresValue] = []
        func bind(_ value: PostgresValue) -> String { parameters.append(value); return "$\(parameters.count)" }
        // Instants travel as exact microseconds since the epoch.
        func instant(_ micros: Int64) -> String { "('epoch'::timestamptz + \(bind(.int64(micros))) * interval '1 microsecond')" }

        switch query.status {
        case .created, .failed: conditions.append("c.status = \(bind(.text(query.status.rawValue)))")
        case .all: break
        }
        if let start = query.start { conditions.append("c.created_at >= \(instant(start))") }
        if let end = query.end { conditions.append("c.created_at <= \(instant(end))") }
        switch query.channel {
        case .id(let id)?:
            conditions.append("c.broadcaster_id = \(bind(.text(id.rawValue)))")
        case .login(let login)?:
            let p = bind(.text(login.rawValue))
            conditions.append("""
                c.broadcaster_id = COALESCE((SELECT broadcaster_id FROM streamers WHERE lower(broadcaster_login) = \(p)),
                    (SELECT broadcaster_id FROM clips WHERE lower(broadcaster_login) = \(p) LIMIT 1))
                """)
        case nil: break
        }
        if let cursor = query.cursor {
            conditions.append("(c.created_at, c.anomaly_id) < (\(bind(.text(cursor.createdAt)))::timestamptz, \(bind(.text(cursor.anomalyID.rawValue)))::text)")
        }
        var sql = columns
        if !conditions.isEmpty { sql += "\nWHERE " + conditions.joined(separator: " AND ") }
        sql += "\nORDER BY c.created_at DESC, c.anomaly_id DESC LIMIT \(bind(.int64(Int64(query.limit + 1))))"
        return (sql, parameters)
    }

    public func page(_ query: ClipQuery) async throws -> ClipPage {
        let (sql, parameters) = Self.statement(for: query)
        let result = try await withConnection { try $0.query(sql, parameters) }
        var clips: [Clip] = []
        clips.reserveCapacity(min(result.rowCount, query.limit))
        for row in result.rows.prefix(query.limit) { clips.append(try Self.clip(row)) }
        let next = result.rowCount > query.limit ? clips.last?.cursor : nil
        return ClipPage(clips: clips, next: next)
    }

    public func channels() async throws -> [ChannelSummary] {
        let sql = """
            SELECT c.broadcaster_id, max(COALESCE(s.broadcaster_login, c.broadcaster_login)), max(s.display_name),
                   COALESCE(bool_or(s.is_live), false), count(*), max(c.created_at)
            FROM clips c LEFT JOIN streamers s ON s.broadcaster_id = c.broadcaster_id
            WHERE c.status = $1
            GROUP BY c.broadcaster_id
            ORDER BY count(*) DESC, c.broadcaster_id
            LIMIT 500
            """
        let result = try await withConnection { try $0.query(sql, [.text("created")]) }
        return try result.rows.map { row in
            ChannelSummary(broadcasterID: row[0].text ?? "", login: row[1].text, name: row[2].text,
                           isLive: try row[3].bool() ?? false, clipCount: try row[4].int64() ?? 0,
                           lastClipAt: row[5].text.flatMap { Timestamp.parseMicros($0) })
        }
    }

    /// Whether the database answers.
    public func ping() async throws {
        _ = try await withConnection(timeout: .seconds(2)) { try $0.query("SELECT 1") }
    }

    private static func clip(_ row: PostgresResultRow) throws -> Clip {
        func instant(_ i: Int) throws -> Int64 {
            guard let text = row[i].text, let micros = Timestamp.parseMicros(text) else {
                throw ClipStoreError("column \(row[i].column) holds '\(row[i])', not a timestamp")
            }
            return micros
        }
        let createdAtText = row[19].text ?? ""
        return Clip(
            anomalyID: AnomalyID(row[0].text ?? ""), clipID: row[1].text, broadcasterID: row[2].text ?? "",
            broadcasterLogin: row[3].text, broadcasterName: row[4].text, status: row[5].text ?? "",
            attempts: try row[6].int64() ?? 0, error: row[7].text,
            windowStart: try instant(8), windowEnd: try instant(9), messageCount: try row[10].int64() ?? 0,
            baselineMean: try row[11].double() ?? 0, baselineStddev: try row[12].double() ?? 0,
            baselineSamples: try row[13].int64() ?? 0, chatCounts: try integerArray(row[14]),
            title: row[15].text, url: row[16].text, embedURL: row[17].text, thumbnailURL: row[18].text,
            createdAt: try instant(19), createdAtText: createdAtText)
    }

    /// `{1,2,3}` (PostgreSQL's text form of an integer[]); NULL elements count as 0.
    static func integerArray(_ cell: PostgresCell) throws -> [Int64] {
        guard let text = cell.text else { return [] }
        guard text.first == "{", text.last == "}" else { throw ClipStoreError("column \(cell.column) holds '\(text)', not an integer array") }
        let inner = text.dropFirst().dropLast()
        if inner.isEmpty { return [] }
        return try inner.split(separator: ",").map { item in
            if item == "NULL" { return 0 }
            guard let v = Int64(item) else { throw ClipStoreError("column \(cell.column) holds '\(text)', not an integer array") }
            return v
        }
    }
}

public struct ClipStoreError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// What a `PostgresSink` writes and how: every sink default lives here.
public struct PostgresSinkOptions: Sendable {
    /// The target table, optionally schema-qualified (`public.clips`). Each part is quoted as written, so it is
    /// case-sensitive: use the names as the catalog stores them (lower case unless created quoted).
    public var table: String
    /// The columns written, in the order of the record's values; nil: the record type's `postgresColumns`.
    public var columns: [String]?
    /// The columns of the table's primary key or unique constraint. Non-empty: each batch is an upsert
    /// (`INSERT … ON CONFLICT (key) DO UPDATE SET` every other column), so a replay duplicates nothing.
    /// Empty: plain INSERTs (at-least-once, a replay may duplicate rows or trip a unique constraint).
    public var conflictKey: [String]
    /// With a conflict key: a condition on the stored row (named by the table's unqualified name) and the new one
    /// (`EXCLUDED`) that must hold for an upsert to overwrite it — `ON CONFLICT … DO UPDATE SET … WHERE condition`.
    /// nil: every conflict overwrites. E.g. `clips.status <> 'created'`: a final row is never replaced.
    public var updateCondition: String?
    /// Rows written per statement; a batch holds at most this many distinct keys.
    public var batchSize = 500
    /// A partial batch is written at least this often, so a quiet stream's last rows do not wait.
    public var flushInterval: Duration = .seconds(1)
    /// How long a batch is retried while the database is unreachable before the sink fails the job.
    public var maxRetryDuration: Duration = .seconds(300)
    /// The first wait between retries; it doubles each time up to `maxBackoff`.
    public var initialBackoff: Duration = .milliseconds(100)
    public var maxBackoff: Duration = .seconds(5)
    /// Rejected rows each writer describes on stderr before it only counts them.
    public var maxLoggedRejections = 100

    public init(table: String, columns: [String]? = nil, conflictKey: [String] = [], batchSize: Int = 500,
                flushInterval: Duration = .seconds(1), maxRetryDuration: Duration = .seconds(300)) {
        self.table = table; self.columns = columns; self.conflictKey = conflictKey; self.batchSize = batchSize
        self.flushInterval = flushInterval; self.maxRetryDuration = maxRetryDuration
    }
}

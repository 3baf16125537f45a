import Foundation
import PostgresConnector

/// The monitor's writes to `streamers` (one row per tracked channel), through the shared pool.
public struct StreamersStore: Sendable {
    public let pool: PostgresConnectionPool
    public let table: String

    public init(pool: PostgresConnectionPool, table: String = "streamers") {
        self.pool = pool; self.table = table
    }

    /// Runs the schema (idempotent), statement by statement in one transaction.
    public func applySchema(_ sql: String = HighlightsSchema.sql) async throws {
        let statements = HighlightsSchema.statements(sql)
        try await pool.withConnection { connection in
            _ = try connection.execute("BEGIN")
            do {
                for statement in statements { _ = try connection.execute(statement) }
                _ = try connection.execute("COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Tracked channels recorded in the table: (id, login).
    public func trackedChannels() async throws -> [TrackedChannel] {
        let table = self.table
        return try await pool.withConnection { connection in
            try connection.query("SELECT broadcaster_id, broadcaster_login, display_name FROM \(table) WHERE tracked ORDER BY broadcaster_id")
                .rows.compactMap { row in
                    guard let id = row[0].string(), let login = row[1].string() else { return nil }
                    return TrackedChannel(id: BroadcasterID(id), login: login, displayName: row[2].string())
                }
        }
    }

    /// Channels the table says are live (what a restarted monitor checks against Redis and Helix).
    public func liveChannels() async throws -> [TrackedChannel] {
        let table = self.table
        return try await pool.withConnection { connection in
            try connection.query("SELECT broadcaster_id, broadcaster_login FROM \(table) WHERE is_live").rows.compactMap { row in
                guard let id = row[0].string(), let login = row[1].string() else { return nil }
                return TrackedChannel(id: BroadcasterID(id), login: login)
            }
        }
    }

    /// Inserts the channels as tracked, keeping what is known about them.
    public func track(_ channels: [TrackedChannel]) async throws {
        guard !channels.isEmpty else { return }
        let table = self.table
        try await pool.withConnection { connection in
            for channel in channels {
                _ = try connection.execute("""
                    INSERT INTO \(table) (broadcaster_id, broadcaster_login, display_name, tracked)
                    VALUES ($1, $2, $3, TRUE)
                    ON CONFLICT (broadcaster_id) DO UPDATE SET broadcaster_login = EXCLUDED.broadcaster_login,
                        display_name = COALESCE(EXCLUDED.display_name, \(table).display_name), tracked = TRUE, updated_at = now()
                    """, [.text(channel.id.rawValue), .text(channel.login), PostgresValue(channel.displayName)])
            }
        }
    }

    /// Records a live stream (every poll: title, game and viewers change during a stream).
    public func recordLive(_ stream: LiveStream, wentOnline: Bool) async throws {
        let table = self.table
        let startedAt = PostgresValue.timestamp(RFC3339.epochMillis(stream.startedAt))
        try await pool.withConnection { connection in
            _ = try connection.execute("""
                INSERT INTO \(table) (broadcaster_id, broadcaster_login, display_name, is_live, stream_id, title, game_name,
                                      viewer_count, started_at, last_online_at)
                VALUES ($1, $2, $3, TRUE, $4, $5, $6, $7, $8, now())
                ON CONFLICT (broadcaster_id) DO UPDATE SET broadcaster_login = EXCLUDED.broadcaster_login,
                    display_name = COALESCE(EXCLUDED.display_name, \(table).display_name), is_live = TRUE,
                    stream_id = EXCLUDED.stream_id, title = EXCLUDED.title, game_name = EXCLUDED.game_name,
                    viewer_count = EXCLUDED.viewer_count, started_at = EXCLUDED.started_at,
                    last_online_at = CASE WHEN $9 OR \(table).last_online_at IS NULL THEN now() ELSE \(table).last_online_at END,
                    updated_at = now()
                """, [.text(stream.broadcasterID.rawValue), .text(stream.login), PostgresValue(stream.displayName),
                      .text(stream.streamID), .text(stream.title), .text(stream.gameName), PostgresValue(stream.viewerCount),
                      startedAt, .bool(wentOnline)])
        }
    }

    public func recordOffline(_ id: BroadcasterID) async throws {
        let table = self.table
        try await pool.withConnection { connection in
            _ = try connection.execute("UPDATE \(table) SET is_live = FALSE, viewer_count = NULL, last_offline_at = now(), updated_at = now() WHERE broadcaster_id = $1",
                                       [.text(id.rawValue)])
        }
    }

    public func ping() async throws {
        _ = try await pool.withConnection(timeout: .seconds(3)) { try $0.query("SELECT 1") }
    }
}

/// RFC 3339 timestamps as Helix writes them (`2021-03-10T03:18:11Z`, optionally with fractions).
enum RFC3339 {
    static func epochMillis(_ text: String) -> Int64? {
        let plain = ISO8601DateFormatter()
        if let d = plain.date(from: text) { return Int64(d.timeIntervalSince1970 * 1000) }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text).map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    static func format(epochMillis: Int64) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date(timeIntervalSince1970: Double(epochMillis) / 1000))
    }
}

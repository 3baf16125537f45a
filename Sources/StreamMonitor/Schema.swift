import Foundation

/// The Highlights schema the monitor applies at start. It must equal `infrastructure/postgres/init.sql`
/// (a test compares them), which stays the file operators and the PostgreSQL container read.
public enum HighlightsSchema {
    /// The script's statements: `--` comments removed (the schema has no `--` or `;` inside literals), split at `;`.
    public static func statements(_ script: String = sql) -> [String] {
        let uncommented = script.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.range(of: "--").map { String(line[..<$0.lowerBound]) } ?? String(line)
        }.joined(separator: "\n")
        return uncommented.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    public static let sql = #"""
-- Highlights schema (DESIGN.md §7). Idempotent: safe to run on every start.

-- One row per tracked channel; the monitor upserts it on every poll and lifecycle change.
CREATE TABLE IF NOT EXISTS streamers (
    broadcaster_id    TEXT PRIMARY KEY,
    broadcaster_login TEXT NOT NULL,
    display_name      TEXT,
    tracked           BOOLEAN NOT NULL DEFAULT TRUE,   -- the monitor follows tracked channels
    is_live           BOOLEAN NOT NULL DEFAULT FALSE,
    stream_id         TEXT,                            -- the current or last stream
    title             TEXT,
    game_name         TEXT,
    viewer_count      INTEGER,
    started_at        TIMESTAMPTZ,
    last_online_at    TIMESTAMPTZ,
    last_offline_at   TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS streamers_login ON streamers (lower(broadcaster_login));

-- One row per anomaly the clip detector flagged: the clip it created, or the failure.
-- anomaly_id = '<broadcaster_id>:<window_end epoch ms>' is deterministic, so a restarted job upserts, never duplicates.
CREATE TABLE IF NOT EXISTS clips (
    anomaly_id        TEXT PRIMARY KEY,
    clip_id           TEXT UNIQUE,                     -- Twitch's clip id; NULL when creation failed
    broadcaster_id    TEXT NOT NULL,
    broadcaster_login TEXT,
    status            TEXT NOT NULL CHECK (status IN ('created', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    error             TEXT,                            -- why it failed (last attempt)
    window_start      TIMESTAMPTZ NOT NULL,
    window_end        TIMESTAMPTZ NOT NULL,
    message_count     INTEGER NOT NULL,                -- chat messages in the triggering window
    baseline_mean     DOUBLE PRECISION NOT NULL,
    baseline_stddev   DOUBLE PRECISION NOT NULL,
    baseline_samples  INTEGER NOT NULL,
    chat_counts       INTEGER[] NOT NULL DEFAULT '{}', -- the baseline window counts then this one: the chart around the moment
    title             TEXT,
    url               TEXT,
    edit_url          TEXT,
    embed_url         TEXT,
    thumbnail_url     TEXT,
    created_at        TIMESTAMPTZ NOT NULL,            -- when the clip was created (or the attempt given up)
    inserted_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The API's queries: newest first in a time range, optionally per channel, with a keyset cursor.
CREATE INDEX IF NOT EXISTS clips_created ON clips (created_at DESC, anomaly_id DESC);
CREATE INDEX IF NOT EXISTS clips_broadcaster_created ON clips (broadcaster_id, created_at DESC, anomaly_id DESC);

-- The clip detector's Create Clip requests per anomaly, written before and right after each request: a retry, a
-- restarted job or a restore from an older savepoint confirms the clip a 202 already named instead of creating
-- another, and never sends more than three Create Clip requests for one anomaly (DESIGN.md §8).
CREATE TABLE IF NOT EXISTS clip_requests (
    anomaly_id      TEXT PRIMARY KEY,
    broadcaster_id  TEXT NOT NULL,
    create_requests INTEGER NOT NULL DEFAULT 0,        -- Create Clip requests sent (or about to be), ever
    clip_id         TEXT,                              -- the id Twitch's 202 returned; NULL until one did
    edit_url        TEXT,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
"""#
}

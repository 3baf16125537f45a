import Dataflow
import Foundation
import PostgresConnector

/// Makes a Twitch clip of a live channel and waits until Twitch confirms it (Create Clip, then Get Clips).
/// `HelixClipCreator` is the real one; tests may stand in their own.
public protocol ClipCreating: Sendable {
    func createConfirmedClip(broadcasterID: String) async throws -> ConfirmedClip
}

/// What the create-clip stage decided for one anomaly.
public enum ClipCreationOutcome: Sendable, Equatable {
    /// Twitch confirmed the clip; `twitchMillis` is how long the successful call took.
    case created(ConfirmedClip, broadcasterLogin: String?, twitchMillis: Int64)
    /// `clips` already holds this anomaly (a restarted job replaying its input): nothing to do, no Twitch call.
    case alreadyRecorded(status: String)
    /// The moment is too far in the past to clip (Twitch clips the live stream's last seconds): recorded as failed.
    case tooOld(ageMillis: Int64, broadcasterLogin: String?)
}

/// Reads what `clips` and `streamers` already know about an anomaly, through a shared pool.
public struct ClipLedger: Sendable {
    public let pool: PostgresConnectionPool
    public let clipsTable: String
    public let streamersTable: String

    public init(pool: PostgresConnectionPool, clipsTable: String = "clips", streamersTable: String = "streamers") {
        self.pool = pool; self.clipsTable = clipsTable; self.streamersTable = streamersTable
    }

    public struct Entry: Sendable {
        /// `created` / `failed`, or nil when the anomaly has no row yet.
        public var status: String?
        /// The channel's login from `streamers`, when the monitor has recorded it.
        public var broadcasterLogin: String?
    }

    public func lookup(anomalyID: String, broadcasterID: String) async throws -> Entry {
        let clips = clipsTable, streamers = streamersTable
        return try await pool.withConnection { connection in
            let status = try connection.query("SELECT status FROM \(clips) WHERE anomaly_id = $1", [.text(anomalyID)])
            // `streamers` is the monitor's table: a job running without the monitor still records clips.
            let login = try? connection.query("SELECT broadcaster_login FROM \(streamers) WHERE broadcaster_id = $1",
                                              [.text(broadcasterID)])
            return Entry(status: status.rowCount > 0 ? status[row: 0][0].string() : nil,
                         broadcasterLogin: login.flatMap { $0.rowCount > 0 ? $0[row: 0][0].string() : nil })
        }
    }
}

/// The async I/O stage's function: skip anomalies `clips` already has (so a restart never clips twice), refuse
/// moments too old to clip, otherwise create the clip and wait for Twitch to confirm it.
public struct CreateClip: AsyncFunction {
    public typealias Input = Anomaly
    public typealias Output = ClipCreationOutcome

    public let creator: any ClipCreating
    public let ledger: ClipLedger
    /// Anomalies whose window ended longer ago than this (wall clock) are not clipped.
    public let maxClipAgeMillis: Int64
    public let now: @Sendable () -> Int64

    public init(creator: any ClipCreating, ledger: ClipLedger, maxClipAgeMillis: Int64,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.creator = creator; self.ledger = ledger; self.maxClipAgeMillis = maxClipAgeMillis; self.now = now
    }

    public func invoke(_ anomaly: Anomaly) async throws -> ClipCreationOutcome {
        let entry = try await ledger.lookup(anomalyID: ClipRow.anomalyID(of: anomaly), broadcasterID: anomaly.broadcasterID)
        let age = now() - anomaly.windowEnd
        if let status = entry.status, status == ClipRow.Status.created.rawValue || age > maxClipAgeMillis {
            return .alreadyRecorded(status: status)
        }
        guard age <= maxClipAgeMillis else { return .tooOld(ageMillis: age, broadcasterLogin: entry.broadcasterLogin) }
        let started = ContinuousClock.now
        let clip = try await creator.createConfirmedClip(broadcasterID: anomaly.broadcasterID)
        return .created(clip, broadcasterLogin: clip.broadcasterLogin ?? entry.broadcasterLogin,
                        twitchMillis: (ContinuousClock.now - started).milliseconds)
    }
}

/// A row for `clips` and what the operator metrics need to know about it.
public struct ClipOutcome: Sendable {
    public var row: ClipRow
    /// How long Twitch took (the successful call, or all attempts of a failed one); nil when Twitch was not called.
    public var twitchMillis: Int64?

    /// The row an async result becomes; nil when `clips` already has it.
    public static func from(_ result: AsyncResult<Anomaly, ClipCreationOutcome>, now: Int64) -> ClipOutcome? {
        let anomaly = result.input
        switch result.outcome {
        case .success(.alreadyRecorded):
            return nil
        case .success(.created(let clip, let login, let millis)):
            return ClipOutcome(row: ClipRow(anomaly: anomaly, broadcasterLogin: login, status: .created, attempts: result.attempts,
                                            error: nil, clip: clip, createdAt: now), twitchMillis: millis)
        case .success(.tooOld(let age, let login)):
            return ClipOutcome(row: ClipRow(anomaly: anomaly, broadcasterLogin: login, status: .failed, attempts: 0,
                                            error: "not clipped: the moment was \(age / 1000) s in the past when the job saw it",
                                            clip: nil, createdAt: now), twitchMillis: nil)
        case .failure(let failure):
            return ClipOutcome(row: ClipRow(anomaly: anomaly, broadcasterLogin: nil, status: .failed, attempts: result.attempts,
                                            error: failure.description, clip: nil, createdAt: now),
                               twitchMillis: result.latencyMillis)
        }
    }
}

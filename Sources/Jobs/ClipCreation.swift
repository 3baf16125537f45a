import Dataflow
import Foundation
import Logging
import PostgresConnector
import Synchronization

/// Makes Twitch clips in two steps, so the clip id can be made durable in between: Create Clip (one request,
/// never repeated underneath — a POST that may have created a clip must not be sent again blindly), then Get Clips
/// until Twitch shows it. `HelixClipCreator` is the real one; tests may stand in their own.
public protocol ClipCreating: Sendable {
    /// Sends exactly one Create Clip request; the 202's clip id and edit URL.
    func createClip(broadcasterID: String) async throws -> PendingClip
    /// Waits until Get Clips shows `clip`; throws when it does not within this attempt's window.
    func confirmClip(_ clip: PendingClip) async throws -> ConfirmedClip
}

/// A clip Create Clip answered 202 for, not yet confirmed by Get Clips.
public struct PendingClip: Sendable, Equatable {
    public var id: String
    public var editURL: String?
    public init(id: String, editURL: String? = nil) { self.id = id; self.editURL = editURL }
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

/// Every Create Clip request an anomaly may have is spent and no 202 named a clip: not retried (the stage's
/// policy marks it non-retryable), recorded as failed.
public struct ClipRequestsExhausted: Error, CustomStringConvertible {
    public let anomalyID: String
    public let requests: Int
    public var description: String {
        "anomaly \(anomalyID): \(requests) Create Clip requests already sent without a clip id; not sending another"
    }
}

/// What `clips`, `clip_requests` and `streamers` know about an anomaly, through a shared pool. `clip_requests` is
/// written before and right after each Create Clip request, so every attempt, a restarted job and a restore from an
/// older savepoint see the clip a 202 already named, and how many requests were already sent.
public struct ClipLedger: Sendable {
    public let pool: PostgresConnectionPool
    public let clipsTable: String
    public let streamersTable: String
    public let requestsTable: String

    public init(pool: PostgresConnectionPool, clipsTable: String = "clips", streamersTable: String = "streamers",
                requestsTable: String = "clip_requests") {
        self.pool = pool; self.clipsTable = clipsTable; self.streamersTable = streamersTable; self.requestsTable = requestsTable
    }

    public struct Entry: Sendable {
        /// `created` / `failed`, or nil when the anomaly has no row yet.
        public var status: String?
        /// The channel's login from `streamers`, when the monitor has recorded it.
        public var broadcasterLogin: String?
        /// The clip a 202 named for this anomaly, not necessarily confirmed yet.
        public var pendingClip: PendingClip?
        /// Create Clip requests sent for this anomaly so far, by any attempt of any run.
        public var createRequests: Int = 0
    }

    public func lookup(anomalyID: String, broadcasterID: String) async throws -> Entry {
        let clips = clipsTable, streamers = streamersTable, requests = requestsTable
        return try await pool.withConnection { connection in
            let status = try connection.query("SELECT status FROM \(clips) WHERE anomaly_id = $1", [.text(anomalyID)])
            let sent = try connection.query("SELECT create_requests, clip_id, edit_url FROM \(requests) WHERE anomaly_id = $1",
                                            [.text(anomalyID)])
            // `streamers` is the monitor's table: a job running without the monitor still records clips.
            let login = try? connection.query("SELECT broadcaster_login FROM \(streamers) WHERE broadcaster_id = $1",
                                              [.text(broadcasterID)])
            var entry = Entry(status: status.rowCount > 0 ? status[row: 0][0].string() : nil,
                              broadcasterLogin: login.flatMap { $0.rowCount > 0 ? $0[row: 0][0].string() : nil })
            if sent.rowCount > 0 {
                entry.createRequests = try sent[row: 0][0].int() ?? 0
                entry.pendingClip = sent[row: 0][1].string().map { PendingClip(id: $0, editURL: sent[row: 0][2].string()) }
            }
            return entry
        }
    }

    public enum Reservation: Sendable, Equatable {
        /// Send the request: it is the `n`th for this anomaly.
        case granted(Int)
        /// A 202 already named this clip (another attempt got there first): confirm it instead.
        case pending(PendingClip)
        /// `limit` requests were already sent and none named a clip.
        case exhausted(Int)
    }

    /// Counts one Create Clip request for the anomaly before it is sent — atomically, so the cap holds across
    /// attempts, subtasks and restarts (a request that dies in flight still counts: it may have created a clip).
    public func reserveCreateRequest(anomalyID: String, broadcasterID: String, limit: Int) async throws -> Reservation {
        let requests = requestsTable
        return try await pool.withConnection { connection in
            let granted = try connection.query("""
                INSERT INTO \(requests) (anomaly_id, broadcaster_id, create_requests) VALUES ($1, $2, 1)
                ON CONFLICT (anomaly_id) DO UPDATE SET create_requests = \(requests).create_requests + 1, updated_at = now()
                WHERE \(requests).clip_id IS NULL AND \(requests).create_requests < $3
                RETURNING create_requests
                """, [.text(anomalyID), .text(broadcasterID), .int64(Int64(limit))])
            if granted.rowCount > 0 { return .granted(try granted[row: 0][0].int() ?? 1) }
            let row = try connection.query("SELECT create_requests, clip_id, edit_url FROM \(requests) WHERE anomaly_id = $1",
                                           [.text(anomalyID)])
            guard row.rowCount > 0 else { return .exhausted(limit) }   // deleted under us: send nothing rather than guess
            if let id = row[row: 0][1].string() { return .pending(PendingClip(id: id, editURL: row[row: 0][2].string())) }
            return .exhausted(try row[row: 0][0].int() ?? limit)
        }
    }

    /// Records the clip a 202 named, right after it arrived (the first one wins; there is only ever one).
    public func recordCreated(anomalyID: String, clip: PendingClip) async throws {
        let requests = requestsTable
        _ = try await pool.withConnection { connection in
            try connection.execute("UPDATE \(requests) SET clip_id = $2, edit_url = $3, updated_at = now() WHERE anomaly_id = $1 AND clip_id IS NULL",
                                   [.text(anomalyID), .text(clip.id), PostgresValue(clip.editURL)])
        }
    }
}

/// Clip ids a 202 returned in this process, in case writing one to `clip_requests` failed: the next attempt still
/// confirms it rather than creating another.
final class PendingClipMemo: Sendable {
    private let clips = Mutex<[String: PendingClip]>([:])
    func remember(_ clip: PendingClip, for anomalyID: String) { clips.withLock { $0[anomalyID] = clip } }
    func clip(for anomalyID: String) -> PendingClip? { clips.withLock { $0[anomalyID] } }
    func forget(_ anomalyID: String) { _ = clips.withLock { $0.removeValue(forKey: anomalyID) } }
}

/// The async I/O stage's function: skip anomalies `clips` already has (so a restart never clips twice), refuse
/// moments too old to clip, otherwise create the clip — or resume confirming the one an earlier attempt or run
/// created — and wait for Twitch to confirm it. One anomaly makes at most one clip and at most
/// `maxCreateRequests` Create Clip requests, ever.
public struct CreateClip: AsyncFunction {
    public typealias Input = Anomaly
    public typealias Output = ClipCreationOutcome

    public let creator: any ClipCreating
    public let ledger: ClipLedger
    /// Anomalies whose window ended longer ago than this (wall clock) are not clipped.
    public let maxClipAgeMillis: Int64
    /// Create Clip requests per anomaly in all (DESIGN.md §8: attempts at 0, 3 and 6 s).
    public let maxCreateRequests: Int
    public let now: @Sendable () -> Int64
    let memo = PendingClipMemo()
    let logger: Logger

    public init(creator: any ClipCreating, ledger: ClipLedger, maxClipAgeMillis: Int64, maxCreateRequests: Int = 3,
                logger: Logger = Logger(label: "clip-detector.create-clip"),
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.creator = creator; self.ledger = ledger; self.maxClipAgeMillis = maxClipAgeMillis
        self.maxCreateRequests = maxCreateRequests; self.logger = logger; self.now = now
    }

    public func invoke(_ anomaly: Anomaly) async throws -> ClipCreationOutcome {
        let id = ClipRow.anomalyID(of: anomaly)
        do {
            return try await attempt(anomaly, id: id)
        } catch {
            // The stage's policy decides whether another attempt follows; the cause is visible either way.
            logger.warning("clip creation attempt failed", metadata: ["anomaly_id": "\(id)", "error": "\(error)"])
            throw error
        }
    }

    private func attempt(_ anomaly: Anomaly, id: String) async throws -> ClipCreationOutcome {
        let entry = try await ledger.lookup(anomalyID: id, broadcasterID: anomaly.broadcasterID)
        let age = now() - anomaly.windowEnd
        if let status = entry.status, status == ClipRow.Status.created.rawValue || age > maxClipAgeMillis {
            return .alreadyRecorded(status: status)
        }
        let started = ContinuousClock.now
        // A 202 already named this anomaly's clip (an earlier attempt, run or savepoint): confirm that one.
        if let pending = entry.pendingClip ?? memo.clip(for: id) {
            return try await confirm(pending, id: id, login: entry.broadcasterLogin, started: started)
        }
        guard age <= maxClipAgeMillis else { return .tooOld(ageMillis: age, broadcasterLogin: entry.broadcasterLogin) }
        switch try await ledger.reserveCreateRequest(anomalyID: id, broadcasterID: anomaly.broadcasterID, limit: maxCreateRequests) {
        case .pending(let pending):
            return try await confirm(pending, id: id, login: entry.broadcasterLogin, started: started)
        case .exhausted(let sent):
            // A row already says how it ended (a restart replaying a given-up anomaly): leave it as it is.
            if let status = entry.status { return .alreadyRecorded(status: status) }
            throw ClipRequestsExhausted(anomalyID: id, requests: sent)
        case .granted:
            break
        }
        let pending = try await creator.createClip(broadcasterID: anomaly.broadcasterID)
        memo.remember(pending, for: id)
        try await ledger.recordCreated(anomalyID: id, clip: pending)
        return try await confirm(pending, id: id, login: entry.broadcasterLogin, started: started)
    }

    private func confirm(_ pending: PendingClip, id: String, login: String?, started: ContinuousClock.Instant) async throws -> ClipCreationOutcome {
        let clip = try await creator.confirmClip(pending)
        memo.forget(id)
        return .created(clip, broadcasterLogin: clip.broadcasterLogin ?? login,
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

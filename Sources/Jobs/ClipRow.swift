import Dataflow
import PostgresConnector

/// One row of `clips` (infrastructure/postgres/init.sql): the clip an anomaly produced, or why it could not be made.
/// `anomalyID` is deterministic, so a restarted job upserts the same row instead of adding one.
public struct ClipRow: PostgresRow, Sendable, Equatable {
    public enum Status: String, Sendable { case created, failed }

    public var anomalyID: String
    public var clipID: String?
    public var broadcasterID: String
    public var broadcasterLogin: String?
    public var status: Status
    public var attempts: Int
    public var error: String?
    public var windowStart: Int64
    public var windowEnd: Int64
    public var messageCount: Int64
    public var baselineMean: Double
    public var baselineStddev: Double
    public var baselineSamples: Int
    /// The baseline counts, oldest first, then the triggering count.
    public var chatCounts: [Int64]
    public var title: String?
    public var url: String?
    public var editURL: String?
    public var embedURL: String?
    public var thumbnailURL: String?
    /// Epoch ms: when the clip was created, or when the attempts were given up.
    public var createdAt: Int64

    /// `"<broadcaster_id>:<window_end epoch ms>"`.
    public static func anomalyID(of anomaly: Anomaly) -> String { "\(anomaly.broadcasterID):\(anomaly.windowEnd)" }

    public init(anomaly: Anomaly, broadcasterLogin: String?, status: Status, attempts: Int, error: String?,
                clip: ConfirmedClip?, createdAt: Int64) {
        anomalyID = Self.anomalyID(of: anomaly)
        clipID = clip?.id
        broadcasterID = anomaly.broadcasterID
        self.broadcasterLogin = broadcasterLogin
        self.status = status
        self.attempts = attempts
        self.error = error
        windowStart = anomaly.windowStart
        windowEnd = anomaly.windowEnd
        messageCount = anomaly.count
        baselineMean = anomaly.mean
        baselineStddev = anomaly.stddev
        baselineSamples = anomaly.baselineCounts.count
        chatCounts = anomaly.baselineCounts + [anomaly.count]
        title = clip?.title
        url = clip?.url
        editURL = clip?.editURL
        embedURL = clip?.embedURL
        thumbnailURL = clip?.thumbnailURL
        self.createdAt = createdAt
    }

    public static let postgresColumns = [
        "anomaly_id", "clip_id", "broadcaster_id", "broadcaster_login", "status", "attempts", "error",
        "window_start", "window_end", "message_count", "baseline_mean", "baseline_stddev", "baseline_samples",
        "chat_counts", "title", "url", "edit_url", "embed_url", "thumbnail_url", "created_at",
    ]

    public var postgresValues: [PostgresValue] {
        [.text(anomalyID), PostgresValue(clipID), .text(broadcasterID), PostgresValue(broadcasterLogin),
         .text(status.rawValue), PostgresValue(attempts), PostgresValue(error),
         .timestamp(epochMillis: windowStart), .timestamp(epochMillis: windowEnd), .int64(messageCount),
         .double(baselineMean), .double(baselineStddev), PostgresValue(baselineSamples),
         // An array literal sent untyped: the server reads it as the column's integer[].
         .text("{" + chatCounts.map(String.init).joined(separator: ",") + "}"),
         PostgresValue(title), PostgresValue(url), PostgresValue(editURL), PostgresValue(embedURL),
         PostgresValue(thumbnailURL), .timestamp(epochMillis: createdAt)]
    }
}

/// A clip Twitch confirmed (Get Clips returned it), as the `clips` row records it.
public struct ConfirmedClip: Sendable, Equatable {
    public var id: String
    public var url: String?
    public var editURL: String?
    public var embedURL: String?
    public var thumbnailURL: String?
    public var title: String?
    public var broadcasterLogin: String?

    public init(id: String, url: String? = nil, editURL: String? = nil, embedURL: String? = nil,
                thumbnailURL: String? = nil, title: String? = nil, broadcasterLogin: String? = nil) {
        self.id = id; self.url = url; self.editURL = editURL; self.embedURL = embedURL
        self.thumbnailURL = thumbnailURL; self.title = title; self.broadcasterLogin = broadcasterLogin
    }
}

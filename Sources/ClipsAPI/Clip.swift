/// One row of `clips` as the API shows it (with the channel's name from `streamers`).
public struct Clip: Sendable, Equatable {
    public var anomalyID: AnomalyID
    public var clipID: String?
    public var broadcasterID: String
    public var broadcasterLogin: String?
    public var broadcasterName: String?
    public var status: String
    public var attempts: Int64
    public var error: String?
    public var windowStart: Int64      // epoch microseconds
    public var windowEnd: Int64
    public var messageCount: Int64
    public var baselineMean: Double
    public var baselineStddev: Double
    public var baselineSamples: Int64
    /// The baseline window counts, 1 s apart, then the triggering window's count.
    public var chatCounts: [Int64]
    public var title: String?
    public var url: String?
    public var embedURL: String?
    public var thumbnailURL: String?
    public var createdAt: Int64
    /// `created_at` exactly as PostgreSQL wrote it: the cursor's half of the position.
    public var createdAtText: String

    var cursor: ClipCursor { ClipCursor(createdAt: createdAtText, anomalyID: anomalyID) }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("id", clipID)
        json.field("anomaly_id", anomalyID.rawValue)
        json.field("broadcaster_id", broadcasterID)
        json.field("broadcaster_login", broadcasterLogin)
        json.field("broadcaster_name", broadcasterName ?? broadcasterLogin)
        json.field("title", title)
        json.field("url", url)
        json.field("embed_url", embedURL)
        json.field("thumbnail_url", thumbnailURL)
        json.field("created_at", Timestamp.iso8601(micros: createdAt))
        json.field("status", status)
        json.field("attempts", attempts)
        json.field("error", error)
        json.field("window_start", Timestamp.iso8601(micros: windowStart))
        json.field("window_end", Timestamp.iso8601(micros: windowEnd))
        json.field("message_count", messageCount)
        json.field("baseline_mean", baselineMean)
        json.field("baseline_stddev", baselineStddev)
        json.field("baseline_samples", baselineSamples)
        json.key("chat_counts")
        json.beginArray()
        for count in chatCounts { json.int(count) }
        json.endArray()
        json.endObject()
    }
}

/// A page of clips, newest first, and where the next page starts (nil: this was the last).
public struct ClipPage: Sendable {
    public var clips: [Clip]
    public var next: ClipCursor?

    func json() -> [UInt8] {
        var json = JSONWriter(capacity: 512 + clips.count * 900)
        json.beginObject()
        json.key("data")
        json.beginArray()
        for clip in clips { clip.write(to: &json) }
        json.endArray()
        json.key("pagination")
        json.beginObject()
        if let next { json.field("cursor", next.encoded) }
        json.endObject()
        json.endObject()
        return json.bytes
    }
}

/// A channel that has clips, for the page's channel filter.
public struct ChannelSummary: Sendable, Equatable {
    public var broadcasterID: String
    public var login: String?
    public var name: String?
    public var isLive: Bool
    public var clipCount: Int64
    public var lastClipAt: Int64?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("broadcaster_id", broadcasterID)
        json.field("broadcaster_login", login)
        json.field("broadcaster_name", name ?? login)
        json.field("is_live", isLive)
        json.field("clip_count", clipCount)
        json.field("last_clip_at", lastClipAt.map { Timestamp.iso8601(micros: $0) })
        json.endObject()
    }
}

import Dataflow

/// A Twitch chat message as it travels through Kafka and the replay files (DESIGN.md §7).
public struct ChatMessage: Sendable, Equatable, JSONDecodableRecord, JSONEncodableRecord {
    public var broadcasterID: String
    public var broadcasterLogin: String?
    public var userID: String
    public var userLogin: String
    public var text: String
    /// Epoch milliseconds (Twitch's `tmi-sent-ts`): the event time.
    public var ts: Int64
    public var messageID: String?

    public init(broadcasterID: String, broadcasterLogin: String? = nil, userID: String = "", userLogin: String = "",
                text: String, ts: Int64, messageID: String? = nil) {
        self.broadcasterID = broadcasterID; self.broadcasterLogin = broadcasterLogin; self.userID = userID
        self.userLogin = userLogin; self.text = text; self.ts = ts; self.messageID = messageID
    }

    /// Event times outside [2000-01-01, 2286-11-20] are not chat timestamps in milliseconds.
    static let plausibleTimestamps: ClosedRange<Int64> = 946_684_800_000...9_999_999_999_999

    public init(json: JSONObject) throws {
        broadcasterID = try json.string("broadcaster_id")
        guard !broadcasterID.isEmpty else { throw JSONError("field 'broadcaster_id' is empty") }
        text = try json.string("text")
        ts = try json.int64("ts")
        guard Self.plausibleTimestamps.contains(ts) else { throw JSONError("field 'ts' is not an epoch-millisecond timestamp: \(ts)") }
        broadcasterLogin = try json.optionalString("broadcaster_login")
        userID = try json.optionalString("user_id") ?? ""
        userLogin = try json.optionalString("user_login") ?? ""
        messageID = try json.optionalString("message_id")
    }

    public func encode(json w: inout JSONWriter) {
        w.beginObject()
        w.field("broadcaster_id", broadcasterID)
        if let broadcasterLogin { w.field("broadcaster_login", broadcasterLogin) }
        w.field("user_id", userID)
        w.field("user_login", userLogin)
        w.field("text", text)
        w.field("ts", ts)
        if let messageID { w.field("message_id", messageID) }
        w.endObject()
    }
}

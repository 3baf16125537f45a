import Dataflow

// The records that cross TaskManagers in the jobs here, in the runtime's binary wire encoding.

extension ChatMessage: WireCodable {
    public func encode(to writer: inout WireWriter) {
        writer.write(broadcasterID); writer.write(broadcasterLogin); writer.write(userID); writer.write(userLogin)
        writer.write(text); writer.write(ts); writer.write(messageID)
    }
    public static func decode(from reader: inout WireReader) throws -> ChatMessage {
        let broadcasterID = try reader.readString(), broadcasterLogin = try reader.readOptionalString()
        let userID = try reader.readString(), userLogin = try reader.readString(), text = try reader.readString()
        let ts = try reader.readInt64(), messageID = try reader.readOptionalString()
        return ChatMessage(broadcasterID: broadcasterID, broadcasterLogin: broadcasterLogin, userID: userID, userLogin: userLogin,
                           text: text, ts: ts, messageID: messageID)
    }
}

extension ChatRate: WireCodable {
    public func encode(to writer: inout WireWriter) {
        writer.write(broadcasterID); writer.write(windowStart); writer.write(windowEnd); writer.write(count)
    }
    public static func decode(from reader: inout WireReader) throws -> ChatRate {
        let key = try reader.readString(), start = try reader.readInt64(), end = try reader.readInt64(), count = try reader.readInt64()
        return ChatRate(WindowResult(key: key, window: TimeWindow(start: start, end: end), value: Int(count)))
    }
}

extension Anomaly: WireCodable {
    public func encode(to writer: inout WireWriter) {
        writer.write(broadcasterID); writer.write(windowStart); writer.write(windowEnd); writer.write(count)
        writer.write(mean); writer.write(stddev)
    }
    public static func decode(from reader: inout WireReader) throws -> Anomaly {
        Anomaly(broadcasterID: try reader.readString(), windowStart: try reader.readInt64(), windowEnd: try reader.readInt64(),
                count: try reader.readInt64(), mean: try reader.readDouble(), stddev: try reader.readDouble())
    }
}

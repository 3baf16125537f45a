import Dataflow

/// Names one logical channel on a TaskManager-to-TaskManager connection: which job attempt, which exchange edge of
/// its graph, and which producer subtask feeds which consumer subtask. Both ends derive it from the same graph.
public struct ChannelKey: Hashable, Sendable, CustomStringConvertible {
    public let jobID: JobID
    /// The execution attempt (restarts count up), so that late frames of a cancelled attempt find no channel.
    public let attempt: UInt32
    public let edge: UInt16
    public let producer: UInt16
    public let consumer: UInt16

    public init(jobID: JobID, attempt: Int, edge: Int, producer: Int, consumer: Int) {
        self.jobID = jobID
        self.attempt = UInt32(attempt)
        self.edge = UInt16(edge)
        self.producer = UInt16(producer)
        self.consumer = UInt16(consumer)
    }

    func encode(to w: inout WireWriter) {
        w.write(jobID.raw.upper); w.write(jobID.raw.lower); w.write(attempt)
        w.write(UInt32(edge) << 16 | UInt32(producer)); w.write(UInt32(consumer))
    }

    static func decode(from r: inout WireReader) throws -> ChannelKey {
        let id = JobID(raw: HexID(upper: try r.readUInt64(), lower: try r.readUInt64()))
        let attempt = try r.readUInt32()
        let edgeProducer = try r.readUInt32(), consumer = try r.readUInt32()
        // The consumer travels in 32 bits but is a 16-bit index: a peer's larger value is an error on this
        // connection, not a conversion trap that takes the TaskManager down (found by the data-frame fuzz target).
        guard consumer <= UInt32(UInt16.max) else { throw WireError("channel key names consumer subtask \(consumer), above \(UInt16.max)") }
        return ChannelKey(jobID: id, attempt: Int(attempt), edge: Int(edgeProducer >> 16), producer: Int(edgeProducer & 0xffff),
                          consumer: Int(consumer))
    }

    public var description: String { "\(jobID)#\(attempt) edge \(edge) \(producer)→\(consumer)" }
}

/// A batch on the wire: records as columns (timestamps, then values), then the in-band control elements —
/// watermarks, idle marks and end-of-partition keep their position among the records.
enum BatchEncoding {
    static func encode<T>(_ batch: ChannelBatch<T>, codec: WireCodec<T>, into w: inout WireWriter) {
        w.writeVarint(UInt64(batch.timestamps.count))
        for ts in batch.timestamps { w.write(ts) }
        for v in batch.values { codec.encode(v, &w) }
        w.writeVarint(UInt64(batch.controls.count))
        for c in batch.controls {
            w.writeVarint(UInt64(c.position))
            w.write(c.kind.rawValue)
            w.write(c.watermark)
        }
    }

    static func decode<T>(channel: Int, codec: WireCodec<T>, from r: inout WireReader) throws -> ChannelBatch<T> {
        // Counts and positions are compared as read (up to 2^64 - 1) before becoming Int: a peer's bad varint is an
        // error on this channel, not a conversion trap that takes the process down.
        let count = try r.readVarint()
        guard count <= UInt64(r.remaining / 8) else { throw WireError("batch claims \(count) records in \(r.remaining) bytes") }
        let n = Int(count)
        var timestamps = [Timestamp]()
        timestamps.reserveCapacity(n)
        for _ in 0..<n { timestamps.append(try r.readInt64()) }
        var values = [T]()
        values.reserveCapacity(n)
        for _ in 0..<n { values.append(try codec.decode(&r)) }
        let controlCount = try r.readVarint()
        guard controlCount <= UInt64(r.remaining) else { throw WireError("batch claims \(controlCount) control elements in \(r.remaining) bytes") }
        let m = Int(controlCount)
        var controls = [ControlMark]()
        controls.reserveCapacity(m)
        for _ in 0..<m {
            let position = try r.readVarint()
            guard let kind = ControlMark.Kind(rawValue: try r.readUInt8()) else { throw WireError("unknown control element kind") }
            guard position <= UInt64(n) else { throw WireError("control element at \(position) in a batch of \(n)") }
            controls.append(ControlMark(position: Int(position), kind: kind, watermark: try r.readInt64()))
        }
        return ChannelBatch(channel: channel, values: values, timestamps: timestamps, controls: controls)
    }
}

/// One frame of the data plane as the network thread reads it (public so that the fuzz targets decode exactly what
/// a peer's bytes become). A malformed frame throws: it fails that connection's channels, never the process.
public enum DataPlaneFrame {
    case data(ChannelKey, batch: WireReader)
    case credit(ChannelKey, Int)

    public static func parse(kind: UInt8, payload: [UInt8]) throws -> DataPlaneFrame {
        var r = WireReader(payload)
        switch NetworkEnvironment.FrameKind(rawValue: kind) {
        case .data?:
            return .data(try ChannelKey.decode(from: &r), batch: r)
        case .credit?:
            let key = try ChannelKey.decode(from: &r)
            return .credit(key, Int(try r.readUInt32()))
        default:
            throw NetworkError("unexpected frame kind \(kind)")
        }
    }

    /// Decodes a data frame's batch as an inbound channel does: the number of records and of control elements.
    public static func decodeBatch<T>(_ r: inout WireReader, codec: WireCodec<T>) throws -> (records: Int, controls: Int) {
        let batch = try BatchEncoding.decode(channel: 0, codec: codec, from: &r)
        return (batch.values.count, batch.controls.count)
    }
}

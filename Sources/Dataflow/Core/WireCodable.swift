/// A compact binary encoding for records that cross a process boundary (an exchange between TaskManagers).
/// Not `Codable`: a record is written field by field into one byte buffer, without keys or type tags, so a batch
/// of a thousand records costs one allocation. Both sides build the same job graph, so the type is known.
public protocol WireCodable {
    func encode(to writer: inout WireWriter)
    static func decode(from reader: inout WireReader) throws -> Self
}

/// Appends little-endian integers, doubles and length-prefixed strings.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable public mutating func write(_ v: UInt8) { append(v) }
    @usableFromInline mutating func append(_ v: UInt8) { bytes.append(v) }

    public mutating func write(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func write(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func write(_ v: Int64) { write(UInt64(bitPattern: v)) }
    public mutating func write(_ v: Int) { write(Int64(v)) }
    public mutating func write(_ v: Double) { write(v.bitPattern) }
    public mutating func write(_ v: Bool) { bytes.append(v ? 1 : 0) }

    /// Unsigned LEB128: small lengths take one byte.
    public mutating func writeVarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    public mutating func write(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func write(_ s: String?) {
        if let s { write(true); write(s) } else { write(false) }
    }

    public mutating func write(raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }
    public mutating func write(raw: [UInt8]) { bytes.append(contentsOf: raw) }
}

/// Reads what `WireWriter` wrote; every read checks the bounds, so a truncated or corrupt frame is an error.
public struct WireReader {
    public let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int) throws -> Int {
        guard n >= 0, remaining >= n else { throw WireError("truncated frame: needed \(n) bytes at \(offset), \(remaining) left") }
        defer { offset += n }
        return offset
    }

    public mutating func readUInt8() throws -> UInt8 { bytes[try take(1)] }

    public mutating func readUInt32() throws -> UInt32 {
        let at = try take(4)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[at + i]) << (8 * UInt32(i)) }
        return v
    }

    public mutating func readUInt64() throws -> UInt64 {
        let at = try take(8)
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
        return v
    }

    public mutating func readInt64() throws -> Int64 { Int64(bitPattern: try readUInt64()) }
    public mutating func readInt() throws -> Int { Int(try readInt64()) }
    public mutating func readDouble() throws -> Double { Double(bitPattern: try readUInt64()) }
    public mutating func readBool() throws -> Bool { try readUInt8() != 0 }

    public mutating func readVarint() throws -> UInt64 {
        var v: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try readUInt8()
            v |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return v }
            shift += 7
            guard shift < 64 else { throw WireError("varint longer than 64 bits at \(offset)") }
        }
    }

    public mutating func readString() throws -> String {
        let n = try readVarint()
        guard n <= UInt64(remaining) else { throw WireError("string of \(n) bytes in a frame with \(remaining) left") }
        let at = try take(Int(n))
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[at..<(at + Int(n))]), as: UTF8.self) }
    }

    public mutating func readOptionalString() throws -> String? { try readBool() ? try readString() : nil }

    public mutating func readBytes(_ n: Int) throws -> ArraySlice<UInt8> {
        let at = try take(n)
        return bytes[at..<(at + n)]
    }
}

public struct WireError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension String: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(self) }
    public static func decode(from reader: inout WireReader) throws -> String { try reader.readString() }
}
extension Int: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(self) }
    public static func decode(from reader: inout WireReader) throws -> Int { try reader.readInt() }
}
extension Int64: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(self) }
    public static func decode(from reader: inout WireReader) throws -> Int64 { try reader.readInt64() }
}
extension Double: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(self) }
    public static func decode(from reader: inout WireReader) throws -> Double { try reader.readDouble() }
}
extension Bool: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(self) }
    public static func decode(from reader: inout WireReader) throws -> Bool { try reader.readBool() }
}
extension TimeWindow: WireCodable {
    public func encode(to writer: inout WireWriter) { writer.write(start); writer.write(end) }
    public static func decode(from reader: inout WireReader) throws -> TimeWindow {
        TimeWindow(start: try reader.readInt64(), end: try reader.readInt64())
    }
}
extension Keyed: WireCodable where Key: WireCodable, Value: WireCodable {
    public func encode(to writer: inout WireWriter) { key.encode(to: &writer); value.encode(to: &writer) }
    public static func decode(from reader: inout WireReader) throws -> Keyed {
        Keyed(key: try Key.decode(from: &reader), value: try Value.decode(from: &reader))
    }
}
extension WindowResult: WireCodable where Key: WireCodable, Value: WireCodable {
    public func encode(to writer: inout WireWriter) { key.encode(to: &writer); window.encode(to: &writer); value.encode(to: &writer) }
    public static func decode(from reader: inout WireReader) throws -> WindowResult {
        WindowResult(key: try Key.decode(from: &reader), window: try TimeWindow.decode(from: &reader), value: try Value.decode(from: &reader))
    }
}
extension DeadLetter: WireCodable {
    public func encode(to writer: inout WireWriter) {
        writer.write(origin); writer.write(position); writer.write(reason); writer.write(raw)
    }
    public static func decode(from reader: inout WireReader) throws -> DeadLetter {
        DeadLetter(origin: try reader.readString(), position: try reader.readInt64(), reason: try reader.readString(), raw: try reader.readString())
    }
}

/// Encoder and decoder for a type known only as a generic parameter; nil when the type is not `WireCodable`.
public struct WireCodec<T>: @unchecked Sendable {
    public let encode: (T, inout WireWriter) -> Void
    public let decode: (inout WireReader) throws -> T

    public init?(_: T.Type = T.self) {
        guard let codable = T.self as? any WireCodable.Type else { return nil }
        func open<W: WireCodable>(_: W.Type) -> ((T, inout WireWriter) -> Void, (inout WireReader) throws -> T) {
            ({ value, writer in (value as! W).encode(to: &writer) }, { reader in try W.decode(from: &reader) as! T })
        }
        (encode, decode) = open(codable)
    }
}

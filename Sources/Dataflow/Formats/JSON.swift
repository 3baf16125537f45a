/// A type that can be read from one flat JSON object (a JSON line, a Kafka message value).
public protocol JSONDecodableRecord {
    init(json: JSONObject) throws
}

/// A type that can be written as one JSON object.
public protocol JSONEncodableRecord {
    func encode(json: inout JSONWriter)
}

public struct JSONError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A scanned JSON object: its top-level fields, looked up by key. Valid only while the bytes it was scanned
/// from are (the parser hands it to `init(json:)` and forgets it).
public struct JSONObject {
    @usableFromInline let base: UnsafeRawBufferPointer
    @usableFromInline let fields: [JSONLineParser.Field]

    @usableFromInline
    func find(_ key: UnsafeRawBufferPointer) -> JSONLineParser.Field? {
        for f in fields where f.keyEnd - f.keyStart == key.count && !f.keyEscaped {
            if key.count == 0 || memcmpEqual(base.baseAddress! + f.keyStart, key.baseAddress!, key.count) { return f }
        }
        // A key written with escapes ("na\u006de") is compared after unescaping (rare: only then is it decoded).
        for f in fields where f.keyEscaped {
            if let name = try? decodeString(f.keyStart, f.keyEnd, escaped: true, key: "key"),
               Array(name.utf8).elementsEqual(key) { return f }
        }
        return nil
    }

    @usableFromInline
    func field(_ key: StaticString) -> JSONLineParser.Field? {
        find(UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    public func contains(_ key: StaticString) -> Bool { field(key) != nil }

    public func string(_ key: StaticString) throws -> String {
        guard let f = field(key) else { throw JSONError("missing field '\(key)'") }
        guard f.kind == .string else { throw JSONError("field '\(key)' is not a string") }
        return try decodeString(f.valueStart, f.valueEnd, escaped: f.valueEscaped, key: key)
    }

    public func optionalString(_ key: StaticString) throws -> String? {
        guard let f = field(key), f.kind != .null else { return nil }
        guard f.kind == .string else { throw JSONError("field '\(key)' is not a string") }
        return try decodeString(f.valueStart, f.valueEnd, escaped: f.valueEscaped, key: key)
    }

    /// An integer field; a string holding an integer is accepted too (Twitch sends ids as strings).
    public func int64(_ key: StaticString) throws -> Int64 {
        guard let f = field(key) else { throw JSONError("missing field '\(key)'") }
        switch f.kind {
        case .number, .string:
            guard let v = parseInt(f.valueStart, f.valueEnd) else { throw JSONError("field '\(key)' is not a 64-bit integer") }
            return v
        default: throw JSONError("field '\(key)' is not an integer")
        }
    }

    public func double(_ key: StaticString) throws -> Double {
        guard let f = field(key) else { throw JSONError("missing field '\(key)'") }
        guard f.kind == .number,
              let v = Double(String(decoding: UnsafeRawBufferPointer(rebasing: base[f.valueStart..<f.valueEnd]), as: UTF8.self))
        else { throw JSONError("field '\(key)' is not a number") }
        return v
    }

    public func bool(_ key: StaticString) throws -> Bool {
        guard let f = field(key) else { throw JSONError("missing field '\(key)'") }
        switch f.kind {
        case .true: return true
        case .false: return false
        default: throw JSONError("field '\(key)' is not a boolean")
        }
    }

    @usableFromInline
    func parseInt(_ start: Int, _ end: Int) -> Int64? {
        var i = start
        guard i < end else { return nil }
        let negative = base[i] == UInt8(ascii: "-")
        if negative { i += 1; guard i < end else { return nil } }
        var v: Int64 = 0
        while i < end {
            let d = base[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        return v
    }

    func decodeString(_ start: Int, _ end: Int, escaped: Bool, key: StaticString) throws -> String {
        let raw = UnsafeRawBufferPointer(rebasing: base[start..<end])
        if !escaped {
            // ASCII (the common case) is valid UTF-8 as it stands; only other text needs the validating path.
            var ascii = true
            for b in raw where b >= 0x80 { ascii = false; break }
            if ascii { return String(decoding: raw, as: UTF8.self) }
            guard let s = String(validating: raw, as: UTF8.self) else { throw JSONError("field '\(key)' is not valid UTF-8") }
            return s
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let c = raw[i]
            if c != UInt8(ascii: "\\") { bytes.append(c); i += 1; continue }
            guard i + 1 < raw.count else { throw JSONError("field '\(key)' ends inside an escape") }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5c)
            case UInt8(ascii: "/"): bytes.append(0x2f)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0c)
            case UInt8(ascii: "n"): bytes.append(0x0a)
            case UInt8(ascii: "r"): bytes.append(0x0d)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                guard let hi = hex4(raw, i) else { throw JSONError("field '\(key)' has a bad \\u escape") }
                i += 4
                var scalar = UInt32(hi)
                if (0xD800...0xDBFF).contains(hi) {
                    guard i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u"),
                          let lo = hex4(raw, i + 2), (0xDC00...0xDFFF).contains(lo)
                    else { throw JSONError("field '\(key)' has an unpaired surrogate") }
                    i += 6
                    scalar = 0x10000 + ((UInt32(hi) - 0xD800) << 10) + (UInt32(lo) - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(hi) {
                    throw JSONError("field '\(key)' has an unpaired surrogate")
                }
                guard let u = Unicode.Scalar(scalar) else { throw JSONError("field '\(key)' has an invalid code point") }
                bytes.append(contentsOf: UTF8.encode(u)!)
            default:
                throw JSONError("field '\(key)' has an unknown escape \\\(Character(Unicode.Scalar(e)))")
            }
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw JSONError("field '\(key)' is not valid UTF-8") }
        return s
    }

    private func hex4(_ raw: UnsafeRawBufferPointer, _ at: Int) -> UInt16? {
        guard at + 4 <= raw.count else { return nil }
        var v: UInt16 = 0
        for k in 0..<4 {
            let c = raw[at + k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt16(d)
        }
        return v
    }
}

@usableFromInline
func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    for i in 0..<n where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) {
        return false
    }
    return true
}

/// Scans one JSON object (the top level of a line) without building a tree: it records where each field's key
/// and value are, and validates the syntax, nested values included. One parser per thread; it reuses its buffers.
public final class JSONLineParser {
    public enum Kind: UInt8 { case string, number, `true`, `false`, null, object, array }
    public struct Field {
        var keyStart: Int, keyEnd: Int, valueStart: Int, valueEnd: Int
        var kind: Kind
        var keyEscaped: Bool, valueEscaped: Bool
    }

    private var fields: [Field] = []
    public init() { fields.reserveCapacity(16) }

    /// Scans `bytes` as one JSON object and hands it to `T.init(json:)`.
    public func decode<T: JSONDecodableRecord>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        try scan(bytes)
        return try T(json: JSONObject(base: bytes, fields: fields))
    }

    public func decode<T: JSONDecodableRecord>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { try decode(type, from: $0) }
    }

    private func scan(_ b: UnsafeRawBufferPointer) throws {
        // Work on a local array (no exclusivity checks per access), handed back with its capacity at the end.
        var fields: [Field] = []
        swap(&fields, &self.fields)
        defer { swap(&fields, &self.fields) }
        fields.removeAll(keepingCapacity: true)
        var i = 0
        let n = b.count
        @inline(__always) func skipWS() { while i < n, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0d || b[i] == 0x0a { i += 1 } }
        skipWS()
        guard i < n, b[i] == UInt8(ascii: "{") else { throw JSONError("not a JSON object (column \(i + 1))") }
        i += 1
        skipWS()
        if i < n, b[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipWS()
                guard i < n, b[i] == UInt8(ascii: "\"") else { throw JSONError("expected a field name at column \(i + 1)") }
                let (ks, ke, kesc) = try scanString(b, &i)
                skipWS()
                guard i < n, b[i] == UInt8(ascii: ":") else { throw JSONError("expected ':' at column \(i + 1)") }
                i += 1
                skipWS()
                guard i < n else { throw JSONError("missing value at column \(i + 1)") }
                var field = Field(keyStart: ks, keyEnd: ke, valueStart: i, valueEnd: i, kind: .null, keyEscaped: kesc, valueEscaped: false)
                if b[i] == UInt8(ascii: "\"") {
                    // A string field keeps its content's range (quotes excluded) for decoding on demand.
                    let (vs, ve, vesc) = try scanString(b, &i)
                    field.valueStart = vs; field.valueEnd = ve; field.valueEscaped = vesc; field.kind = .string
                } else {
                    field.kind = Self.kind(startingWith: b[i])
                    try skipValue(b, &i, depth: 1)
                    field.valueEnd = i
                }
                fields.append(field)
                skipWS()
                guard i < n else { throw JSONError("unterminated object") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; break }
                throw JSONError("expected ',' or '}' at column \(i + 1)")
            }
        }
        skipWS()
        guard i == n else { throw JSONError("trailing characters after the object at column \(i + 1)") }
    }

    /// On entry b[i] is the opening quote; returns the content range and whether it holds escapes.
    private func scanString(_ b: UnsafeRawBufferPointer, _ i: inout Int) throws -> (Int, Int, Bool) {
        let start = i + 1
        var j = start
        var escaped = false
        while j < b.count {
            let c = b[j]
            if c == UInt8(ascii: "\"") { i = j + 1; return (start, j, escaped) }
            if c == UInt8(ascii: "\\") { escaped = true; j += 2; continue }
            if c < 0x20 { throw JSONError("control character in a string at column \(j + 1)") }
            j += 1
        }
        throw JSONError("unterminated string starting at column \(start)")
    }

    private func scanNumber(_ b: UnsafeRawBufferPointer, _ i: inout Int) throws {
        let start = i
        if b[i] == UInt8(ascii: "-") { i += 1 }
        let firstDigit = i
        var digits = 0
        while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1; digits += 1 }
        guard digits > 0 else { throw JSONError("bad number at column \(start + 1)") }
        guard digits == 1 || b[firstDigit] != UInt8(ascii: "0") else { throw JSONError("number with a leading zero at column \(start + 1)") }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var frac = 0
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1; frac += 1 }
            guard frac > 0 else { throw JSONError("bad number at column \(start + 1)") }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            var exp = 0
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1; exp += 1 }
            guard exp > 0 else { throw JSONError("bad number at column \(start + 1)") }
        }
    }

    private func literal(_ b: UnsafeRawBufferPointer, _ i: inout Int, _ word: StaticString) throws {
        let len = word.utf8CodeUnitCount
        guard i + len <= b.count, memcmpEqual(b.baseAddress! + i, word.utf8Start, len) else {
            throw JSONError("bad literal at column \(i + 1)")
        }
        i += len
    }

    /// The kind of the value whose first byte is `first` (`skipValue` rejects anything else).
    private static func kind(startingWith first: UInt8) -> Kind {
        switch first {
        case UInt8(ascii: "t"): .true
        case UInt8(ascii: "f"): .false
        case UInt8(ascii: "n"): .null
        case UInt8(ascii: "{"): .object
        case UInt8(ascii: "["): .array
        default: .number
        }
    }

    /// Validates and skips one value (objects and arrays in full, to a depth of 64).
    private func skipValue(_ b: UnsafeRawBufferPointer, _ i: inout Int, depth: Int) throws {
        guard depth <= 64 else { throw JSONError("nested deeper than 64 levels at column \(i + 1)") }
        func ws() { while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0d || b[i] == 0x0a { i += 1 } }
        guard i < b.count else { throw JSONError("missing value at column \(i + 1)") }
        switch b[i] {
        case UInt8(ascii: "\""): _ = try scanString(b, &i)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber(b, &i)
        case UInt8(ascii: "t"): try literal(b, &i, "true")
        case UInt8(ascii: "f"): try literal(b, &i, "false")
        case UInt8(ascii: "n"): try literal(b, &i, "null")
        case UInt8(ascii: "{"):
            i += 1; ws()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return }
            while true {
                ws()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw JSONError("expected a field name at column \(i + 1)") }
                _ = try scanString(b, &i)
                ws()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw JSONError("expected ':' at column \(i + 1)") }
                i += 1; ws()
                try skipValue(b, &i, depth: depth + 1)
                ws()
                guard i < b.count else { throw JSONError("unterminated object") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return }
                throw JSONError("expected ',' or '}' at column \(i + 1)")
            }
        case UInt8(ascii: "["):
            i += 1; ws()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                ws()
                try skipValue(b, &i, depth: depth + 1)
                ws()
                guard i < b.count else { throw JSONError("unterminated array") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return }
                throw JSONError("expected ',' or ']' at column \(i + 1)")
            }
        default:
            throw JSONError("unexpected character at column \(i + 1)")
        }
    }
}

/// Writes one JSON object into a byte buffer, escaping strings as RFC 8259 requires.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false
    public init() { bytes.reserveCapacity(256) }

    public mutating func beginObject() { bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }

    private mutating func key(_ k: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        appendString(k)
        bytes.append(UInt8(ascii: ":"))
        needsComma = true
    }
    public mutating func field(_ k: String, _ v: String) { key(k); appendString(v) }
    public mutating func field(_ k: String, _ v: String?) { key(k); if let v { appendString(v) } else { bytes += Array("null".utf8) } }
    public mutating func field(_ k: String, _ v: Int64) { key(k); bytes += Array(String(v).utf8) }
    public mutating func field(_ k: String, _ v: Int) { key(k); bytes += Array(String(v).utf8) }
    public mutating func field(_ k: String, _ v: Bool) { key(k); bytes += Array((v ? "true" : "false").utf8) }
    public mutating func field(_ k: String, _ v: Double) {
        key(k)
        bytes += Array((v.isFinite ? "\(v)" : "null").utf8)
    }

    public mutating func appendString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): bytes += [0x5c, 0x22]
            case UInt8(ascii: "\\"): bytes += [0x5c, 0x5c]
            case 0x0a: bytes += [0x5c, UInt8(ascii: "n")]
            case 0x0d: bytes += [0x5c, UInt8(ascii: "r")]
            case 0x09: bytes += [0x5c, UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [0x5c, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(c >> 4)], hex[Int(c & 15)]]
            default: bytes.append(c)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// One record as a JSON line's bytes (no newline).
    public static func encode<T: JSONEncodableRecord>(_ value: T) -> [UInt8] {
        var w = JSONWriter()
        value.encode(json: &w)
        return w.bytes
    }
}

extension DeadLetter: JSONEncodableRecord {
    public func encode(json w: inout JSONWriter) {
        w.beginObject()
        w.field("origin", origin)
        w.field("position", position)
        w.field("reason", reason)
        w.field("raw", raw)
        w.endObject()
    }
}

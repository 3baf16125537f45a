/// Writes JSON straight into bytes: the clip list is the hot path, and Foundation's encoder costs more than the query.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func beginObject() { valueStart(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    mutating func beginArray() { valueStart(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    mutating func key(_ name: String) {
        valueStart()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false   // the value follows without a comma
    }

    mutating func string(_ value: String?) {
        valueStart()
        if let value { appendString(value) } else { bytes.append(contentsOf: "null".utf8) }
    }
    mutating func int(_ value: Int64?) {
        valueStart()
        bytes.append(contentsOf: (value.map { String($0) } ?? "null").utf8)
    }
    mutating func double(_ value: Double?) {
        valueStart()
        if let value, value.isFinite { bytes.append(contentsOf: String(value).utf8) } else { bytes.append(contentsOf: "null".utf8) }
    }
    mutating func bool(_ value: Bool) { valueStart(); bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    mutating func null() { valueStart(); bytes.append(contentsOf: "null".utf8) }

    mutating func field(_ name: String, _ value: String?) { key(name); string(value) }
    mutating func field(_ name: String, _ value: Int64?) { key(name); int(value) }
    mutating func field(_ name: String, _ value: Int) { key(name); int(Int64(value)) }
    mutating func field(_ name: String, _ value: Double?) { key(name); double(value) }
    mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }

    private mutating func valueStart() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private mutating func appendString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            // `<` escaped too, so a title can never close a script tag if the JSON is ever inlined in HTML.
            case 0..<0x20, UInt8(ascii: "<"):
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(Self.hex[Int(b >> 4)]); bytes.append(Self.hex[Int(b & 0xF)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

import Foundation
import Logging

/// Builds one JSON object as UTF-8 bytes without Foundation's encoders: log lines are written on hot paths, and
/// a hand-rolled writer with a reserved buffer costs one allocation per line.
struct JSONLineBuilder {
    private(set) var bytes: [UInt8]
    private var needsComma = false

    init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    mutating func key(_ key: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: String, string value: String) {
        key(name)
        appendString(value)
    }

    mutating func field(_ name: String, raw value: String) {
        key(name)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func field(_ name: String, metadata value: Logger.MetadataValue) {
        key(name)
        appendValue(value)
    }

    /// Closes the object and ends the line.
    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    // MARK: values

    mutating func appendValue(_ value: Logger.MetadataValue) {
        switch value {
        case .string(let string):
            appendString(string)
        case .stringConvertible(let convertible):
            appendConvertible(convertible)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendValue(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendString(key)
                bytes.append(UInt8(ascii: ":"))
                appendValue(dictionary[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Numbers and booleans stay numbers and booleans, so Loki/LogQL can compare them; anything else is its description.
    private mutating func appendConvertible(_ value: any CustomStringConvertible & Sendable) {
        switch value {
        case let bool as Bool: bytes.append(contentsOf: (bool ? "true" : "false").utf8)
        case let int as Int: bytes.append(contentsOf: String(int).utf8)
        case let int as Int64: bytes.append(contentsOf: String(int).utf8)
        case let int as Int32: bytes.append(contentsOf: String(int).utf8)
        case let int as UInt: bytes.append(contentsOf: String(int).utf8)
        case let int as UInt64: bytes.append(contentsOf: String(int).utf8)
        case let int as UInt32: bytes.append(contentsOf: String(int).utf8)
        case let double as Double where double.isFinite: bytes.append(contentsOf: String(double).utf8)
        case let float as Float where float.isFinite: bytes.append(contentsOf: String(float).utf8)
        default: appendString(value.description)
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7); other Unicode stays UTF-8,
    /// except U+2028/U+2029, escaped because some JavaScript-based readers treat them as line ends.
    mutating func appendString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                var escape: StaticString? = nil
                var unicodeEscape: UInt16? = nil
                var width = 1
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0x08: escape = "\\b"
                case 0x0C: escape = "\\f"
                case 0x00..<0x20: unicodeEscape = UInt16(byte)
                case 0xE2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    unicodeEscape = utf8[index + 2] == 0xA8 ? 0x2028 : 0x2029
                    width = 3
                default: break
                }
                if escape == nil && unicodeEscape == nil { index += 1; continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                if let escape {
                    escape.withUTF8Buffer { bytes.append(contentsOf: $0) }
                } else if let code = unicodeEscape {
                    bytes.append(contentsOf: "\\u".utf8)
                    for shift in stride(from: 12, through: 0, by: -4) {
                        bytes.append(Self.hexDigits[Int((code >> UInt16(shift)) & 0xF)])
                    }
                }
                index += width
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

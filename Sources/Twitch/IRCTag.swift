/// One IRCv3 message tag; `value` is unescaped (`\s` → space, `\:` → `;`, `\\`, `\r`, `\n`).
public struct IRCTag: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    /// Escapes a value for the wire (IRCv3 message-tags).
    public static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x3B || $0 == 0x20 || $0 == 0x5C || $0 == 0x0D || $0 == 0x0A }) else {
            return value
        }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 8)
        appendEscaped(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the escaped form of `value` to a byte array (the fake writes lines this way).
    public static func appendEscaped(_ value: String, to out: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case 0x3B: out.append(0x5C); out.append(UInt8(ascii: ":"))
            case 0x20: out.append(0x5C); out.append(UInt8(ascii: "s"))
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            default: out.append(byte)
            }
        }
    }

    /// Parses `key=value;key2=…` in `bytes[from..<to]`. Empty entries (`;;`) are skipped; an entry without a key is an error.
    static func parseList(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int) throws(IRCParseError) -> [IRCTag] {
        var tags: [IRCTag] = []
        tags.reserveCapacity(16)
        var start = from
        while start < to {
            var entryEnd = start
            while entryEnd < to, bytes[entryEnd] != 0x3B { entryEnd += 1 }
            if entryEnd > start {
                var equals = start
                while equals < entryEnd, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                guard equals > start else { throw .malformedTags }
                let key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<equals]), as: UTF8.self)
                let value = equals < entryEnd ? unescape(bytes, from: equals + 1, to: entryEnd) : ""
                tags.append(IRCTag(key, value))
            }
            start = entryEnd + 1
        }
        return tags
    }

    static func unescape(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> String {
        var hasEscape = false
        for i in from..<to where bytes[i] == 0x5C {
            hasEscape = true
            break
        }
        guard hasEscape else { return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(to - from)
        var i = from
        while i < to {
            let byte = bytes[i]
            if byte != 0x5C {
                out.append(byte)
                i += 1
                continue
            }
            guard i + 1 < to else { break }  // a trailing lone backslash is dropped
            switch bytes[i + 1] {
            case UInt8(ascii: ":"): out.append(0x3B)
            case UInt8(ascii: "s"): out.append(0x20)
            case 0x5C: out.append(0x5C)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "n"): out.append(0x0A)
            case let other: out.append(other)  // unknown escape: the character itself
            }
            i += 2
        }
        return String(decoding: out, as: UTF8.self)
    }
}

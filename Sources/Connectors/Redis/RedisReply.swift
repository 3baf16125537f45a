import CHiredis

/// One RESP2 reply, copied out of hiredis's reply tree (so it outlives `freeReplyObject`).
public enum RedisReply: Sendable, Equatable, CustomStringConvertible {
    /// A bulk string: binary-safe bytes (NULs included).
    case bulk([UInt8])
    case integer(Int64)
    case array([RedisReply])
    /// A nil bulk string or nil array (`GET` of a missing key).
    case null
    /// A simple status such as `OK` or `PONG`.
    case status(String)
    /// An error reply such as `ERR unknown command`. `RedisClient.command` throws it; a pipeline returns it in place.
    case error(String)

    /// The bytes of a bulk string, or of a status.
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let b): return b
        case .status(let s): return Array(s.utf8)
        default: return nil
        }
    }

    /// A bulk string or status as text (invalid UTF-8 is repaired), or an integer's digits.
    public var text: String? {
        switch self {
        case .bulk(let b): return String(decoding: b, as: UTF8.self)
        case .status(let s): return s
        case .integer(let i): return String(i)
        default: return nil
        }
    }

    public var integer: Int64? { if case .integer(let i) = self { return i } else { return nil } }
    public var elements: [RedisReply]? { if case .array(let a) = self { return a } else { return nil } }
    public var isNull: Bool { self == .null }
    public var isError: Bool { if case .error = self { return true } else { return false } }

    public var description: String {
        switch self {
        case .bulk(let b):
            let s = String(decoding: b.prefix(200), as: UTF8.self)
            return b.count > 200 ? "\"\(s)…\" (\(b.count) bytes)" : "\"\(s)\""
        case .integer(let i): return "(integer) \(i)"
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .null: return "(nil)"
        case .status(let s): return s
        case .error(let e): return "(error) \(e)"
        }
    }

    /// Copies a hiredis reply (the caller frees it).
    init(_ reply: UnsafePointer<redisReply>) {
        let r = reply.pointee
        func text() -> String {
            guard let str = r.str else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: str, count: r.len), as: UTF8.self)
        }
        switch r.type {
        case REDIS_REPLY_STRING:
            self = r.str.map { .bulk(Array(UnsafeRawBufferPointer(start: $0, count: r.len))) } ?? .bulk([])
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            self = .array((0..<r.elements).map { i in r.element[i].map { RedisReply(UnsafePointer($0)) } ?? .null })
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_STATUS:
            self = .status(text())
        case REDIS_REPLY_ERROR:
            self = .error(text())
        default:
            self = .error("unknown reply type \(r.type)")
        }
    }
}

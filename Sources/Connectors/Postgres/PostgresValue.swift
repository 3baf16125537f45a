/// A typed query parameter. Parameters travel in PostgreSQL's text format, each with the type the server should
/// read it as; text goes untyped so that the server takes the target column's type (varchar, uuid, jsonb, enums).
public enum PostgresValue: Sendable, Hashable {
    case null
    case text(String)
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    /// A `timestamptz`, as milliseconds since the Unix epoch.
    case timestamp(epochMillis: Int64)
    case bytes([UInt8])

    public init(_ value: Int) { self = .int64(Int64(value)) }
    public init(_ value: Int32) { self = .int64(Int64(value)) }
    public init(_ value: String?) { self = value.map(PostgresValue.text) ?? .null }
    public init(_ value: Int64?) { self = value.map(PostgresValue.int64) ?? .null }
    public init(_ value: Double?) { self = value.map(PostgresValue.double) ?? .null }
    public init(_ value: Bool?) { self = value.map(PostgresValue.bool) ?? .null }
    /// A `timestamptz` from epoch milliseconds, or NULL.
    public static func timestamp(_ epochMillis: Int64?) -> PostgresValue { epochMillis.map { .timestamp(epochMillis: $0) } ?? .null }

    /// The type OID the parameter is declared with (0: let the server infer it from the context).
    var typeOID: UInt32 {
        switch self {
        case .null, .text: return 0
        case .int64: return 20        // int8
        case .double: return 701      // float8
        case .bool: return 16         // bool
        case .timestamp: return 1184  // timestamptz
        case .bytes: return 17        // bytea
        }
    }

    /// Appends the value's text form, NUL-terminated, as libpq wants it. Throws for a text with a NUL character,
    /// which PostgreSQL cannot store (and libpq would silently cut at).
    func appendText(to bytes: inout [UInt8], parameter: Int) throws {
        switch self {
        case .null: return
        case .text(let s):
            if s.utf8.contains(0) {
                throw PostgresError(.data, "parameter $\(parameter) contains a NUL character, which PostgreSQL text cannot hold",
                                    sqlState: "22021")
            }
            bytes.append(contentsOf: s.utf8)
        case .int64(let v): bytes.append(contentsOf: String(v).utf8)
        case .double(let v):
            // float8in reads what strtod reads, plus these spellings of the special values.
            if v.isNaN { bytes.append(contentsOf: "NaN".utf8) }
            else if v.isInfinite { bytes.append(contentsOf: (v < 0 ? "-Infinity" : "Infinity").utf8) }
            else { bytes.append(contentsOf: v.description.utf8) }
        case .bool(let v): bytes.append(contentsOf: (v ? "true" : "false").utf8)
        case .timestamp(let ms): bytes.append(contentsOf: PostgresTimestamp.format(epochMillis: ms).utf8)
        case .bytes(let data):
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "x"))
            for b in data { bytes.append(hex[Int(b >> 4)]); bytes.append(hex[Int(b & 0x0f)]) }
        }
        bytes.append(0)
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// A statement's parameters in the layout `PQexecParams` takes: one byte buffer of NUL-terminated text values,
/// a type per parameter, and NULL as a missing value.
struct EncodedParameters {
    /// PostgreSQL's protocol counts parameters in 16 bits.
    static let maxCount = 65535

    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int] = []   // into `bytes`; -1: NULL
    private(set) var types: [UInt32] = []
    var count: Int { offsets.count }

    init(capacity: Int = 0) {
        offsets.reserveCapacity(capacity); types.reserveCapacity(capacity); bytes.reserveCapacity(capacity * 12)
    }

    init(_ values: [PostgresValue]) throws {
        self.init(capacity: values.count)
        for v in values { try append(v) }
    }

    mutating func append(_ value: PostgresValue) throws {
        if case .null = value { offsets.append(-1) } else {
            offsets.append(bytes.count)
            try value.appendText(to: &bytes, parameter: offsets.count)
        }
        types.append(value.typeOID)
    }

    /// Calls `body` with C arrays of the types and value pointers (nil: NULL), valid only inside it.
    func withCArrays<R>(_ body: (UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { raw in
            let base = raw.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in offset < 0 ? nil : base.map { $0 + offset } }
            return try pointers.withUnsafeBufferPointer { values in
                try types.withUnsafeBufferPointer { types in try body(types.baseAddress, values.baseAddress) }
            }
        }
    }
}

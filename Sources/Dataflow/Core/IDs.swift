/// A 128-bit identifier printed as 32 lowercase hex digits, as Flink's `AbstractID`.
public struct HexID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let upper: UInt64
    public let lower: UInt64
    public init(upper: UInt64, lower: UInt64) { self.upper = upper; self.lower = lower }

    public static func random() -> HexID {
        var g = SystemRandomNumberGenerator()
        return HexID(upper: g.next(), lower: g.next())
    }

    /// A deterministic ID from a stable name (two independent FNV-1a passes), so that a stage keeps its ID
    /// across runs — its metrics and state stay attached to it.
    public static func derived(from name: String) -> HexID {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in name.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
        }
        return HexID(upper: a, lower: b)
    }

    public init?(hex: String) {
        guard hex.utf8.count == 32, let u = UInt64(hex.prefix(16), radix: 16), let l = UInt64(hex.suffix(16), radix: 16)
        else { return nil }
        upper = u; lower = l
    }

    public var description: String { Self.hex(upper) + Self.hex(lower) }
    public static func < (a: HexID, b: HexID) -> Bool { (a.upper, a.lower) < (b.upper, b.lower) }

    private static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let id = HexID(hex: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not 32 hex digits: \(s)"))
        }
        self = id
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Typed IDs: a job ID cannot be passed where a vertex ID is expected.
public protocol TypedID: Hashable, Sendable, CustomStringConvertible, Codable {
    var raw: HexID { get }
    init(raw: HexID)
}
extension TypedID {
    public var description: String { raw.description }
    public static func random() -> Self { Self(raw: .random()) }
    public init?(hex: String) { guard let r = HexID(hex: hex) else { return nil }; self.init(raw: r) }
    public init(from decoder: Decoder) throws { self.init(raw: try HexID(from: decoder)) }
    public func encode(to encoder: Encoder) throws { try raw.encode(to: encoder) }
}

public struct JobID: TypedID { public let raw: HexID; public init(raw: HexID) { self.raw = raw } }
public struct VertexID: TypedID { public let raw: HexID; public init(raw: HexID) { self.raw = raw } }
public struct TaskManagerID: TypedID { public let raw: HexID; public init(raw: HexID) { self.raw = raw } }
public struct TriggerID: TypedID { public let raw: HexID; public init(raw: HexID) { self.raw = raw } }

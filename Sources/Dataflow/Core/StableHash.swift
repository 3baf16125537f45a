/// A key that hashes the same in every process and every run, so that key groups (and the keyed state in them)
/// line up across TaskManagers and restarts. Swift's `Hasher` is seeded per process and cannot serve here.
///
/// The hash is Java's `hashCode()` for the same value, so that a key lands in the same key group as in Flink.
public protocol StableHashable: Hashable, Sendable {
    var stableHashCode: Int32 { get }
}

extension String: StableHashable {
    /// Java's `String.hashCode()`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units.
    public var stableHashCode: Int32 {
        var h: Int32 = 0
        for unit in utf16 { h = 31 &* h &+ Int32(unit) }
        return h
    }
}

extension Int64: StableHashable {
    /// Java's `Long.hashCode()`.
    public var stableHashCode: Int32 { Int32(truncatingIfNeeded: self ^ Int64(bitPattern: UInt64(bitPattern: self) >> 32)) }
}

extension Int: StableHashable {
    public var stableHashCode: Int32 { Int64(self).stableHashCode }
}

extension Int32: StableHashable {
    /// Java's `Integer.hashCode()`.
    public var stableHashCode: Int32 { self }
}

extension UInt64: StableHashable {
    public var stableHashCode: Int32 { Int64(bitPattern: self).stableHashCode }
}

/// Flink's key-group arithmetic (`KeyGroupRangeAssignment`, `MathUtils.murmurHash`).
public enum KeyGroups {
    public static let defaultMaxParallelism = 128

    /// `MathUtils.murmurHash(int)`: one murmur3 round and finaliser, made non-negative.
    @inlinable
    public static func murmurHash(_ code: Int32) -> Int32 {
        var c = UInt32(bitPattern: code)
        c = c &* 0xcc9e_2d51
        c = (c << 15) | (c >> 17)
        c = c &* 0x1b87_3593
        c = (c << 13) | (c >> 19)
        c = c &* 5 &+ 0xe654_6b64
        c ^= 4
        c ^= c >> 16
        c = c &* 0x85eb_ca6b
        c ^= c >> 13
        c = c &* 0xc2b2_ae35
        c ^= c >> 16
        let signed = Int32(bitPattern: c)
        if signed >= 0 { return signed }
        return signed == .min ? 0 : -signed
    }

    /// The key group of a key: `murmurHash(hashCode) % maxParallelism`.
    @inlinable
    public static func keyGroup<K: StableHashable>(of key: K, maxParallelism: Int) -> Int {
        Int(murmurHash(key.stableHashCode)) % maxParallelism
    }

    /// The parallel operator instance that owns a key group.
    @inlinable
    public static func operatorIndex(keyGroup: Int, parallelism: Int, maxParallelism: Int) -> Int {
        keyGroup * parallelism / maxParallelism
    }

    /// The key groups owned by operator instance `index` — the unit of state redistribution on rescaling.
    public static func range(operatorIndex index: Int, parallelism: Int, maxParallelism: Int) -> ClosedRange<Int> {
        let start = (index * maxParallelism + parallelism - 1) / parallelism
        let end = ((index + 1) * maxParallelism - 1) / parallelism
        return start...end
    }
}

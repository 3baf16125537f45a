/// A value together with the key it was partitioned by; what flows on a hash edge after `KeyBy`.
public struct Keyed<Key: StableHashable, Value> {
    public var key: Key
    public var value: Value
    @inlinable public init(key: Key, value: Value) { self.key = key; self.value = value }
}
extension Keyed: Sendable where Value: Sendable {}
extension Keyed: Equatable where Value: Equatable {}

/// What a window emits: the key, the window, and the aggregate's result.
public struct WindowResult<Key: StableHashable, Value> {
    public var key: Key
    public var window: TimeWindow
    public var value: Value
    @inlinable public init(key: Key, window: TimeWindow, value: Value) { self.key = key; self.window = window; self.value = value }
}
extension WindowResult: Sendable where Value: Sendable {}
extension WindowResult: Equatable where Value: Equatable {}

/// A record a source could not turn into a value: counted and sent to the dead-letter output, never dropped silently.
public struct DeadLetter: Sendable, Equatable {
    public var origin: String      // file path, or topic/partition
    public var position: Int64     // line number (1-based) or offset
    public var reason: String
    public var raw: String         // the offending input, truncated
    public init(origin: String, position: Int64, reason: String, raw: String) {
        self.origin = origin; self.position = position; self.reason = reason
        self.raw = raw.count > 1024 ? String(raw.prefix(1024)) + "…" : raw
    }
}

/// A typed name for a side output of a stage (late data, dead letters, user side outputs).
public struct OutputTag<T>: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }
}

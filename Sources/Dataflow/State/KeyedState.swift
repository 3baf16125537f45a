/// Which key the keyed-state handles of one operator instance address right now.
///
/// Keys are numbered densely per operator instance ("slots") as they first appear; each state handle keeps one
/// array indexed by slot. Setting the current key is one dictionary lookup; reading state is an array access.
public final class KeyCursor {
    public var slot: Int = 0
    public internal(set) var slotCount: Int = 0
    public init() {}
}

/// The keyed state of one operator instance: the key index and every state handle it registered.
public final class KeyedStateStore<Key: StableHashable> {
    public let cursor = KeyCursor()
    public private(set) var keys: [Key] = []
    private var slots: [Key: Int] = [:]
    private var handles: [String: AnyObject] = [:]
    public let maxParallelism: Int

    public init(maxParallelism: Int = KeyGroups.defaultMaxParallelism) { self.maxParallelism = maxParallelism }

    /// Makes `key` the current key (registering it on first sight); returns its slot.
    @discardableResult
    public func setCurrentKey(_ key: Key) -> Int {
        if let s = slots[key] { cursor.slot = s; return s }
        let s = keys.count
        keys.append(key)
        slots[key] = s
        cursor.slotCount = keys.count
        cursor.slot = s
        return s
    }
    public func setCurrentSlot(_ slot: Int) { cursor.slot = slot }
    public var currentKey: Key { keys[cursor.slot] }
    public func key(ofSlot slot: Int) -> Key { keys[slot] }

    /// The key group of a slot's key — the unit in which state moves when parallelism changes.
    public func keyGroup(ofSlot slot: Int) -> Int { KeyGroups.keyGroup(of: keys[slot], maxParallelism: maxParallelism) }

    public func valueState<T>(_ name: String, _ type: T.Type = T.self) -> ValueState<T> {
        handle(name) { ValueState<T>(name: name, cursor: cursor) }
    }
    public func listState<T>(_ name: String, _ type: T.Type = T.self) -> ListState<T> {
        handle(name) { ListState<T>(name: name, cursor: cursor) }
    }
    public func mapState<K: Hashable, V>(_ name: String, _ key: K.Type = K.self, _ value: V.Type = V.self) -> MapState<K, V> {
        handle(name) { MapState<K, V>(name: name, cursor: cursor) }
    }

    private func handle<H: AnyObject>(_ name: String, make: () -> H) -> H {
        if let existing = handles[name] {
            guard let typed = existing as? H else {
                preconditionFailure("state '\(name)' was registered before with another type (\(type(of: existing)))")
            }
            return typed
        }
        let h = make()
        handles[name] = h
        return h
    }
}

/// One value per key (Flink's `ValueState`).
public final class ValueState<T> {
    public let name: String
    private let cursor: KeyCursor
    private var values: ContiguousArray<T?> = []
    init(name: String, cursor: KeyCursor) { self.name = name; self.cursor = cursor }

    /// The current key's value, nil when never set or cleared.
    public var value: T? {
        let s = cursor.slot
        return s < values.count ? values[s] : nil
    }
    public func update(_ newValue: T?) {
        let s = cursor.slot
        if s >= values.count {
            if newValue == nil { return }
            values.append(contentsOf: repeatElement(nil, count: cursor.slotCount - values.count))
        }
        values[s] = newValue
    }
    /// Changes the current key's value in place, without copying it out (arrays, structs).
    public func modify<R>(default make: @autoclosure () -> T, _ body: (inout T) throws -> R) rethrows -> R {
        let s = cursor.slot
        if s >= values.count { values.append(contentsOf: repeatElement(nil, count: cursor.slotCount - values.count)) }
        if values[s] == nil { values[s] = make() }
        return try body(&values[s]!)
    }
    public func clear() { update(nil) }
}

/// A list per key (Flink's `ListState`).
public final class ListState<T> {
    public let name: String
    private let cursor: KeyCursor
    private var lists: ContiguousArray<[T]> = []
    init(name: String, cursor: KeyCursor) { self.name = name; self.cursor = cursor }

    private func grow() {
        if cursor.slot >= lists.count { lists.append(contentsOf: repeatElement([], count: cursor.slotCount - lists.count)) }
    }
    public var values: [T] { cursor.slot < lists.count ? lists[cursor.slot] : [] }
    public func add(_ value: T) { grow(); lists[cursor.slot].append(value) }
    public func add<S: Sequence>(contentsOf values: S) where S.Element == T { grow(); lists[cursor.slot].append(contentsOf: values) }
    public func update(_ values: [T]) { grow(); lists[cursor.slot] = values }
    public func clear() { if cursor.slot < lists.count { lists[cursor.slot] = [] } }
}

/// A map per key (Flink's `MapState`).
public final class MapState<K: Hashable, V> {
    public let name: String
    private let cursor: KeyCursor
    private var maps: ContiguousArray<[K: V]> = []
    init(name: String, cursor: KeyCursor) { self.name = name; self.cursor = cursor }

    private func grow() {
        if cursor.slot >= maps.count { maps.append(contentsOf: repeatElement([:], count: cursor.slotCount - maps.count)) }
    }
    public subscript(key: K) -> V? {
        get { cursor.slot < maps.count ? maps[cursor.slot][key] : nil }
        set { grow(); maps[cursor.slot][key] = newValue }
    }
    public func contains(_ key: K) -> Bool { self[key] != nil }
    public func remove(_ key: K) { if cursor.slot < maps.count { maps[cursor.slot][key] = nil } }
    public var entries: [K: V] { cursor.slot < maps.count ? maps[cursor.slot] : [:] }
    public var isEmpty: Bool { entries.isEmpty }
    public func clear() { if cursor.slot < maps.count { maps[cursor.slot] = [:] } }
}

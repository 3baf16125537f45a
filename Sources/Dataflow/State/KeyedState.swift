import Foundation

/// Which key the keyed-state handles of one operator instance address right now.
///
/// Keys are numbered densely per operator instance ("slots") as they first appear; each state handle keeps one
/// array indexed by slot. Setting the current key is one dictionary lookup; reading state is an array access.
public final class KeyCursor {
    public var slot: Int = 0
    public internal(set) var slotCount: Int = 0
    public init() {}

    /// Runs `body` with `slot` current, then puts the current slot back (restoring state of one key).
    func at<R>(_ slot: Int, _ body: () throws -> R) rethrows -> R {
        let current = self.slot
        defer { self.slot = current }
        self.slot = slot
        return try body()
    }
}

/// The keyed state of one operator instance: the key index and every state handle it registered.
public final class KeyedStateStore<Key: StableHashable> {
    public let cursor = KeyCursor()
    public private(set) var keys: [Key] = []
    private var slots: [Key: Int] = [:]
    private var handles: [String: AnyObject] = [:]
    /// Restored values of states not registered yet (a function that registers a handle on first use).
    private var pending: [String: [(slot: Int, data: Data)]] = [:]
    /// A restored value that did not decode when its handle was registered lazily (handles cannot throw): the
    /// operator checks this and fails the job with it.
    public private(set) var lateRestoreError: Error?
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
        if let restored = pending.removeValue(forKey: name), let state = h as? SnapshottableState {
            do {
                for (slot, data) in restored { try state.restore(data, slot: slot) }
            } catch {
                lateRestoreError = error
            }
        }
        return h
    }

    // MARK: Savepoints

    /// Every key with state, each named state's value encoded; `extra` adds the operator's own per-key values
    /// (its timers).
    public func snapshot(extra: (_ slot: Int) throws -> [String: Data] = { _ in [:] }) throws -> [KeyedStateEntry] {
        var entries: [KeyedStateEntry] = []
        let named = handles.compactMap { (name, h) in (h as? SnapshottableState).map { (name, $0) } }
        for slot in keys.indices {
            var values = try extra(slot)
            for (name, state) in named { if let d = try state.snapshot(slot: slot) { values[name] = d } }
            // Values restored but never read since (their handle was not registered again) move on unchanged.
            for (name, list) in pending { for p in list where p.slot == slot { values[name] = p.data } }
            guard !values.isEmpty else { continue }
            entries.append(KeyedStateEntry(keyGroup: keyGroup(ofSlot: slot), key: try StateCodec.encode(keys[slot], "the key"), values: values))
        }
        return entries
    }

    /// Loads entries of a savepoint; `extra` receives each key's slot and values (the operator's own, like timers).
    /// Names starting with `__` belong to the operator, not to a state handle.
    public func restore(_ entries: [KeyedStateEntry], extra: (_ slot: Int, _ values: [String: Data]) throws -> Void = { _, _ in }) throws {
        for e in entries {
            let slot = setCurrentKey(try StateCodec.decode(Key.self, from: e.key, "the key"))
            for (name, data) in e.values where !name.hasPrefix("__") {
                if let state = handles[name] as? SnapshottableState {
                    try state.restore(data, slot: slot)
                } else {
                    pending[name, default: []].append((slot, data))
                }
            }
            try extra(slot, e.values)
        }
        cursor.slot = 0
    }
}

/// A state handle whose per-key values can go into a savepoint.
protocol SnapshottableState: AnyObject {
    func snapshot(slot: Int) throws -> Data?
    func restore(_ data: Data, slot: Int) throws
}

extension ValueState: SnapshottableState {
    func snapshot(slot: Int) throws -> Data? {
        guard slot < values.count, let v = values[slot] else { return nil }
        return try StateCodec.encode(v, "value state '\(name)'")
    }
    func restore(_ data: Data, slot: Int) throws {
        let v = try StateCodec.decode(T.self, from: data, "value state '\(name)'")
        cursor.at(slot) { update(v) }
    }
}

extension ListState: SnapshottableState {
    func snapshot(slot: Int) throws -> Data? {
        guard slot < lists.count, !lists[slot].isEmpty else { return nil }
        return try StateCodec.encode(lists[slot], "list state '\(name)'")
    }
    func restore(_ data: Data, slot: Int) throws {
        let v = try StateCodec.decode([T].self, from: data, "list state '\(name)'")
        cursor.at(slot) { update(v) }
    }
}

extension MapState: SnapshottableState {
    func snapshot(slot: Int) throws -> Data? {
        guard slot < maps.count, !maps[slot].isEmpty else { return nil }
        return try StateCodec.encode(maps[slot], "map state '\(name)'")
    }
    func restore(_ data: Data, slot: Int) throws {
        let v = try StateCodec.decode([K: V].self, from: data, "map state '\(name)'")
        cursor.at(slot) { grow() }
        maps[slot] = v
    }
}

/// One value per key (Flink's `ValueState`).
public final class ValueState<T> {
    public let name: String
    fileprivate let cursor: KeyCursor
    fileprivate var values: ContiguousArray<T?> = []
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
    fileprivate let cursor: KeyCursor
    fileprivate var lists: ContiguousArray<[T]> = []
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
    fileprivate let cursor: KeyCursor
    fileprivate var maps: ContiguousArray<[K: V]> = []
    init(name: String, cursor: KeyCursor) { self.name = name; self.cursor = cursor }

    fileprivate func grow() {
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

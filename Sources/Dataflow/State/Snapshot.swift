import Foundation

/// One operator instance's state in a savepoint, shaped so that it can be redistributed to another parallelism
/// (Flink's three redistribution schemes):
/// - `keyed`: state per key, tagged with the key's group; at restore each instance takes the groups it now owns;
/// - `list`: operator state split round-robin over the new instances (a sink's pending rows);
/// - `union`: operator state every new instance receives whole (a source's split positions; each reader keeps its own).
public struct OperatorSnapshot: Codable, Sendable, Equatable {
    public var keyed: [KeyedStateEntry] = []
    public var list: [Data] = []
    public var union: [Data] = []
    /// The operator's event time when the snapshot was taken. Restored as the minimum over the old instances, so
    /// that a record late before the savepoint is late after it too (it cannot re-open a window that already fired).
    public var watermark: Timestamp?

    public init(keyed: [KeyedStateEntry] = [], list: [Data] = [], union: [Data] = [], watermark: Timestamp? = nil) {
        self.keyed = keyed; self.list = list; self.union = union; self.watermark = watermark
    }

    public var isEmpty: Bool { keyed.isEmpty && list.isEmpty && union.isEmpty && watermark == nil }
}

/// The state of one key: its key group (the unit that moves between instances), the key, and each named state's
/// value, encoded.
public struct KeyedStateEntry: Codable, Sendable, Equatable {
    public var keyGroup: Int
    public var key: Data
    public var values: [String: Data]

    public init(keyGroup: Int, key: Data, values: [String: Data]) {
        self.keyGroup = keyGroup; self.key = key; self.values = values
    }
}

/// Where a source reader is in one of its splits (a Kafka partition, a file), and its watermark generator there.
public struct SplitPosition: Codable, Sendable, Equatable {
    public var split: Int
    /// The next offset to read (Kafka), or the number of lines already consumed (a file).
    public var offset: Int64
    /// The highest timestamp the split's watermark generator has seen, so watermarks continue where they were.
    public var maxTimestamp: Timestamp?

    public init(split: Int, offset: Int64, maxTimestamp: Timestamp? = nil) {
        self.split = split; self.offset = offset; self.maxTimestamp = maxTimestamp
    }
}

public struct StateSnapshotError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Encodes state values for savepoints. State types need not be `Codable` to run a job; only to take a savepoint
/// of it — the check happens at run time, with an error naming the state and its type.
public enum StateCodec {
    public static func encode<T>(_ value: T, _ what: @autoclosure () -> String) throws -> Data {
        guard let encodable = value as? any Encodable else {
            throw StateSnapshotError("\(what()) holds \(T.self), which is not Codable: make it Codable to take savepoints")
        }
        return try JSONEncoder().encode(encodable)
    }

    public static func decode<T>(_ type: T.Type, from data: Data, _ what: @autoclosure () -> String) throws -> T {
        guard let decodable = T.self as? any Decodable.Type else {
            throw StateSnapshotError("\(what()) holds \(T.self), which is not Codable: it cannot be restored from a savepoint")
        }
        do {
            return try JSONDecoder().decode(decodable, from: data) as! T
        } catch {
            throw StateSnapshotError("\(what()): the savepoint's value does not decode as \(T.self): \(error)")
        }
    }
}

/// The rows waiting to be written, one per conflict key: a later record with the same key replaces the earlier one
/// in place (last wins). PostgreSQL refuses an `ON CONFLICT DO UPDATE` that reaches the same row twice in one
/// statement, and only the last version would survive anyway.
struct PendingBatch {
    private let keyIndexes: [Int]
    private(set) var rows: [[PostgresValue]] = []
    private var positionOfKey: [[PostgresValue]: Int] = [:]
    /// Records replaced by a later one with the same key since the batch was last taken.
    private(set) var replaced = 0

    init(keyIndexes: [Int], capacity: Int) {
        self.keyIndexes = keyIndexes
        rows.reserveCapacity(capacity)
        if !keyIndexes.isEmpty { positionOfKey.reserveCapacity(capacity) }
    }

    var count: Int { rows.count }
    var isEmpty: Bool { rows.isEmpty }

    mutating func append(_ row: [PostgresValue]) {
        guard !keyIndexes.isEmpty else { rows.append(row); return }
        let key = keyIndexes.map { row[$0] }
        if let position = positionOfKey[key] {
            rows[position] = row
            replaced += 1
        } else {
            positionOfKey[key] = rows.count
            rows.append(row)
        }
    }

    /// Hands over the rows and starts an empty batch.
    mutating func take() -> (rows: [[PostgresValue]], replaced: Int) {
        let taken = (rows, replaced)
        rows = []
        rows.reserveCapacity(taken.0.count)
        positionOfKey.removeAll(keepingCapacity: true)
        replaced = 0
        return taken
    }
}

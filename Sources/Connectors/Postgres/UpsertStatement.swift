import Foundation

/// The SQL of a batch: one multi-row INSERT with a parameter per value, plus the ON CONFLICT clause of an upsert.
///
///     INSERT INTO "t" ("id","v") VALUES ($1,$2),($3,$4) ON CONFLICT ("id") DO UPDATE SET "v" = EXCLUDED."v"
struct UpsertStatement {
    let columns: [String]
    let conflictKey: [String]
    /// Positions of the key columns among `columns`.
    let keyIndexes: [Int]
    /// A statement may carry at most 65535 parameters.
    let maxRowsPerStatement: Int
    private let head: String
    private let tail: String

    init(table: String, columns: [String], conflictKey: [String], updateCondition: String? = nil) throws {
        guard !columns.isEmpty else { throw PostgresError(.configuration, "PostgresSink for \(table): no columns to write") }
        guard Set(columns).count == columns.count else {
            throw PostgresError(.configuration, "PostgresSink for \(table): columns \(columns) name a column twice")
        }
        var keyIndexes: [Int] = []
        for key in conflictKey {
            guard let i = columns.firstIndex(of: key) else {
                throw PostgresError(.configuration, "PostgresSink for \(table): conflict key column '\(key)' is not among the columns \(columns)")
            }
            keyIndexes.append(i)
        }
        self.columns = columns
        self.conflictKey = conflictKey
        self.keyIndexes = keyIndexes
        maxRowsPerStatement = EncodedParameters.maxCount / columns.count
        head = "INSERT INTO \(Self.quoteQualified(table)) (\(columns.map(Self.quote).joined(separator: ","))) VALUES "
        if conflictKey.isEmpty {
            tail = ""
        } else {
            let updated = columns.filter { !conflictKey.contains($0) }
            let action = updated.isEmpty
                ? "DO NOTHING"
                : "DO UPDATE SET " + updated.map { "\(Self.quote($0)) = EXCLUDED.\(Self.quote($0))" }.joined(separator: ", ")
                    + (updateCondition.map { " WHERE \($0)" } ?? "")
            tail = " ON CONFLICT (\(conflictKey.map(Self.quote).joined(separator: ","))) \(action)"
        }
    }

    /// The statement for `rows` rows.
    func sql(rows: Int) -> String {
        var s = head
        s.reserveCapacity(head.count + tail.count + rows * columns.count * 7)
        var parameter = 1
        for r in 0..<rows {
            s += r == 0 ? "(" : ",("
            for c in 0..<columns.count {
                if c > 0 { s += "," }
                s += "$"; s += String(parameter); parameter += 1
            }
            s += ")"
        }
        return s + tail
    }

    /// The statement reading nothing from the columns, to check at start that the table and columns exist.
    func probeSQL(table: String) -> String {
        "SELECT \(columns.map(Self.quote).joined(separator: ",")) FROM \(Self.quoteQualified(table)) WHERE false"
    }

    static func quote(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    static func quoteQualified(_ name: String) -> String { name.split(separator: ".").map { quote(String($0)) }.joined(separator: ".") }
}

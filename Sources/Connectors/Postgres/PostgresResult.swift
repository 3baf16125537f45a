/// The rows a query returned, copied out of libpq (so the result outlives the connection and crosses threads).
public struct PostgresResult: Sendable {
    /// Column names, in order.
    public let columns: [String]
    /// Each column's type OID (20 int8, 25 text, 1184 timestamptz, …).
    public let columnTypes: [UInt32]
    public let rowCount: Int
    /// Rows inserted, updated or deleted by the statement (0 for a query).
    public let affectedRows: Int
    private let cells: [String?]   // row-major; nil: NULL

    init(columns: [String], columnTypes: [UInt32], cells: [String?], rowCount: Int, affectedRows: Int) {
        self.columns = columns; self.columnTypes = columnTypes; self.cells = cells
        self.rowCount = rowCount; self.affectedRows = affectedRows
    }

    public subscript(row row: Int) -> PostgresResultRow {
        precondition(row >= 0 && row < rowCount, "row \(row) out of 0..<\(rowCount)")
        return PostgresResultRow(result: self, row: row)
    }
    public var rows: [PostgresResultRow] { (0..<rowCount).map { self[row: $0] } }

    fileprivate func cell(_ row: Int, _ column: Int) -> PostgresCell {
        PostgresCell(column: columns[column], text: cells[row * columns.count + column])
    }
}

public struct PostgresResultRow: Sendable {
    fileprivate let result: PostgresResult
    public let row: Int

    public subscript(column: Int) -> PostgresCell { result.cell(row, column) }
    /// The first column with this name; a missing name is a programming error.
    public subscript(column: String) -> PostgresCell {
        guard let i = result.columns.firstIndex(of: column) else {
            preconditionFailure("no column '\(column)' in result (columns: \(result.columns.joined(separator: ", ")))")
        }
        return result.cell(row, i)
    }
}

/// One value of a result row, in PostgreSQL's text form, with typed readers. Each returns nil for NULL and throws
/// when the text is not of the asked type.
public struct PostgresCell: Sendable, CustomStringConvertible {
    public let column: String
    /// The server's text form; nil: NULL.
    public let text: String?

    public var isNull: Bool { text == nil }
    public var description: String { text ?? "NULL" }

    public func string() -> String? { text }

    public func int64() throws -> Int64? {
        guard let text else { return nil }
        guard let v = Int64(text) else { throw mismatch("an integer") }
        return v
    }

    public func int() throws -> Int? { try int64().map { Int($0) } }

    public func double() throws -> Double? {
        guard let text else { return nil }
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let v = Double(text) else { throw mismatch("a number") }
            return v
        }
    }

    public func bool() throws -> Bool? {
        guard let text else { return nil }
        switch text {
        case "t", "true": return true
        case "f", "false": return false
        default: throw mismatch("a boolean")
        }
    }

    /// A `timestamptz` as epoch milliseconds (the session's text form is pinned to ISO and UTC).
    public func timestampMillis() throws -> Int64? {
        guard let text else { return nil }
        guard let v = PostgresTimestamp.parse(text) else { throw mismatch("a timestamp") }
        return v
    }

    /// A `bytea` (hex output form).
    public func bytes() throws -> [UInt8]? {
        guard let text else { return nil }
        let u = Array(text.utf8)
        guard u.count >= 2, u[0] == UInt8(ascii: "\\"), u[1] == UInt8(ascii: "x"), u.count % 2 == 0 else { throw mismatch("bytea in hex form") }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2 - 1)
        var i = 2
        while i < u.count {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { throw mismatch("bytea in hex form") }
            out.append(hi << 4 | lo); i += 2
        }
        return out
    }

    private func mismatch(_ expected: String) -> PostgresError {
        PostgresError(.statement, "column '\(column)' holds '\(text ?? "NULL")', not \(expected)")
    }
}

import Foundation

/// An error from PostgreSQL or from talking to it, sorted by what a caller should do about it.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The server cannot be reached or the session was lost (SQLSTATE class 08, 57P01–57P03, a dead socket).
        /// Retrying on a new connection may succeed.
        case connection
        /// A momentary conflict or shortage (serialization failure, deadlock, lock timeout, too many connections).
        /// Retrying the same statement may succeed.
        case transient
        /// A row the table refuses (SQLSTATE class 22 data exception, 23 integrity violation): retrying will not
        /// help, skipping the row will.
        case data
        /// The statement itself is wrong for this database (syntax, unknown table or column, permissions).
        case statement
        /// No pooled connection became free in time.
        case poolExhausted
        /// Bad settings (URL, options) or a server that refuses our credentials.
        case configuration
    }

    public let kind: Kind
    /// The five-character SQLSTATE, when the server sent one (client-side failures have none).
    public let sqlState: String?
    public let message: String
    /// The server's DETAIL line, if any (which row, which constraint).
    public let detail: String?

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil, detail: String? = nil) {
        self.kind = kind; self.message = message; self.sqlState = sqlState; self.detail = detail
    }

    /// Worth another attempt, on the same or a new connection.
    public var isRetryable: Bool { kind == .connection || kind == .transient || kind == .poolExhausted }
    public var isConnectionError: Bool { kind == .connection }
    public var isDataError: Bool { kind == .data }

    public var description: String {
        var s = sqlState.map { "\($0): \(message)" } ?? message
        if let detail, !detail.isEmpty { s += " (\(detail))" }
        return s
    }

    /// The kind an error with this SQLSTATE belongs to, given whether the session survived it.
    static func kind(sqlState: String?, connectionAlive: Bool) -> Kind {
        guard connectionAlive else { return .connection }
        guard let state = sqlState, state.count == 5 else { return .statement }
        switch state {
        case "57P01", "57P02", "57P03": return .connection          // admin/crash shutdown, cannot connect now
        case "40001", "40P01", "55P03", "57014": return .transient  // serialization, deadlock, lock/statement timeout
        case "54000": return .data                                  // e.g. an index row too large: one row's fault
        case "21000": return .data                                  // a row hit twice in one statement: per-row helps
        default: break
        }
        switch state.prefix(2) {
        case "08": return .connection
        case "53": return .transient   // insufficient resources, too many connections
        case "22", "23": return .data
        case "28": return .configuration   // invalid authorization
        default: return .statement
        }
    }
}

extension String {
    /// A libpq message on one line: libpq ends messages with a newline and indents continuation lines.
    var singleLine: String {
        split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

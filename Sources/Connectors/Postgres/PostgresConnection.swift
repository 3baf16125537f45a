import CLibPQ
import Foundation

/// One libpq session. Statements take parameters only (`$1`, `$2`, … with `PostgresValue`s): values are never
/// spliced into SQL text. Calls are serialised by a lock, so a connection may be handed between threads (the pool
/// does), but one statement runs at a time.
public final class PostgresConnection: @unchecked Sendable {
    public let configuration: PostgresConfiguration
    /// The server process serving this session (what `pg_terminate_backend` takes).
    public let backendPID: Int32
    /// The server's version as a number, e.g. 150018 for 15.18.
    public let serverVersion: Int

    private let lock = NSLock()
    private var handle: OpaquePointer?

    /// Connects, waiting at most `configuration.connectTimeout`.
    public init(configuration: PostgresConfiguration) throws {
        self.configuration = configuration
        let pairs = configuration.libpqParameters
        let keywords = pairs.map { strdup($0.0) }, values = pairs.map { strdup($0.1) }
        defer { keywords.forEach { free($0) }; values.forEach { free($0) } }
        let keywordArray = keywords.map { UnsafePointer<CChar>($0) } + [nil]
        let valueArray = values.map { UnsafePointer<CChar>($0) } + [nil]
        guard let conn = PQconnectdbParams(keywordArray, valueArray, 0) else {
            throw PostgresError(.connection, "cannot connect to PostgreSQL at \(configuration.endpoint): libpq is out of memory")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let reason = String(cString: PQerrorMessage(conn)).singleLine
            PQfinish(conn)
            throw PostgresError(Self.connectFailureKind(reason),
                                "cannot connect to PostgreSQL at \(configuration.endpoint) (database \(configuration.database), "
                                + "user \(configuration.user)): \(reason)")
        }
        // libpq prints NOTICEs (e.g. "table does not exist, skipping") on stderr by default; they are not errors.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        handle = conn
        backendPID = PQbackendPID(conn)
        serverVersion = Int(PQserverVersion(conn))
    }

    deinit { close() }

    /// Runs a statement and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws -> PostgresResult {
        try run(sql, EncodedParameters(parameters))
    }

    /// Runs a statement and returns how many rows it inserted, updated or deleted.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = []) throws -> Int {
        try run(sql, EncodedParameters(parameters)).affectedRows
    }

    /// Runs `body` inside BEGIN … COMMIT; an error rolls back and is rethrown.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            // COMMIT of a failed transaction "succeeds" as a rollback: catch a swallowed error here instead.
            if transactionStatus == PQTRANS_INERROR {
                throw PostgresError(.statement, "transaction failed inside the body and was rolled back")
            }
            try execute("COMMIT")
            return value
        } catch {
            if isConnected { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Whether the session is open as far as libpq knows (it learns of a server-side end only on the next read).
    public var isConnected: Bool {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Ends the session; later calls fail with a connection error.
    public func close() {
        lock.lock(); defer { lock.unlock() }
        if let handle { PQfinish(handle) }
        handle = nil
    }

    // MARK: - Internals

    var transactionStatus: PGTransactionStatusType {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { return PQTRANS_UNKNOWN }
        return PQtransactionStatus(handle)
    }

    enum IdleHealth { case healthy, broken, suspect }

    /// A check of an idle session that never blocks. An idle session receives nothing unless the server is going
    /// away (a terminated backend sends FATAL 57P01, then closes): anything waiting on the socket makes it suspect.
    func idleHealth() -> IdleHealth {
        lock.lock(); defer { lock.unlock() }
        guard let handle, PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) == PQTRANS_IDLE else { return .broken }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0 ? .healthy : .suspect
    }

    /// Whether an idle connection can be handed out: healthy, or a suspect that survives an empty round trip.
    func isUsableAfterIdle() -> Bool {
        switch idleHealth() {
        case .healthy: return true
        case .broken: return false
        case .suspect: return (try? run("", EncodedParameters())) != nil && isConnected
        }
    }

    /// Executes with already encoded parameters (the sink encodes a whole batch at once).
    func run(_ sql: String, _ parameters: EncodedParameters) throws -> PostgresResult {
        guard parameters.count <= EncodedParameters.maxCount else {
            throw PostgresError(.statement, "\(parameters.count) parameters exceed PostgreSQL's limit of \(EncodedParameters.maxCount)")
        }
        lock.lock(); defer { lock.unlock() }
        guard let handle else { throw PostgresError(.connection, "the connection to \(configuration.endpoint) is closed") }
        let result = parameters.withCArrays { types, values in
            PQexecParams(handle, sql, Int32(parameters.count), types, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        guard let result else { throw lastError(handle) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Self.copy(result)
        default:
            throw resultError(result, handle)
        }
    }

    private func lastError(_ handle: OpaquePointer) -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).singleLine
        let alive = PQstatus(handle) == CONNECTION_OK
        return PostgresError(alive ? .statement : .connection, alive ? message : "\(configuration.endpoint): \(message)")
    }

    private func resultError(_ result: OpaquePointer, _ handle: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
        let sqlState = field(swpq_diag_sqlstate)
        let alive = PQstatus(handle) == CONNECTION_OK
        let message = field(swpq_diag_message_primary) ?? String(cString: PQresultErrorMessage(result)).singleLine
        let kind = PostgresError.kind(sqlState: sqlState, connectionAlive: alive)
        return PostgresError(kind, kind == .connection ? "\(configuration.endpoint): \(message)" : message,
                             sqlState: sqlState, detail: field(swpq_diag_message_detail))
    }

    private static func copy(_ result: OpaquePointer) -> PostgresResult {
        let rows = Int(PQntuples(result)), columns = Int(PQnfields(result))
        var cells: [String?] = []
        cells.reserveCapacity(rows * columns)
        for r in 0..<Int32(rows) {
            for c in 0..<Int32(columns) {
                cells.append(PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c)))
            }
        }
        return PostgresResult(
            columns: (0..<Int32(columns)).map { String(cString: PQfname(result, $0)) },
            columnTypes: (0..<Int32(columns)).map { PQftype(result, $0) },
            cells: cells, rowCount: rows,
            affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    /// A refused login or a missing database will not fix itself; anything else (refused, timed out, starting
    /// up) may. libpq reports connection failures without a SQLSTATE, so this reads its (English) message.
    private static func connectFailureKind(_ reason: String) -> PostgresError.Kind {
        let permanent = ["password authentication failed", "no password supplied", "does not exist",
                         "no pg_hba.conf entry", "invalid connection option", "invalid port number"]
        return permanent.contains { reason.contains($0) } ? .configuration : .connection
    }
}

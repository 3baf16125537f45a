import PostgresConnector

/// Every default of the clips API in one place.
public struct ClipsAPIConfiguration: Sendable {
    /// Where to listen; port 0 picks a free port (tests).
    public var host = "0.0.0.0"
    public var port = 5000
    /// The database. The API only reads: sessions are opened with `default_transaction_read_only=on`.
    public var postgres: PostgresConfiguration
    /// Page size when `limit` is absent, and the bounds `limit` must stay within.
    public var defaultLimit = 20
    public var limitRange: ClosedRange<Int> = 1...100
    /// How long a rendered page is reused for identical queries (0 turns the cache off), and how many are kept.
    /// Half a second of staleness is invisible to a page that polls every few seconds.
    public var pageCacheTTL: Duration = .milliseconds(500)
    public var pageCacheCapacity = 1024
    /// How long a request waits for a pooled connection before it gets a 503.
    public var acquireTimeout: Duration = .seconds(5)

    public init(postgres: PostgresConfiguration) {
        self.postgres = postgres
        self.postgres.applicationName = "highlights-api"
        self.postgres.maxConnections = 8
        // Read-only by construction: a statement that tries to write fails in the session itself.
        let readOnly = "-c default_transaction_read_only=on"
        self.postgres.parameters["options"] = [self.postgres.parameters["options"], readOnly].compactMap { $0 }.joined(separator: " ")
    }

    /// The seed's variables: `HTTP_PORT` (default 5000), `POSTGRES_URL`, `POSTGRES_USER`, `POSTGRES_PASSWORD`.
    public static func fromEnvironment(_ environment: [String: String]) throws -> ClipsAPIConfiguration {
        var configuration = ClipsAPIConfiguration(postgres: try PostgresConfiguration.fromEnvironment(environment))
        if let text = environment["HTTP_PORT"], !text.isEmpty {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw ClipsAPIConfigurationError(message: "HTTP_PORT '\(text)' is not a port number (0–65535)")
            }
            configuration.port = port
        }
        return configuration
    }
}

public struct ClipsAPIConfigurationError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

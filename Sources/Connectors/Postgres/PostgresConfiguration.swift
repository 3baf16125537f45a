import Foundation

/// Where PostgreSQL is, who we are, and how many connections to keep: every connection and pool default lives here.
///
/// Built from a URL (`postgresql://user:pass@host:port/db?sslmode=disable`, or JDBC's `jdbc:postgresql://…`) or
/// from the seed's environment (`POSTGRES_URL`, `POSTGRES_USER`, `POSTGRES_PASSWORD`) by `fromEnvironment`, the
/// one way every process reads it. The password never appears in `description`, in
/// `dump()` output or in any error or log line.
public struct PostgresConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// Further libpq connection keywords (`sslmode`, `application_name`, …), passed through as given.
    public var parameters: [String: String]

    /// Connections the pool keeps open even when idle (once it has been used).
    public var minConnections = 2
    /// Connections the pool never exceeds; callers beyond it wait up to `acquireTimeout`.
    public var maxConnections = 10
    /// How long one connection attempt may take (libpq's `connect_timeout`; libpq rounds below 2 s up to 2 s).
    public var connectTimeout: Duration = .seconds(30)
    /// Idle connections above `minConnections` are closed after this long unused.
    public var idleTimeout: Duration = .seconds(600)
    /// How long `acquire` waits for a free connection when all `maxConnections` are in use.
    public var acquireTimeout: Duration = .seconds(30)
    /// What `pg_stat_activity.application_name` shows for our sessions.
    public var applicationName = "dataflow"

    public static let defaultPort = 5432
    /// The seed's database when nothing else is said.
    public static let defaultURL = "postgresql://postgres@localhost:5432/highlights"

    public init(host: String = "localhost", port: Int = PostgresConfiguration.defaultPort, user: String = "postgres",
                password: String? = nil, database: String = "highlights", parameters: [String: String] = [:]) {
        self.host = host; self.port = port; self.user = user; self.password = password
        self.database = database; self.parameters = parameters
    }

    /// `host:port`, the way errors name the server.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

// MARK: - URL and environment

extension PostgresConfiguration {
    /// Parses `postgresql://[user[:password]@][host][:port][/database][?key=value&...]` (also `postgres://`, and
    /// the JDBC form `jdbc:postgresql://host:port/database?user=…&password=…`). Percent-escapes are decoded in every
    /// part. `connect_timeout` sets `connectTimeout`; other query keys are libpq keywords.
    public init(url: String) throws {
        let invalid = { (why: String) in PostgresError(.configuration, "invalid PostgreSQL URL \(Self.redacting(url)): \(why)") }
        // The seed's JDBC URL is the same URL behind a `jdbc:` prefix (its query keys user/password are ours too).
        let unprefixed = url.lowercased().hasPrefix("jdbc:") ? String(url.dropFirst(5)) : url
        guard let schemeEnd = unprefixed.range(of: "://") else { throw invalid("expected postgresql:// or jdbc:postgresql://") }
        let scheme = unprefixed[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgresql" || scheme == "postgres" else { throw invalid("scheme must be postgresql or postgres") }
        var rest = Substring(unprefixed[schemeEnd.upperBound...])

        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") { query = rest[rest.index(after: q)...]; rest = rest[..<q] }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") { path = rest[rest.index(after: slash)...]; rest = rest[..<slash] }

        self.init()
        self.database = ""
        self.user = ""
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = try Self.decode(credentials[..<colon], invalid)
                password = try Self.decode(credentials[credentials.index(after: colon)...], invalid)
            } else {
                user = try Self.decode(credentials, invalid)
            }
        }
        // Host, optionally a bracketed IPv6 literal, then an optional port.
        var hostPart = rest
        var portPart: Substring?
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { throw invalid("unclosed [ in host") }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty { throw invalid("unexpected text after ]") }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portPart = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        host = hostPart.isEmpty ? "localhost" : try Self.decode(hostPart, invalid)
        if let portPart {
            guard let p = Int(portPart), (1...65535).contains(p) else { throw invalid("port '\(portPart)' is not a number in 1...65535") }
            port = p
        }
        database = try Self.decode(path, invalid)

        for pair in query.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(kv[0], invalid)
            let value = kv.count > 1 ? try Self.decode(kv[1], invalid) : ""
            switch key {
            case "connect_timeout":
                guard let s = Double(value), s > 0 else { throw invalid("connect_timeout '\(value)' is not a positive number of seconds") }
                connectTimeout = .milliseconds(Int64(s * 1000))
            case "user": user = value
            case "password": password = value
            case "dbname": database = value
            case "host": host = value
            case "port":
                guard let p = Int(value), (1...65535).contains(p) else { throw invalid("port '\(value)' is not a number in 1...65535") }
                port = p
            case "application_name": applicationName = value
            default: parameters[key] = value
            }
        }
        // libpq's defaults: the operating-system user's name stands in for both when absent; we use `postgres`.
        if user.isEmpty { user = "postgres" }
        if database.isEmpty { database = user }
    }

    /// How every process (monitor, clips API, the clip detector's tasks) finds PostgreSQL: `url` when one is given
    /// (a flag, a job parameter), else `POSTGRES_URL`, else `defaultURL`; then `POSTGRES_USER` and
    /// `POSTGRES_PASSWORD` override the URL's credentials when set (compose passes the credentials only there).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       url explicit: String? = nil) throws -> PostgresConfiguration {
        let url = explicit.flatMap { $0.isEmpty ? nil : $0 } ?? environment["POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultURL
        var configuration = try PostgresConfiguration(url: url)
        if let user = environment["POSTGRES_USER"], !user.isEmpty { configuration.user = user }
        if let password = environment["POSTGRES_PASSWORD"], !password.isEmpty { configuration.password = password }
        return configuration
    }

    private static func decode(_ s: Substring, _ invalid: (String) -> PostgresError) throws -> String {
        guard s.contains("%") else { return String(s) }
        guard let decoded = String(s).removingPercentEncoding else { throw invalid("bad percent-escape in '\(s)'") }
        return decoded
    }

    /// The URL with any password replaced, for error messages.
    static func redacting(_ url: String) -> String {
        // JDBC-style URLs carry it as a query parameter.
        var url = url
        url.replace(/([?&]password=)[^&]*/) { "\($0.output.1)***" }
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? url[...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return url }
        var out = url
        out.replaceSubrange(authority.index(after: colon)..<at, with: "***")
        return out
    }
}

// MARK: - libpq keywords

extension PostgresConfiguration {
    /// The keyword/value pairs handed to `PQconnectdbParams`.
    var libpqParameters: [(String, String)] {
        var pairs: [(String, String)] = [
            ("host", host), ("port", String(port)), ("user", user), ("dbname", database),
            ("connect_timeout", String(max(1, Int(connectTimeout.seconds.rounded(.up))))),
            ("application_name", applicationName),
            ("client_encoding", "UTF8"),
            // Timestamps travel as text: make the server's text form fixed (ISO, UTC) whatever its defaults.
            ("options", (["-c TimeZone=UTC -c DateStyle=ISO"] + (parameters["options"].map { [$0] } ?? [])).joined(separator: " ")),
            // Notice a peer that vanished without closing the socket (a pulled cable, a frozen VM).
            ("keepalives", "1"), ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
        ]
        if let password { pairs.append(("password", password)) }
        for (k, v) in parameters.sorted(by: { $0.key < $1.key }) where k != "options" { pairs.append((k, v)) }
        return pairs
    }
}

extension PostgresConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The URL without the password.
    public var description: String { "postgresql://\(user)@\(endpoint)/\(database)" }
    public var debugDescription: String { description }
    /// `dump()` and debuggers see no password either.
    public var customMirror: Mirror {
        Mirror(self, children: ["url": description, "minConnections": minConnections, "maxConnections": maxConnections,
                                "connectTimeout": connectTimeout, "idleTimeout": idleTimeout, "acquireTimeout": acquireTimeout])
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

import Foundation

/// Where and how to reach one Redis server, usually parsed from a URL such as the seed's `REDIS_URL`:
/// `redis://[[username]:password@]host[:port][/database]` (port 6379 and database 0 by default).
///
/// The description never shows the password, so a configuration can go into logs and error messages.
public struct RedisConfiguration: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// A Redis 6 ACL user; nil: the default user (`AUTH password`).
    public var username: String?
    public var password: String?
    /// The logical database (`SELECT`); keyspace events are published per database.
    public var database: Int
    /// How long establishing the TCP connection may take.
    public var connectTimeout: Duration
    /// How long one command (or one pipelined batch) may wait for its reply before the connection is dropped.
    public var commandTimeout: Duration

    public static let defaultPort = 6379
    /// The environment variable the seed uses.
    public static let environmentVariable = "REDIS_URL"

    public init(host: String = "127.0.0.1", port: Int = RedisConfiguration.defaultPort, username: String? = nil,
                password: String? = nil, database: Int = 0,
                connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(5)) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// Parses `redis://[[username]:password@]host[:port][/database]`; a bare `host[:port]` is accepted too.
    /// `rediss://` (TLS) is rejected: Debian's hiredis 0.14 has no TLS.
    public init(url: String, connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(5)) throws {
        let shown = Self.redacted(url)
        func invalid(_ why: String) -> RedisError { RedisError(.invalidConfiguration, "invalid Redis URL '\(shown)': \(why)") }
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        let full = trimmed.contains("://") ? trimmed : "redis://" + trimmed
        guard let parts = URLComponents(string: full) else { throw invalid("not a URL") }
        switch parts.scheme?.lowercased() {
        case "redis": break
        case "rediss": throw invalid("TLS (rediss://) is not supported by the hiredis 0.14 this connector uses")
        default: throw invalid("the scheme must be redis://")
        }
        guard var host = parts.host, !host.isEmpty else { throw invalid("no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = parts.port ?? Self.defaultPort
        guard (1...65535).contains(port) else { throw invalid("port \(port) is out of range") }
        var database = 0
        let path = parts.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if !path.isEmpty {
            guard let db = Int(path), db >= 0 else { throw invalid("the path must be a database number, not '\(path)'") }
            database = db
        }
        let user = parts.user.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding ?? $0 }
        let password = parts.password.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding ?? $0 }
        self.init(host: host, port: port, username: user, password: password, database: database,
                  connectTimeout: connectTimeout, commandTimeout: commandTimeout)
    }

    /// The configuration named by `REDIS_URL` (or `variable`), or `defaultURL` when it is unset or empty.
    public static func fromEnvironment(_ variable: String = RedisConfiguration.environmentVariable,
                                       default defaultURL: String = "redis://127.0.0.1:6379",
                                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RedisConfiguration {
        let value = environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultURL
        do { return try RedisConfiguration(url: value) } catch let error as RedisError {
            throw RedisError(.invalidConfiguration, "\(variable): \(error.message)")
        }
    }

    /// `host:port`, the address every error message names.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var description: String { "redis://\(endpoint)/\(database)" }

    /// The URL with its password replaced, for error messages.
    static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@") else { return url }
        let start = url.range(of: "://")?.upperBound ?? url.startIndex
        guard start < at else { return url }
        let userinfo = url[start..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}

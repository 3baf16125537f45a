// Every default of the HTTP client lives here.

/// Settings of one `HTTPClient`. The defaults are the values below; change a copy and pass it to the client.
public struct HTTPClientOptions: Sendable, Equatable {
    /// Bound on a whole request (queueing for a connection, connect, send, wait, receive) unless the request sets
    /// its own `timeout`.
    public var requestTimeout: Duration = .seconds(30)
    /// Bound on establishing a TCP (+TLS) connection. Capped by the request's timeout.
    public var connectTimeout: Duration = .seconds(10)
    /// Open connections to one host:port at most (`CURLMOPT_MAX_HOST_CONNECTIONS`); further requests wait in
    /// libcurl's queue for a free connection. 0 = unlimited.
    public var maxConnectionsPerHost: Int = 32
    /// Open connections in total at most (`CURLMOPT_MAX_TOTAL_CONNECTIONS`). 0 = unlimited.
    public var maxConnectionsTotal: Int = 0
    /// Idle connections kept open for reuse (`CURLMOPT_MAXCONNECTS`).
    public var connectionCacheSize: Int = 64
    /// Sent as `User-Agent` unless the request sets one.
    public var userAgent: String = "Dataflow-HTTPConnector/1.0"
    /// A response body larger than this fails with `HTTPClientError.responseTooLarge`. 16 MiB.
    public var maxResponseBodySize: Int = 16 * 1024 * 1024
    /// Follow 3xx redirects. Off: a redirect is returned as the response.
    public var followRedirects: Bool = false
    /// Redirects followed at most, when `followRedirects` is on.
    public var maxRedirects: Int = 5
    /// Verify the server's TLS certificate and host name. Turn off only for tests against self-signed servers.
    public var verifyTLS: Bool = true

    public init() {}

    /// The defaults, as a named value.
    public static let `default` = HTTPClientOptions()
}

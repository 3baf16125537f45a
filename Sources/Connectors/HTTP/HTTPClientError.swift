// Errors of the HTTP client. A response with any status is not an error here; see `HTTPStatusError` for that.

/// Why a request got no response.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The whole request took longer than `limit`.
    case timeout(url: String, limit: Duration)
    /// No TCP (+TLS) connection within the connect timeout `limit`.
    case connectTimeout(host: String, port: Int, limit: Duration)
    /// Nothing listens on host:port (ECONNREFUSED).
    case connectionRefused(host: String, port: Int)
    /// host:port cannot be reached (no route, network down, ...); `detail` is libcurl's message.
    case unreachable(host: String, port: Int, detail: String)
    /// The host name does not resolve.
    case dnsFailure(host: String, detail: String)
    /// TLS handshake or certificate verification failed.
    case tlsFailure(host: String, detail: String)
    /// The response body is larger than `limit` bytes (`HTTPClientOptions.maxResponseBodySize`).
    case responseTooLarge(url: String, limit: Int)
    /// The server closed the connection without sending any response.
    case connectionClosed(host: String, port: Int)
    /// The connection broke while sending or receiving (reset, truncated body, ...).
    case connectionLost(url: String, detail: String)
    /// The server's answer is not valid HTTP/1.x (garbage, HTTP/0.9, bad chunking or content encoding).
    case invalidResponse(url: String, detail: String)
    /// More redirects than `HTTPClientOptions.maxRedirects`.
    case tooManyRedirects(url: String, limit: Int)
    /// The request cannot be sent as given (bad URL, unsupported scheme, bad header).
    case invalidRequest(url: String, detail: String)
    /// The request was cancelled (only reported through the completion-handler API; `execute` async throws
    /// `CancellationError` instead).
    case cancelled
    /// The client was shut down before the request finished.
    case shutDown
    /// Any other libcurl failure: its `CURLcode` and message.
    case transport(url: String, code: Int, detail: String)

    public var description: String {
        switch self {
        case let .timeout(url, limit):
            return "HTTP request to \(url) timed out after \(Self.format(limit))"
        case let .connectTimeout(host, port, limit):
            return "HTTP connect to \(host):\(port) timed out after \(Self.format(limit))"
        case let .connectionRefused(host, port):
            return "HTTP connection to \(host):\(port) refused (nothing listening?)"
        case let .unreachable(host, port, detail):
            return "HTTP host \(host):\(port) unreachable: \(detail)"
        case let .dnsFailure(host, detail):
            return "HTTP host name '\(host)' does not resolve: \(detail)"
        case let .tlsFailure(host, detail):
            return "TLS with \(host) failed: \(detail)"
        case let .responseTooLarge(url, limit):
            return "HTTP response from \(url) exceeds the maximum body size of \(limit) bytes"
        case let .connectionClosed(host, port):
            return "HTTP server \(host):\(port) closed the connection without sending a response"
        case let .connectionLost(url, detail):
            return "HTTP connection for \(url) broke: \(detail)"
        case let .invalidResponse(url, detail):
            return "invalid HTTP response from \(url): \(detail)"
        case let .tooManyRedirects(url, limit):
            return "HTTP request to \(url) followed more than \(limit) redirects"
        case let .invalidRequest(url, detail):
            return "invalid HTTP request for '\(url)': \(detail)"
        case .cancelled:
            return "HTTP request cancelled"
        case .shutDown:
            return "HTTP client was shut down"
        case let .transport(url, code, detail):
            return "HTTP request to \(url) failed (curl error \(code)): \(detail)"
        }
    }

    static func format(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        if ms % 1000 == 0 { return "\(ms / 1000) s" }
        return "\(ms) ms"
    }
}

/// Thrown by `HTTPAsyncFunction` for a response whose status is not 2xx.
public struct HTTPStatusError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let url: String
    /// The first 200 bytes of the response body.
    public let bodyPrefix: [UInt8]

    public init(status: Int, url: String, body: [UInt8]) {
        self.status = status
        self.url = url
        self.bodyPrefix = Array(body.prefix(200))
    }

    public var bodyPrefixText: String { String(decoding: bodyPrefix, as: UTF8.self) }
    public var description: String { "HTTP \(status) from \(url): \(bodyPrefixText)" }
}

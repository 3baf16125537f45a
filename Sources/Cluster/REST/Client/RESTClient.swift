import Foundation
import HTTPConnector

/// Calls the REST API through the endpoint types, on the HTTP connector's libcurl client — the same declarations
/// the server routes from. Requests use the versioned paths (`/v1/…`), as Flink's Java client does.
public struct RESTClient: Sendable {
    /// `http://host:port`
    public let baseURL: String
    private let http: HTTPClient

    public init(baseURL: String, http: HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.http = http
    }

    /// `host:port` (Flink's `-m`) or a URL.
    public init(address: String, http: HTTPClient) {
        self.init(baseURL: address.contains("://") ? address : "http://\(address)", http: http)
    }

    /// Sends the request and decodes the success body; a non-2xx answer throws its `errors`.
    public func call<E: RESTEndpoint>(_ endpoint: E.Type, _ parameters: E.Parameters,
                                      body: E.RequestBody) async throws(RESTClientError) -> E.ResponseBody {
        let response = try await send(endpoint, parameters, body: body)
        guard (200..<300).contains(response.status) else {
            let errors = (try? ErrorResponseBody(restBody: response.body))?.errors ?? [String(decoding: response.body.prefix(500), as: UTF8.self)]
            throw .server(status: response.status, errors: errors)
        }
        do {
            return try E.ResponseBody(restBody: response.body)
        } catch {
            throw .invalidResponse(url: url(for: endpoint, parameters), detail: "\(error)")
        }
    }

    public func call<E: RESTEndpoint>(_ endpoint: E.Type, _ parameters: E.Parameters) async throws(RESTClientError) -> E.ResponseBody
    where E.RequestBody == EmptyBody {
        try await call(endpoint, parameters, body: EmptyBody())
    }

    public func call<E: RESTEndpoint>(_ endpoint: E.Type) async throws(RESTClientError) -> E.ResponseBody
    where E.RequestBody == EmptyBody, E.Parameters == NoParameters {
        try await call(endpoint, NoParameters(), body: EmptyBody())
    }

    /// The raw exchange: status and body bytes, whatever the status.
    public func send<E: RESTEndpoint>(_ endpoint: E.Type, _ parameters: E.Parameters,
                                      body: E.RequestBody) async throws(RESTClientError) -> HTTPResponse {
        let target = url(for: endpoint, parameters)
        let bytes: [UInt8]
        do { bytes = try body.restBody() } catch { throw .invalidRequest(url: target, detail: "\(error)") }
        let request = HTTPRequest(method: HTTPMethod(rawValue: E.method.rawValue), url: target,
                                  headers: ["Content-Type": "application/json; charset=UTF-8", "Accept": "application/json"], body: bytes)
        do {
            return try await http.execute(request)
        } catch let error as HTTPClientError {
            throw .unreachable(baseURL: baseURL, detail: error.description)
        } catch {
            throw .unreachable(baseURL: baseURL, detail: "\(error)")
        }
    }

    /// The endpoint's versioned URL with its path parameters filled in and its query appended.
    public func url<E: RESTEndpoint>(for endpoint: E.Type, _ parameters: E.Parameters) -> String {
        let values = parameters.pathValues
        let path = E.path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix(":") else { return String(segment) }
            return Self.percentEncoded(values[String(segment.dropFirst())] ?? "")
        }.joined(separator: "/")
        var url = baseURL + "/v1" + path
        let query = parameters.queryItems
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.percentEncoded($0.name))=\(Self.percentEncoded($0.value))" }.joined(separator: "&")
        }
        return url
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~,:")
    static func percentEncoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }
}

/// Why a REST call failed.
public enum RESTClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No answer from the JobManager (not running, wrong address).
    case unreachable(baseURL: String, detail: String)
    /// The JobManager answered with an error status and Flink's `errors`.
    case server(status: Int, errors: [String])
    /// The answer could not be read as the endpoint's response type.
    case invalidResponse(url: String, detail: String)
    case invalidRequest(url: String, detail: String)

    public var description: String {
        switch self {
        case let .unreachable(baseURL, detail): return "cannot reach the JobManager at \(baseURL): \(detail)"
        case let .server(status, errors): return errors.joined(separator: "\n") + " (HTTP \(status))"
        case let .invalidResponse(url, detail): return "unexpected answer from \(url): \(detail)"
        case let .invalidRequest(url, detail): return "cannot send the request to \(url): \(detail)"
        }
    }
}

import Foundation
import HTTPConnector

/// One HTTP exchange with Twitch: maps connector failures to `TwitchError` and records requests and latency.
/// Retry policy lives above it (`HelixClient`, `TwitchAuth`).
struct TwitchHTTPTransport: Sendable {
    let http: HTTPClient
    let metrics: TwitchAPIMetrics
    let timeout: Duration

    func send(_ request: HTTPRequest, endpoint: String) async throws -> HTTPResponse {
        var request = request
        if request.timeout == nil { request.timeout = timeout }
        let started = ContinuousClock.now
        do {
            let response = try await http.execute(request)
            metrics.request(endpoint: endpoint, status: response.status, latency: ContinuousClock.now - started)
            return response
        } catch let error as HTTPClientError {
            switch error {
            case .timeout, .connectTimeout:
                throw TwitchError.timeout("\(endpoint): \(error)")
            case .cancelled:
                throw CancellationError()
            default:
                throw TwitchError.transport("\(endpoint): \(error)")
            }
        }
    }
}

/// `application/x-www-form-urlencoded` and query-string building, repeating keys for lists as Helix wants.
enum FormEncoding {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) { out.unicodeScalars.append(UnicodeScalar(byte)) }
            else { out += String(format: "%%%02X", byte) }
        }
        return out
    }

    static func url(_ base: String, _ path: String, _ query: [(String, String)]) -> String {
        query.isEmpty ? base + path : base + path + "?" + encode(query)
    }
}

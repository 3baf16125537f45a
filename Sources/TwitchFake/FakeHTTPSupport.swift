import Foundation
import HTTPTypes
import Hummingbird

/// `application/x-www-form-urlencoded` parsing (`+` is a space, `%XX` escapes), for query strings and bodies.
enum FakeHTTPForm {
    static func parse(_ text: String?) -> [(String, String)] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// Query parameters with Helix's repeated-key lists.
struct FakeHTTPParameters {
    let pairs: [(String, String)]
    init(_ pairs: [(String, String)]) { self.pairs = pairs }
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }
    func first(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    func has(_ name: String) -> Bool { pairs.contains { $0.0 == name } }
}

extension HTTPField.Name {
    static let rateLimitLimit = HTTPField.Name("Ratelimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("Ratelimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("Ratelimit-Reset")!
    static let clipRateLimitLimit = HTTPField.Name("Ratelimit-Helixclipscreation-Limit")!
    static let clipRateLimitRemaining = HTTPField.Name("Ratelimit-Helixclipscreation-Remaining")!
    static let clientID = HTTPField.Name("Client-Id")!
}

enum FakeHTTPResponse {
    /// JSON via JSONSerialization so `null` (vod_offset) and key order-free objects are easy to write.
    static func json(_ status: HTTPResponse.Status, _ object: Any, headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes, .sortedKeys])) ?? Data("{}".utf8)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Helix's error shape `{"error","status","message"}`.
    static func error(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        json(status, ["error": status.reasonPhrase, "status": status.code, "message": message], headers: headers)
    }

    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody())
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

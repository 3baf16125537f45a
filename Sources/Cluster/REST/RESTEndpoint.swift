import Foundation

/// One REST endpoint, declared once as a type — Flink's `*Headers` pattern: path, method, parameters, request and
/// response bodies and the success status. The server registers routes from it, the client builds requests from
/// it, and the tests use both, so the three cannot drift apart.
public protocol RESTEndpoint: Sendable {
    associatedtype Parameters: RESTParameters
    associatedtype RequestBody: RESTMessageBody
    associatedtype ResponseBody: RESTMessageBody

    /// Flink's `getTargetRestEndpointURL()`: the path with `:name` parameters, without the `/v1` prefix.
    static var path: String { get }
    static var method: RESTMethod { get }
    /// The status of a successful response (200, or 202 for accepted asynchronous work).
    static var successStatus: Int { get }
    /// Flink's `operationId`, for cross-reference with its OpenAPI spec.
    static var operationID: String { get }
}

extension RESTEndpoint {
    public static var successStatus: Int { 200 }
}

public enum RESTMethod: String, Sendable, CaseIterable {
    case get = "GET", post = "POST", patch = "PATCH", put = "PUT", delete = "DELETE"
}

/// A request or response body on the wire. Codable types are JSON; `EmptyBody` is Flink's `{}`.
public protocol RESTMessageBody: Sendable {
    init(restBody: [UInt8]) throws
    func restBody() throws -> [UInt8]
}

extension RESTMessageBody where Self: Codable {
    public init(restBody: [UInt8]) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(restBody))
    }
    public func restBody() throws -> [UInt8] {
        Array(try RESTJSON.encoder.encode(self))
    }
}

/// Metric endpoints answer with bare arrays (flink-rest.md §0.2).
public protocol RESTArrayElement: Codable, Sendable {}
extension Array: RESTMessageBody where Element: RESTArrayElement {}

/// Flink's `EmptyRequestBody`/`EmptyResponseBody`: `{}` on the wire, anything accepted on the way in (the Java
/// client sends `{}` even with GET).
public struct EmptyBody: RESTMessageBody, Equatable {
    public init() {}
    public init(restBody: [UInt8]) throws {}
    public func restBody() throws -> [UInt8] { Array("{}".utf8) }
}

enum RESTJSON {
    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }
}

/// A body passed through as bytes (the Java client's multipart job graph upload, which we only refuse).
public struct RawBody: RESTMessageBody, Equatable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8] = []) { self.bytes = bytes }
    public init(restBody: [UInt8]) throws { bytes = restBody }
    public func restBody() throws -> [UInt8] { bytes }
}

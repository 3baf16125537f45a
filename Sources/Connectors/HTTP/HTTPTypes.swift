// Request and response values of the HTTP connector. Plain values: Sendable, no Foundation.

/// An HTTP method. Any token is allowed; the common ones have constants.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    public static let get: HTTPMethod = "GET"
    public static let head: HTTPMethod = "HEAD"
    public static let post: HTTPMethod = "POST"
    public static let put: HTTPMethod = "PUT"
    public static let patch: HTTPMethod = "PATCH"
    public static let delete: HTTPMethod = "DELETE"
    public static let options: HTTPMethod = "OPTIONS"
}

/// An ordered list of header fields. Lookup by name is case-insensitive (RFC 9110 §5.1); order and repeated
/// fields are kept as received.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }
    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// The first value of the field `name` (case-insensitive), or nil. Setting replaces every field of that name;
    /// setting nil removes them.
    public subscript(name: String) -> String? {
        get { fields.first { Self.same($0.name, name) }?.value }
        set {
            if let newValue {
                if let i = fields.firstIndex(where: { Self.same($0.name, name) }) {
                    fields[i].value = newValue
                    var j = fields.count - 1
                    while j > i { if Self.same(fields[j].name, name) { fields.remove(at: j) }; j -= 1 }
                } else {
                    fields.append((name: name, value: newValue))
                }
            } else {
                fields.removeAll { Self.same($0.name, name) }
            }
        }
    }

    /// Every value of the field `name` (case-insensitive), in order.
    public func values(for name: String) -> [String] { fields.filter { Self.same($0.name, name) }.map(\.value) }
    public func contains(_ name: String) -> Bool { fields.contains { Self.same($0.name, name) } }
    /// Appends a field, keeping any earlier one of the same name.
    public mutating func add(name: String, value: String) { fields.append((name: name, value: value)) }

    mutating func replaceLast(value: String) { fields[fields.count - 1].value = value }

    public var count: Int { fields.count }
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
    public var description: String { "[" + fields.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "]" }

    static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
    }
}

/// One HTTP request. `timeout` bounds the whole exchange (queueing for a connection, connect, send, wait, receive);
/// nil uses `HTTPClientOptions.requestTimeout`.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var timeout: Duration?
    /// Overrides `HTTPClientOptions.maxResponseBodySize` for this request.
    public var maxResponseBodySize: Int?

    public init(method: HTTPMethod = .get, url: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
                timeout: Duration? = nil, maxResponseBodySize: Int? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBodySize = maxResponseBodySize
    }

    /// A request whose body is the UTF-8 of `text`.
    public init(method: HTTPMethod, url: String, headers: HTTPHeaders = [:], text: String, timeout: Duration? = nil) {
        self.init(method: method, url: url, headers: headers, body: Array(text.utf8), timeout: timeout)
    }
}

/// A complete HTTP response: any status is a response (a 404 or 503 is not an error at this layer).
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Headers of the final response (those of interim 1xx responses and of followed redirects are dropped).
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The URL that answered (differs from the request's only when redirects were followed).
    public var url: String
    /// Wall time from hand-over to libcurl until the last byte, as libcurl measured it.
    public var totalTime: Duration
    /// Whether the transfer ran on a connection already open before it (keep-alive reuse).
    public var reusedConnection: Bool

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = [], url: String = "",
                totalTime: Duration = .zero, reusedConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.totalTime = totalTime
        self.reusedConnection = reusedConnection
    }

    /// The body decoded as UTF-8 (invalid sequences repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }
    public var isSuccess: Bool { (200..<300).contains(status) }
}

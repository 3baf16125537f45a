/// Flink's `ErrorResponseBody`: `{"errors": ["…"]}` with a 4xx/5xx status. The CLI prints `errors`.
public struct ErrorResponseBody: Codable, Sendable, Equatable, RESTMessageBody {
    public let errors: [String]
    public init(errors: [String]) { self.errors = errors }
}

/// An error a handler answers with: its status and message.
public struct RESTError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let messages: [String]

    public init(status: Int, _ messages: String...) {
        self.status = status
        self.messages = messages
    }

    public static func badRequest(_ message: String) -> RESTError { RESTError(status: 400, message) }
    public static func notFound(_ message: String) -> RESTError { RESTError(status: 404, message) }
    public static func conflict(_ message: String) -> RESTError { RESTError(status: 409, message) }

    public var body: ErrorResponseBody { ErrorResponseBody(errors: messages) }
    public var description: String { "\(status): \(messages.joined(separator: "; "))" }
}

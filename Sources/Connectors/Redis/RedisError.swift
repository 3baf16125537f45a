/// Every failure of the Redis connector, with a message that names the server (`host:port`) where one is involved.
public struct RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A bad URL or option.
        case invalidConfiguration
        /// The server could not be reached, or refused AUTH/SELECT.
        case connectionFailed
        /// An established connection broke (the server went away or closed it).
        case connectionLost
        /// No reply within the command timeout; the connection was dropped.
        case timeout
        /// The server answered with an error reply (`-ERR ...`, `-WRONGTYPE ...`).
        case server
        /// The server sent something hiredis could not parse.
        case protocolError
        /// A well-formed reply of the wrong type for the command (e.g. a string where an integer was expected).
        case unexpectedReply
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

import Foundation

/// A value that can be one argument of a Redis command. Arguments go to the server as length-prefixed bytes,
/// so any byte (NUL included) is safe.
public protocol RedisArgument {
    var redisBytes: [UInt8] { get }
}

extension String: RedisArgument { public var redisBytes: [UInt8] { Array(utf8) } }
extension Substring: RedisArgument { public var redisBytes: [UInt8] { Array(utf8) } }
extension Array: RedisArgument where Element == UInt8 { public var redisBytes: [UInt8] { self } }
extension Data: RedisArgument { public var redisBytes: [UInt8] { Array(self) } }
extension Int: RedisArgument { public var redisBytes: [UInt8] { Array(String(self).utf8) } }
extension Int64: RedisArgument { public var redisBytes: [UInt8] { Array(String(self).utf8) } }
extension Int32: RedisArgument { public var redisBytes: [UInt8] { Array(String(self).utf8) } }
extension UInt64: RedisArgument { public var redisBytes: [UInt8] { Array(String(self).utf8) } }

/// One command with its arguments, ready to send alone or in a pipeline: `RedisCommand("SET", key, value)`.
public struct RedisCommand: Sendable, Equatable, CustomStringConvertible {
    /// The command name first, then its arguments, each as raw bytes.
    public let arguments: [[UInt8]]

    public init(_ name: String, _ arguments: any RedisArgument...) {
        self.init(name, arguments)
    }

    public init(_ name: String, _ arguments: [any RedisArgument]) {
        self.arguments = [Array(name.utf8)] + arguments.map(\.redisBytes)
    }

    public init(arguments: [[UInt8]]) {
        precondition(!arguments.isEmpty, "a Redis command needs at least its name")
        self.arguments = arguments
    }

    public var name: String { String(decoding: arguments[0], as: UTF8.self).uppercased() }

    /// The name and the first argument (usually the key), for error messages; values are left out.
    public var description: String {
        guard arguments.count > 1 else { return name }
        let first = String(decoding: arguments[1].prefix(100), as: UTF8.self)
        return "\(name) \(first)\(arguments[1].count > 100 ? "…" : "")"
    }
}

/// Typed shortcuts for the commands the connector and its users need most.
extension RedisClient {
    /// `PING`; returns `PONG`.
    @discardableResult
    public func ping() throws -> String {
        try command("PING").text ?? ""
    }

    /// `GET`: the value's bytes, or nil when the key does not exist.
    public func get(_ key: String) throws -> [UInt8]? {
        let reply = try command("GET", key)
        if reply.isNull { return nil }
        guard case .bulk(let bytes) = reply else { throw unexpected(reply, "GET") }
        return bytes
    }

    /// `GET` as text.
    public func getString(_ key: String) throws -> String? {
        try get(key).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `SET key value [PX milliseconds]`: with an expiry the key disappears after it (millisecond precision).
    public func set(_ key: String, _ value: any RedisArgument, expiry: Duration? = nil) throws {
        try command(Self.setCommand(key, value, expiry: expiry))
    }

    /// `PEXPIRE`: true when the key exists and now expires after `after` (millisecond precision).
    @discardableResult
    public func expire(_ key: String, after: Duration) throws -> Bool {
        try integer("PEXPIRE", key, after.redisMilliseconds) == 1
    }

    /// `PTTL`: the time left before the key expires; nil when it does not exist or has no expiry.
    public func timeToLive(_ key: String) throws -> Duration? {
        let millis = try integer("PTTL", key)
        return millis >= 0 ? .milliseconds(millis) : nil
    }

    /// `DEL`: how many of the keys existed.
    @discardableResult
    public func del(_ keys: String...) throws -> Int { try del(keys) }

    @discardableResult
    public func del(_ keys: [String]) throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return Int(try integer("DEL", keys))
    }

    /// `EXISTS`: how many of the keys exist (a key named twice counts twice).
    public func exists(_ keys: String...) throws -> Int { try exists(keys) }

    public func exists(_ keys: [String]) throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return Int(try integer("EXISTS", keys))
    }

    /// `PUBLISH`: how many subscribers received the message.
    @discardableResult
    public func publish(_ channel: String, _ message: any RedisArgument) throws -> Int {
        Int(try integer("PUBLISH", channel, message))
    }

    /// `INCR`: the value after the increment.
    @discardableResult
    public func incr(_ key: String) throws -> Int64 {
        try integer("INCR", key)
    }

    /// The `SET` a pipeline can batch: `SET key value [PX ms]`.
    public static func setCommand(_ key: String, _ value: any RedisArgument, expiry: Duration? = nil) -> RedisCommand {
        if let expiry { return RedisCommand("SET", key, value, "PX", expiry.redisMilliseconds) }
        return RedisCommand("SET", key, value)
    }

    private func integer(_ name: String, _ arguments: any RedisArgument...) throws -> Int64 {
        try integer(name, arguments)
    }

    private func integer(_ name: String, _ arguments: [any RedisArgument]) throws -> Int64 {
        let reply = try command(RedisCommand(name, arguments))
        guard case .integer(let value) = reply else { throw unexpected(reply, name) }
        return value
    }

    private func unexpected(_ reply: RedisReply, _ command: String) -> RedisError {
        RedisError(.unexpectedReply, "Redis at \(configuration.endpoint) answered \(command) with \(reply)")
    }
}

extension Duration {
    /// Whole milliseconds, at least 1: Redis rejects a zero or negative expiry.
    var redisMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}

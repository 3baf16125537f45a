/// Which clips a `GET /v1.0/clip` asks for, once its parameters are validated.
public struct ClipQuery: Sendable, Hashable {
    public enum Channel: Sendable, Hashable {
        case id(BroadcasterID)
        case login(ChannelLogin)
    }
    public enum StatusFilter: String, Sendable, CaseIterable {
        case created, failed, all
    }

    /// Inclusive bounds on `created_at`, epoch microseconds; nil: unbounded.
    public var start: Int64?
    public var end: Int64?
    public var limit: Int
    public var channel: Channel?
    public var status: StatusFilter
    public var cursor: ClipCursor?

    public init(start: Int64? = nil, end: Int64? = nil, limit: Int, channel: Channel? = nil,
                status: StatusFilter = .created, cursor: ClipCursor? = nil) {
        self.start = start; self.end = end; self.limit = limit
        self.channel = channel; self.status = status; self.cursor = cursor
    }
}

/// One broken rule of a request's parameters: what the 400 body says.
public struct ParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    public let parameter: String
    public let message: String
    public init(parameter: String, message: String) { self.parameter = parameter; self.message = message }
    public var description: String { "\(parameter): \(message)" }

    static func timestamp(_ name: String) -> ParameterError {
        ParameterError(parameter: name, message: "\(name) must be an ISO 8601 date-time such as 2024-05-01T12:00:00Z")
    }
    static func limit(_ range: ClosedRange<Int>) -> ParameterError {
        ParameterError(parameter: "limit", message: "limit must be an integer from \(range.lowerBound) to \(range.upperBound)")
    }
    static let startAfterEnd = ParameterError(parameter: "start", message: "start must not be after end")
    static let channel = ParameterError(parameter: "channel",
        message: "channel must be a numeric broadcaster id or a Twitch login (1–25 letters, digits or underscores)")
    static let cursor = ParameterError(parameter: "cursor", message: "cursor must be a pagination.cursor value returned by this API")
    static let status = ParameterError(parameter: "status", message: "status must be one of created, failed, all")
    static func repeated(_ name: String) -> ParameterError {
        ParameterError(parameter: name, message: "\(name) must be given at most once")
    }
}

/// The rules for `GET /v1.0/clip`'s parameters, one error per rule. Parameters it does not know are ignored (as the
/// seed did), so cache-busting additions keep working.
public struct ClipQueryValidator: Sendable {
    public var defaultLimit: Int
    public var limitRange: ClosedRange<Int>

    public init(defaultLimit: Int = 20, limitRange: ClosedRange<Int> = 1...100) {
        self.defaultLimit = defaultLimit
        self.limitRange = limitRange
    }

    public static let parameterNames = ["start", "end", "limit", "channel", "status", "cursor"]

    /// `parameters`: the decoded query string, in order, duplicates kept.
    public func validate(_ parameters: [(name: String, value: String)]) throws(ParameterError) -> ClipQuery {
        var values: [String: String] = [:]
        for (name, value) in parameters where Self.parameterNames.contains(name) {
            guard values[name] == nil else { throw .repeated(name) }
            values[name] = value
        }
        var query = ClipQuery(limit: defaultLimit)
        if let text = values["start"] {
            guard let micros = Timestamp.parseMicros(text) else { throw .timestamp("start") }
            query.start = micros
        }
        if let text = values["end"] {
            guard let micros = Timestamp.parseMicros(text) else { throw .timestamp("end") }
            query.end = micros
        }
        if let start = query.start, let end = query.end, start > end { throw .startAfterEnd }
        if let text = values["limit"] {
            guard let limit = Int(text), limitRange.contains(limit) else { throw .limit(limitRange) }
            query.limit = limit
        }
        if let text = values["channel"] {
            if let id = BroadcasterID(text) { query.channel = .id(id) }
            else if let login = ChannelLogin(text) { query.channel = .login(login) }
            else { throw .channel }
        }
        if let text = values["status"] {
            guard let status = ClipQuery.StatusFilter(rawValue: text) else { throw .status }
            query.status = status
        }
        if let text = values["cursor"] {
            guard let cursor = ClipCursor(encoded: text) else { throw .cursor }
            query.cursor = cursor
        }
        return query
    }
}

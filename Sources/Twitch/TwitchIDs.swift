/// An opaque Twitch id: a typed wrapper over its string, encoded as the bare string (the standard library's
/// `RawRepresentable` Codable), written as a literal in tests.
public protocol TwitchStringID: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
                                CustomStringConvertible where RawValue == String {
    init(rawValue: String)
}

extension TwitchStringID {
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

/// A Twitch user id (= broadcaster id = IRC `room-id`). Opaque string, numeric in practice.
public struct TwitchUserID: TwitchStringID {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A clip's id (its URL slug).
public struct TwitchClipID: TwitchStringID {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A live stream's id: a new one each time a channel goes live.
public struct TwitchStreamID: TwitchStringID {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

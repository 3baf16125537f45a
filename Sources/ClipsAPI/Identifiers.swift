/// A Twitch channel's numeric user id, as Helix spells it (a string of digits).
public struct BroadcasterID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    /// Nil unless `text` is 1–20 ASCII digits.
    public init?(_ text: some StringProtocol) {
        guard (1...20).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        rawValue = String(text)
    }
    public var description: String { rawValue }
}

/// A Twitch login: 1–25 letters, digits or underscores, compared in lower case.
public struct ChannelLogin: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init?(_ text: some StringProtocol) {
        guard (1...25).contains(text.utf8.count),
              text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 })
        else { return nil }
        rawValue = text.lowercased()
    }
    public var description: String { rawValue }
}

/// The clip detector's deterministic key for an anomaly: `<broadcaster_id>:<window_end epoch ms>`.
public struct AnomalyID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

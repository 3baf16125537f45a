/// A broadcaster's Twitch user id (Helix `user_id`, IRC `room-id`): the key of everything the monitor publishes.
public struct BroadcasterID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A channel the monitor follows.
public struct TrackedChannel: Sendable, Equatable {
    public var id: BroadcasterID
    public var login: String
    public var displayName: String?
    public init(id: BroadcasterID, login: String, displayName: String? = nil) {
        self.id = id; self.login = login; self.displayName = displayName
    }
}

/// A live stream as Get Streams reports it.
public struct LiveStream: Sendable, Equatable {
    public var broadcasterID: BroadcasterID
    public var login: String
    public var displayName: String?
    public var streamID: String
    public var title: String
    public var gameName: String
    public var viewerCount: Int
    /// RFC 3339, as Helix sends it.
    public var startedAt: String
    public init(broadcasterID: BroadcasterID, login: String, displayName: String? = nil, streamID: String, title: String,
                gameName: String, viewerCount: Int, startedAt: String) {
        self.broadcasterID = broadcasterID; self.login = login; self.displayName = displayName; self.streamID = streamID
        self.title = title; self.gameName = gameName; self.viewerCount = viewerCount; self.startedAt = startedAt
    }
}

/// What the monitor needs from Helix: who the tracked channels are, and which of them are live.
public protocol StreamDirectory: Sendable {
    /// Resolves logins to channels; unknown logins are absent from the answer.
    func channels(logins: [String]) async throws -> [TrackedChannel]
    /// The live streams among `ids`; offline channels are absent.
    func liveStreams(ids: [BroadcasterID]) async throws -> [LiveStream]
}

/// What the monitor needs from chat: joining and leaving rooms. Messages arrive through the handler the
/// adapter was built with, straight into the `ChatPump`.
public protocol ChatRooms: Sendable {
    func join(_ login: String) async throws
    func part(_ login: String) async throws
}

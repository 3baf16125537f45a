import Foundation
import Jobs
import Twitch

/// Helix as the monitor's `StreamDirectory`.
public struct HelixStreamDirectory: StreamDirectory {
    public let client: HelixClient
    public init(client: HelixClient) { self.client = client }

    public func channels(logins: [String]) async throws -> [TrackedChannel] {
        try await client.users(logins: logins).map {
            TrackedChannel(id: BroadcasterID($0.id.rawValue), login: $0.login.lowercased(), displayName: $0.displayName)
        }
    }

    public func liveStreams(ids: [BroadcasterID]) async throws -> [LiveStream] {
        let formatter = ISO8601DateFormatter()
        return try await client.streams(userIDs: ids.map { TwitchUserID($0.rawValue) }).map { s in
            LiveStream(broadcasterID: BroadcasterID(s.userID.rawValue), login: s.userLogin.lowercased(), displayName: s.userName,
                       streamID: s.id.rawValue, title: s.title, gameName: s.gameName, viewerCount: s.viewerCount,
                       startedAt: s.startedAt.map { formatter.string(from: $0) } ?? "")
        }
    }
}

/// The IRC client as the monitor's `ChatRooms`.
public struct IRCChatRooms: ChatRooms {
    public let client: IRCChatClient
    public init(client: IRCChatClient) { self.client = client }
    public func join(_ login: String) async throws { client.join(login) }
    public func part(_ login: String) async throws { client.part(login) }
}

extension ChatMessage {
    /// A PRIVMSG as DESIGN.md §7's chat message: the room id is the broadcaster, `tmi-sent-ts` the event time.
    public init(_ m: TwitchChatMessage) {
        self.init(broadcasterID: m.roomID, broadcasterLogin: m.channel, userID: m.userID, userLogin: m.userLogin,
                  text: m.text, ts: m.sentAt, messageID: m.messageID)
    }
}

extension ChatPump {
    /// The IRC client's message handler: converts and takes a batch.
    public var ircHandler: IRCChatClient.MessageHandler {
        { [self] batch in accept(contentsOf: batch.map(ChatMessage.init)) }
    }
}

import Logging
import NIOCore
import Twitch

/// Speaks Twitch's side of IRC for one connection (twitch.md §6.1, §8 items 16–21): CAP, PASS/NICK login, welcome,
/// JOIN/PART with room state, PING/PONG. Chat lines are written by the server's driver, not here.
final class IRCFakeConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let server: FakeIRCServer
    private let connection: IRCFakeConnection
    private var host: String { server.configuration.serverName }

    init(server: FakeIRCServer, connection: IRCFakeConnection) {
        self.server = server
        self.connection = connection
    }

    func channelActive(context: ChannelHandlerContext) {
        server.connectionOpened(connection)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.connectionClosed(connection)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IRCOversizedLine { server.logger.debug("client line over the length limit dropped") }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        let parsed: Result<IRCMessage, IRCParseError> = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(IRCParseError) -> IRCMessage in try IRCMessage.parse(bytes: bytes) }
        }
        guard case .success(let message) = parsed else { return }  // Twitch ignores lines it cannot read
        handle(message, context: context)
    }

    private func reply(_ lines: [String]) {
        guard !server.isSilent else { return }
        connection.write(lines: lines)
    }

    private func handle(_ message: IRCMessage, context: ChannelHandlerContext) {
        switch message.command.uppercased() {
        case "CAP": handleCapabilities(message)
        case "PASS":
            connection.state.withLock { $0.password = message.parameters.first }
        case "NICK": handleNick(message, context: context)
        case "PING":
            reply([":\(host) PONG \(host) :\(message.parameters.last ?? host)"])
        case "PONG":
            connection.state.withLock { $0.awaitingPongSince = nil }
        case "JOIN": handleJoin(message, context: context)
        case "PART": handlePart(message)
        case "QUIT":
            // As a server does: no more chat for this client, what is queued goes out, then the connection closes.
            connection.state.withLock { $0.joined = [] }
            let channel = context.channel
            channel.writeAndFlush(channel.allocator.buffer(capacity: 0)).whenComplete { _ in channel.close(promise: nil) }
        default:
            let nick = connection.state.withLock { $0.registered ? $0.nick : nil }
            // Read-only fake: PRIVMSG from clients is accepted and dropped; other commands are unknown.
            if let nick, message.command != "PRIVMSG" {
                reply([":\(host) 421 \(nick) \(message.command) :Unknown command"])
            }
        }
    }

    private func handleCapabilities(_ message: IRCMessage) {
        let sub = message.parameters.first?.uppercased() ?? ""
        switch sub {
        case "LS":
            reply([":\(host) CAP * LS :" + server.configuration.capabilities.sorted().joined(separator: " ")])
        case "REQ":
            let requested = (message.parameters.last ?? "").split(separator: " ").map(String.init)
            if requested.allSatisfy(server.configuration.capabilities.contains) {
                connection.state.withLock { $0.capabilities.formUnion(requested) }
                reply([":\(host) CAP * ACK :" + requested.joined(separator: " ")])
            } else {
                reply([":\(host) CAP * NAK :" + requested.joined(separator: " ")])
            }
        default:
            break
        }
    }

    private func handleNick(_ message: IRCMessage, context: ChannelHandlerContext) {
        guard let nick = message.parameters.first?.lowercased(), !nick.isEmpty else { return }
        let (alreadyRegistered, password) = connection.state.withLock { ($0.registered, $0.password) }
        guard !alreadyRegistered else { return }
        let anonymous = nick.hasPrefix("justinfan") && nick.count > 9 && nick.dropFirst(9).allSatisfy(\.isASCII) &&
            nick.dropFirst(9).allSatisfy(\.isNumber)
        if !anonymous {
            guard let password else {
                refuse("Improperly formatted auth", context: context)
                return
            }
            let token = password.hasPrefix("oauth:") ? String(password.dropFirst(6)) : password
            guard let scopes = server.tokenValidator(token), scopes.contains("chat:read") else {
                refuse("Login authentication failed", context: context)
                return
            }
        }
        let userID = String(FakeIRCServer.stableUserID(for: nick))
        let capabilities = connection.state.withLock { state in
            state.nick = nick
            state.userID = userID
            state.registered = true
            state.lastPing = .now
            return state.capabilities
        }
        var lines = [
            ":\(host) 001 \(nick) :Welcome, GLHF!",
            ":\(host) 002 \(nick) :Your host is \(host)",
            ":\(host) 003 \(nick) :This server is rather new",
            ":\(host) 004 \(nick) :-",
            ":\(host) 375 \(nick) :-",
            ":\(host) 372 \(nick) :You are in a maze of twisty passages.",
            ":\(host) 376 \(nick) :>",
        ]
        if !anonymous, capabilities.contains("twitch.tv/tags"), capabilities.contains("twitch.tv/commands") {
            lines.append(IRCMessage(tags: [IRCTag("badge-info", ""), IRCTag("badges", ""), IRCTag("color", ""),
                                           IRCTag("display-name", nick), IRCTag("emote-sets", "0"),
                                           IRCTag("user-id", userID), IRCTag("user-type", "")],
                                    prefix: host, command: "GLOBALUSERSTATE").serialized)
        }
        reply(lines)
        server.logger.debug("IRC client registered", metadata: ["nick": "\(nick)", "anonymous": "\(anonymous)"])
    }

    private func refuse(_ notice: String, context: ChannelHandlerContext) {
        server.logger.info("IRC login refused", metadata: ["notice": "\(notice)"])
        if server.isSilent {
            context.close(promise: nil)
            return
        }
        let channel = context.channel
        var buffer = channel.allocator.buffer(capacity: 64)
        buffer.writeString(":\(host) NOTICE * :\(notice)\r\n")
        channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
    }

    private func handleJoin(_ message: IRCMessage, context: ChannelHandlerContext) {
        guard let registration = connection.state.withLock({ state -> (String, Set<String>)? in
            guard state.registered, let nick = state.nick else { return nil }
            return (nick, state.capabilities)
        }) else { return }
        let (nick, capabilities) = registration
        let targets = (message.parameters.first ?? "").split(separator: ",").map { String($0) }
        var lines: [String] = []
        for target in targets {
            let login = target.hasPrefix("#") ? String(target.dropFirst()).lowercased() : target.lowercased()
            guard acquireJoin() else {
                server.countJoinLimited()
                if server.configuration.disconnectOnJoinLimit {
                    reply(lines)
                    context.close(promise: nil)
                    return
                }
                continue  // Twitch silently ignores JOINs over the limit
            }
            guard let channel = server.scenario.channel(login: login) else {
                lines.append("@msg-id=msg_channel_suspended :\(host) NOTICE #\(login) :This channel does not exist or has been suspended.")
                continue
            }
            connection.state.withLock { _ = $0.joined.insert(login) }
            lines.append(":\(nick)!\(nick)@\(nick).\(host) JOIN #\(login)")
            lines.append(":\(nick).\(host) 353 \(nick) = #\(login) :\(nick)")
            lines.append(":\(nick).\(host) 366 \(nick) #\(login) :End of /NAMES list")
            if capabilities.contains("twitch.tv/commands") {
                let tagged = capabilities.contains("twitch.tv/tags")
                lines.append(IRCMessage(tags: tagged ? [IRCTag("badge-info", ""), IRCTag("badges", ""), IRCTag("color", ""),
                                                        IRCTag("display-name", nick), IRCTag("emote-sets", "0"),
                                                        IRCTag("mod", "0"), IRCTag("subscriber", "0"), IRCTag("user-type", "")] : [],
                                        prefix: host, command: "USERSTATE", parameters: ["#" + login]).serialized)
                lines.append(IRCMessage(tags: tagged ? [IRCTag("emote-only", "0"), IRCTag("followers-only", "-1"),
                                                        IRCTag("r9k", "0"), IRCTag("room-id", channel.id),
                                                        IRCTag("slow", "0"), IRCTag("subs-only", "0")] : [],
                                        prefix: host, command: "ROOMSTATE", parameters: ["#" + login]).serialized)
            }
        }
        if !lines.isEmpty { reply(lines) }
    }

    /// Sliding window per connection.
    private func acquireJoin() -> Bool {
        let limit = server.configuration.joinLimit, window = server.configuration.joinWindow
        return connection.state.withLock { state in
            let now = ContinuousClock.now
            state.recentJoins.removeAll { now - $0 >= window }
            guard state.recentJoins.count < limit else { return false }
            state.recentJoins.append(now)
            return true
        }
    }

    private func handlePart(_ message: IRCMessage) {
        guard let nick = connection.state.withLock({ $0.registered ? $0.nick : nil }) else { return }
        var lines: [String] = []
        for target in (message.parameters.first ?? "").split(separator: ",") {
            let login = target.hasPrefix("#") ? String(target.dropFirst()).lowercased() : target.lowercased()
            let wasJoined = connection.state.withLock { $0.joined.remove(login) != nil }
            if wasJoined { lines.append(":\(nick)!\(nick)@\(nick).\(host) PART #\(login)") }
        }
        if !lines.isEmpty { reply(lines) }
    }
}

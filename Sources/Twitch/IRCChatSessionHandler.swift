import NIOCore

/// One connection's IRC conversation: login, PING/PONG, joins through the shared rate limiter, and PRIVMSG batches
/// (collected per read burst, handed over in `channelReadComplete`). Lives on its channel's event loop.
final class IRCChatSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let client: IRCChatClient
    private let sessionID: Int
    private var context: ChannelHandlerContext?
    private var endPromise: EventLoopPromise<IRCSessionEnd>?
    private var registered = false
    private var joined: Set<String> = []
    private var queued: [String] = []
    private var pumpScheduled = false
    private var batch: [TwitchChatMessage] = []
    private var skippedLines = 0

    init(client: IRCChatClient, sessionID: Int) {
        self.client = client
        self.sessionID = sessionID
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let promise = context.eventLoop.makePromise(of: IRCSessionEnd.self)
        endPromise = promise
        client.sessionStarted(sessionID, ended: promise.futureResult)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.closed("connection closed"))
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        client.sessionOpened(sessionID, channel: context.channel)
        let configuration = client.configuration
        if !configuration.capabilities.isEmpty {
            send("CAP REQ :" + configuration.capabilities.joined(separator: " "))
        }
        if case .oauth(_, let token) = configuration.credentials {
            send("PASS oauth:" + (token.hasPrefix("oauth:") ? String(token.dropFirst(6)) : token))
        }
        send("NICK " + client.nick)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        flushBatch()
        finish(.closed("connection closed by the server"))
        client.sessionClosed(sessionID)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.closed("connection error: \(error)"))
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            finish(.silent)
            context.close(promise: nil)
        } else if event is IRCOversizedLine {
            skip(IRCParseError.lineTooLong.description, line: "")
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        let parsed: Result<IRCMessage, IRCParseError> = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(IRCParseError) -> IRCMessage in try IRCMessage.parse(bytes: bytes) }
        }
        switch parsed {
        case .success(let message): handle(message)
        case .failure(let error): skip(error.description, line: String(buffer: buffer))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushBatch()
        context.fireChannelReadComplete()
    }

    // MARK: Messages

    private func handle(_ message: IRCMessage) {
        switch message.command {
        case "PRIVMSG":
            if let chat = TwitchChatMessage(message) {
                batch.append(chat)
            } else {
                skip("PRIVMSG without the id, room-id, user-id or tmi-sent-ts tag", line: message.serialized)
            }
        case "PING":
            send("PONG :" + (message.trailing ?? "tmi.twitch.tv"))
        case "001":
            registered = true
            let nick = message.parameters.first ?? client.nick
            let wanted = client.sessionRegistered(sessionID, handler: NIOLoopBound(self, eventLoop: context!.eventLoop), nick: nick)
            if wanted.isEmpty { client.sessionCaughtUp(sessionID, joined: joined) }
            enqueueJoins(wanted)
        case "JOIN" where message.nick?.lowercased() == client.nick:
            for channel in Self.channels(message.parameters.first) {
                joined.insert(channel)
                client.emit(.joined(channel: channel))
            }
            client.sessionCaughtUp(sessionID, joined: joined)
        case "PART" where message.nick?.lowercased() == client.nick:
            for channel in Self.channels(message.parameters.first) {
                joined.remove(channel)
                client.emit(.parted(channel: channel))
            }
        case "RECONNECT":
            flushBatch()
            finish(.reconnectRequested)
        case "NOTICE":
            let target = message.parameters.first ?? "*"
            let text = message.trailing ?? ""
            if !registered, target == "*",
               text.contains("authentication failed") || text.contains("Improperly formatted auth") {
                client.emit(.notice(channel: nil, messageID: message.tag("msg-id"), text: text))
                finish(.authenticationFailed(text))
                context?.close(promise: nil)
            } else {
                client.emit(.notice(channel: target == "*" ? nil : Self.channels(target).first,
                                    messageID: message.tag("msg-id"), text: text))
            }
        default:
            break
        }
    }

    private func skip(_ error: String, line: String) {
        skippedLines += 1
        // Counted every time; logged for the first few and then every 1000th so garbage cannot flood the log.
        client.countSkippedLine()
        if skippedLines <= 10 || skippedLines % 1000 == 0 { client.reportSkippedLine(error, line: line, total: skippedLines) }
    }

    private static func channels(_ parameter: String?) -> [String] {
        guard let parameter else { return [] }
        return parameter.split(separator: ",").map { IRCChatClient.normalize(String($0)) }
    }

    private func flushBatch() {
        guard !batch.isEmpty else { return }
        client.deliver(batch)
        batch.removeAll(keepingCapacity: true)
    }

    private func finish(_ end: IRCSessionEnd) {
        guard let promise = endPromise else { return }
        endPromise = nil
        promise.succeed(end)
    }

    // MARK: Joins

    func enqueueJoins(_ logins: [String]) {
        for login in logins where !joined.contains(login) && !queued.contains(login) { queued.append(login) }
        pumpJoins()
    }

    func part(_ login: String) {
        queued.removeAll { $0 == login }
        if joined.contains(login) { send("PART #" + login) }
    }

    private func pumpJoins() {
        guard registered, let context, !queued.isEmpty, !pumpScheduled else { return }
        let (granted, retryAfter) = client.acquireJoins(queued.count)
        if granted > 0 {
            let now = Array(queued.prefix(granted))
            queued.removeFirst(granted)
            client.metrics.joins.increment(by: Int64(granted))
            // Several channels per JOIN line, each line well under IRC's 512 bytes.
            var line = ""
            for login in now {
                if !line.isEmpty, line.utf8.count + login.utf8.count > 400 {
                    send(line)
                    line = ""
                }
                line += line.isEmpty ? "JOIN #" + login : ",#" + login
            }
            if !line.isEmpty { send(line) }
        }
        if !queued.isEmpty {
            pumpScheduled = true
            let wait = TimeAmount.milliseconds(max(1, retryAfter.components.seconds * 1000 + retryAfter.components.attoseconds / 1_000_000_000_000_000))
            context.eventLoop.assumeIsolated().scheduleTask(in: wait) {
                self.pumpScheduled = false
                self.pumpJoins()
            }
        }
    }

    private func send(_ line: String) {
        guard let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: line.utf8.count + 2)
        buffer.writeString(line)
        buffer.writeStaticString("\r\n")
        context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
    }
}

import NIOCore
import Synchronization

/// One client connection to the fake IRC server: what it asked for and where it stands.
/// Written by its handler on the event loop, read by the chat driver; hence the lock.
final class IRCFakeConnection: Sendable {
    struct State {
        var password: String?
        var nick: String?
        var userID = ""
        var capabilities: Set<String> = []
        var registered = false
        var joined: Set<String> = []
        var recentJoins: [ContinuousClock.Instant] = []
        var lastPing: ContinuousClock.Instant
        var awaitingPongSince: ContinuousClock.Instant?
    }

    let id: Int
    let channel: any Channel
    let state: Mutex<State>

    init(id: Int, channel: any Channel) {
        self.id = id
        self.channel = channel
        state = Mutex(State(lastPing: .now))
    }

    /// Writes complete lines (each already ending in CR LF); `written` learns whether they reached the socket
    /// (false: the connection closed first and they were let go).
    func write(_ buffer: ByteBuffer, written: (@Sendable (Bool) -> Void)? = nil) {
        guard let written else {
            channel.writeAndFlush(buffer, promise: nil)
            return
        }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { result in
            if case .success = result { written(true) } else { written(false) }
        }
        channel.writeAndFlush(buffer, promise: promise)
    }

    func write(lines: [String]) {
        var buffer = channel.allocator.buffer(capacity: lines.reduce(0) { $0 + $1.utf8.count + 2 })
        for line in lines {
            buffer.writeString(line)
            buffer.writeStaticString("\r\n")
        }
        write(buffer)
    }
}

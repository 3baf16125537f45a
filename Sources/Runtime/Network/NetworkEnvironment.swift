import Dataflow
import Foundation
import Synchronization

/// Where another TaskManager's data port is.
public struct PeerAddress: Hashable, Sendable, Codable {
    /// The TaskManager's id (32 hex digits).
    public let id: String
    public let host: String
    public let port: Int
    public init(id: String, host: String, port: Int) { self.id = id; self.host = host; self.port = port }
}

/// A TaskManager's data plane: one listening port, one TCP connection per pair of TaskManagers (the one with the
/// smaller id dials), and on each connection many logical channels (`ChannelKey`).
///
/// Credit-based flow control: a receiving channel announces credits — free buffers in the consumer's input gate —
/// and gives one back whenever the consumer takes a batch; a sender sends a batch only while it holds credit and
/// otherwise waits. So a slow consumer stalls the remote producer, memory stays bounded by the credits, and the
/// network thread never blocks on a full gate (nothing is dropped).
public final class NetworkEnvironment: @unchecked Sendable {
    enum FrameKind: UInt8 { case hello = 1, data = 2, credit = 3 }

    public let localID: String
    public let host: String
    public var dataPort: Int { listener.port }
    private let listener: TCPListener
    private let state = NSCondition()
    private var connections: [String: FramedSocket] = [:]
    /// Frames for a peer that has not connected yet (credit announcements of the side that waits to be dialled).
    private var pending: [String: [(FrameKind, [UInt8])]] = [:]
    private var inbound: [ChannelKey: InboundChannel] = [:]
    private var credits: [ChannelKey: Int] = [:]
    private var lostPeers: [String: String] = [:]
    private var stopped = false

    /// Frames for a channel nobody listens on any more (a cancelled attempt's tail), counted, not an error.
    public let staleFrames = Atomic<Int>(0)
    public let bytesSent = Atomic<Int>(0)
    public let bytesReceived = Atomic<Int>(0)
    /// Connections refused at the data port: failed handshakes, garbage, oversized frames before a peer was known.
    public let rejectedConnections = Atomic<Int>(0)
    /// Who may connect (the cluster secret) and where refusals are reported (the TaskManager logs them).
    private let authentication: ClusterAuthentication
    private let onRejected: @Sendable (String) -> Void

    public init(localID: String, host: String, port: Int = 0, authentication: ClusterAuthentication = .disabled,
                onRejected: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.localID = localID
        self.host = host
        self.authentication = authentication
        self.onRejected = onRejected
        listener = try TCPListener(host: host, port: port)
        startThread("data-accept") { [self] in acceptLoop() }
    }

    public var address: PeerAddress { PeerAddress(id: localID, host: host, port: dataPort) }

    public func shutdown() {
        state.lock()
        stopped = true
        let all = Array(connections.values)
        connections = [:]
        state.broadcast()
        state.unlock()
        listener.close()
        for c in all { c.close() }
    }

    private func acceptLoop() {
        while let socket = listener.accept() {
            startThread("data-in") { [self] in
                let address = socket.peerAddress
                do {
                    try authentication.accept(socket, maxFrameLength: ClusterAuthentication.maxHandshakeFrame)
                    guard let hello = try socket.receive(), hello.kind == FrameKind.hello.rawValue,
                          (1...64).contains(hello.payload.count), hello.payload.allSatisfy(Self.isIDByte) else {
                        throw FrameError("the first frame after the handshake is not a TaskManager's hello")
                    }
                    let peer = String(decoding: hello.payload, as: UTF8.self)
                    socket.maxFrameLength = FramedSocket.maxDataFrame
                    attach(socket, peer: peer)
                    readLoop(socket, peer: peer)
                } catch {
                    socket.close()
                    rejectedConnections.add(1, ordering: .relaxed)
                    onRejected("data port refused a connection from \(address): \(error)")
                }
            }
        }
    }

    /// TaskManager ids are hex digits; anything else in a hello is garbage.
    private static func isIDByte(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }

    /// Connects to the peers this TaskManager dials (those with a larger id); the others dial us.
    public func connect(to peers: [PeerAddress]) throws {
        for peer in peers where peer.id > localID {
            state.lock()
            let connected = connections[peer.id] != nil
            state.unlock()
            if connected { continue }
            let socket = try FramedSocket.connect(host: peer.host, port: peer.port)
            do {
                try authentication.connect(socket, maxFrameLength: FramedSocket.maxDataFrame)
            } catch {
                socket.close()
                throw NetworkError("the data port of TaskManager \(peer.id) at \(peer.host):\(peer.port) refused this TaskManager: \(error)")
            }
            try socket.send(kind: FrameKind.hello.rawValue, payload: Array(localID.utf8))
            attach(socket, peer: peer.id)
            startThread("data-out") { [self] in readLoop(socket, peer: peer.id) }
        }
    }

    private func attach(_ socket: FramedSocket, peer: String) {
        state.lock()
        let old = connections[peer]
        connections[peer] = socket
        lostPeers[peer] = nil
        let queued = pending.removeValue(forKey: peer) ?? []
        state.broadcast()
        state.unlock()
        old?.close()
        for (kind, payload) in queued { try? socket.send(kind: kind.rawValue, payload: payload) }
    }

    private func readLoop(_ socket: FramedSocket, peer: String) {
        var reason = "connection closed"
        do {
            while let frame = try socket.receive() {
                bytesReceived.add(frame.payload.count + 5, ordering: .relaxed)
                switch try DataPlaneFrame.parse(kind: frame.kind, payload: frame.payload) {
                case .data(let key, var r):
                    state.lock()
                    let channel = inbound[key]
                    state.unlock()
                    guard let channel else { staleFrames.add(1, ordering: .relaxed); continue }
                    do { try channel.deliver(&r) } catch { channel.fail("cannot decode a batch on \(key) from TaskManager \(peer): \(error)") }
                case .credit(let key, let n):
                    state.lock()
                    credits[key, default: 0] += n
                    state.broadcast()
                    state.unlock()
                }
            }
        } catch {
            reason = "\(error)"
            // A member breaking the protocol (an oversized or unknown frame) is reported, not only its channels failed.
            if error is FrameError { onRejected("data port closed the connection from TaskManager \(peer): \(error)") }
        }
        socket.close()
        state.lock()
        var affected: [InboundChannel] = []
        if connections[peer] === socket {
            connections[peer] = nil
            if !stopped { lostPeers[peer] = reason }
            affected = inbound.values.filter { $0.peer == peer }
        }
        state.broadcast()
        state.unlock()
        for channel in affected { channel.fail("the data connection to TaskManager \(peer) was lost (\(reason))") }
    }

    private func send(_ kind: FrameKind, _ payload: [UInt8], to peer: String, queueIfUnconnected: Bool) throws {
        state.lock()
        guard let socket = connections[peer] else {
            if queueIfUnconnected, lostPeers[peer] == nil {
                pending[peer, default: []].append((kind, payload))
                state.unlock()
                return
            }
            let reason = lostPeers[peer] ?? "not connected"
            state.unlock()
            throw NetworkError("no data connection to TaskManager \(peer): \(reason)")
        }
        state.unlock()
        try socket.send(kind: kind.rawValue, payload: payload)
        bytesSent.add(payload.count + 5, ordering: .relaxed)
    }

    // MARK: Receiving channels

    /// Registers the receiving end of a channel and announces its initial credits to the producer's TaskManager.
    func registerInbound(_ key: ChannelKey, _ channel: InboundChannel, initialCredits: Int) {
        state.lock()
        inbound[key] = channel
        state.unlock()
        announceCredit(key, initialCredits, to: channel.peer)
    }

    func announceCredit(_ key: ChannelKey, _ n: Int, to peer: String) {
        var w = WireWriter(capacity: 40)
        key.encode(to: &w)
        w.write(UInt32(n))
        try? send(.credit, w.bytes, to: peer, queueIfUnconnected: true)
    }

    // MARK: Sending channels

    /// Waits for one credit of `key`; throws when the job is cancelled or the peer is gone.
    func acquireCredit(_ key: ChannelKey, peer: String, isCancelled: () -> Bool) throws {
        state.lock()
        defer { state.unlock() }
        while (credits[key] ?? 0) == 0 {
            if let reason = lostPeers[peer] { throw NetworkError("the data connection to TaskManager \(peer) was lost (\(reason))") }
            if stopped || isCancelled() { throw CancelledError() }
            _ = state.wait(until: Date().addingTimeInterval(0.1))
        }
        credits[key]! -= 1
    }

    /// Credits a sender holds now (for tests and metrics).
    public func availableCredit(_ key: ChannelKey) -> Int { state.lock(); defer { state.unlock() }; return credits[key] ?? 0 }

    func sendData(_ key: ChannelKey, payload: [UInt8], to peer: String) throws {
        try send(.data, payload, to: peer, queueIfUnconnected: false)
    }

    /// Forgets every channel of a job attempt (after it ended).
    public func release(jobID: JobID, attempt: Int) {
        state.lock()
        inbound = inbound.filter { !($0.key.jobID == jobID && $0.key.attempt == UInt32(attempt)) }
        credits = credits.filter { !($0.key.jobID == jobID && $0.key.attempt == UInt32(attempt)) }
        state.unlock()
    }
}

/// The receiving end of a network channel: decodes a batch and puts it into the consumer's gate.
final class InboundChannel: @unchecked Sendable {
    let peer: String
    let deliver: (inout WireReader) throws -> Void
    let fail: (String) -> Void
    init(peer: String, deliver: @escaping (inout WireReader) throws -> Void, fail: @escaping (String) -> Void) {
        self.peer = peer; self.deliver = deliver; self.fail = fail
    }
}

/// The sending end of a network channel: each full buffer waits for a credit, then goes out as one frame.
final class RemoteChannelSender<T>: BatchConsumer<T>, @unchecked Sendable {
    private let network: NetworkEnvironment
    private let key: ChannelKey
    private let peer: String
    private let codec: WireCodec<T>
    private let isCancelled: () -> Bool

    init(network: NetworkEnvironment, key: ChannelKey, peer: String, codec: WireCodec<T>, isCancelled: @escaping () -> Bool) {
        self.network = network; self.key = key; self.peer = peer; self.codec = codec; self.isCancelled = isCancelled
    }

    override func put(_ batch: ChannelBatch<T>, producer account: TaskTimeAccount? = nil) throws {
        // Waiting for the consumer's credit is this producer's backpressure, as a full local gate is.
        let start = TaskTimeAccount.now()
        try network.acquireCredit(key, peer: peer, isCancelled: isCancelled)
        account?.addBackPressured(TaskTimeAccount.now() &- start)
        var w = WireWriter(capacity: 64 + batch.timestamps.count * 48)
        key.encode(to: &w)
        BatchEncoding.encode(batch, codec: codec, into: &w)
        try network.sendData(key, payload: w.bytes, to: peer)
    }
}

/// Makes the receiving end of `key` for a gate of the consumer head's input type.
func makeInboundChannel<S: OperatorSpec>(for spec: S, gate: AnyObject, channel: Int, key: ChannelKey, peer: String,
                                         network: NetworkEnvironment, fail: @escaping (String) -> Void) throws -> InboundChannel {
    let gate = gate as! InputGate<S.Input>
    guard let codec = WireCodec<S.Input>() else { throw JobDefinitionError(WireCodecCheck.missing(S.Input.self)) }
    gate.setOnTaken(channel: channel) { [weak network] in network?.announceCredit(key, 1, to: peer) }
    return InboundChannel(peer: peer, deliver: { [weak gate] r in
        let batch = try BatchEncoding.decode(channel: channel, codec: codec, from: &r)
        gate?.putCredited(batch)
    }, fail: fail)
}

/// Checks that every exchange's record type has a wire encoding (needed once a job spans TaskManagers).
public struct WireCodecCheck: ExchangeSpecVisitor {
    public init() {}
    public func passThrough<T>(_ spec: PassThroughExchange<T>) throws -> Void {
        guard WireCodec<T>() != nil else { throw JobDefinitionError(Self.missing(T.self)) }
    }
    public func keyed<T, K>(_ spec: KeyedExchange<T, K>) throws -> Void {
        guard WireCodec<Keyed<K, T>>() != nil else { throw JobDefinitionError(Self.missing(Keyed<K, T>.self)) }
    }
    static func missing(_ type: Any.Type) -> String {
        "records of type \(type) cross TaskManagers but the type has no wire encoding: conform it to WireCodable "
            + "(or run the job on one TaskManager)"
    }
    /// Throws the first exchange of `graph` whose type cannot travel over the network.
    public static func validate(_ graph: JobGraph) throws {
        for e in graph.edges { try e.streamEdge.exchange.accept(WireCodecCheck()) }
    }
}

/// Who may talk to the RPC and data ports: peers that prove they hold the cluster's shared secret
/// (`security.cluster.secret`), by HMAC-SHA-256 challenge–response right after connecting. The secret never crosses
/// the wire; each side sends a fresh random nonce and proves the secret over both, so neither a replayed answer nor
/// a peer without the secret gets through — in either direction (the dialling side checks the listener too).
///
/// On every connection, before any other frame (each at most `maxHandshakeFrame` bytes):
/// 1. listener → dialler, kind `challenge`: `[version 1][required 0|1][nonce_l: 32 bytes]`
/// 2. dialler → listener, kind `response`: `[nonce_d: 32][HMAC(secret, "dataflow-cluster v1 dialler" ‖ nonce_l ‖ nonce_d)]`
///    (empty when the dialler has no secret)
/// 3. listener → dialler, kind `accepted`: `[HMAC(secret, "dataflow-cluster v1 listener" ‖ nonce_d ‖ nonce_l)]`
///    (empty without a secret), or kind `refused` with a reason, and the listener closes the connection.
///
/// Without a secret on either side the exchange still runs (with empty proofs), so a misconfigured pair — one side
/// with a secret, one without — fails at once with a clear error instead of misreading frames.
/// It authenticates peers; it does not encrypt: records and RPC travel in clear, as Flink's do without SSL.
public struct ClusterAuthentication: Sendable {
    enum Kind: UInt8 { case challenge = 0xA1, response = 0xA2, accepted = 0xA3, refused = 0xA4 }
    static let version: UInt8 = 1
    static let nonceLength = 32
    /// No handshake frame is longer; anything larger is garbage and is refused before it is read.
    public static let maxHandshakeFrame = 1024
    /// How long a peer may take to answer (a silent connection must not hold a thread).
    public static let handshakeTimeoutSeconds = 10.0

    private let key: [UInt8]?
    public var isEnabled: Bool { key != nil }

    /// `secret` nil or empty: authentication is off.
    public init(secret: String?) {
        key = secret.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    public static let disabled = ClusterAuthentication(secret: nil)

    /// The listening side; throws `AuthenticationError` (after telling the peer) when the peer is not a member.
    /// On success the socket accepts frames up to `maxFrameLength`.
    public func accept(_ socket: FramedSocket, maxFrameLength: Int) throws {
        socket.maxFrameLength = Self.maxHandshakeFrame
        socket.setReceiveTimeout(Self.handshakeTimeoutSeconds)
        let nonce = Self.nonce()
        try socket.send(kind: Kind.challenge.rawValue, payload: [Self.version, isEnabled ? 1 : 0] + nonce)
        guard let frame = try socket.receive() else { throw AuthenticationError("the peer closed the connection during the handshake") }
        guard frame.kind == Kind.response.rawValue else {
            throw refuse(socket, "the peer did not answer the handshake (first frame of kind \(frame.kind), \(frame.payload.count) bytes)")
        }
        if let key {
            guard frame.payload.count == Self.nonceLength + 32 else {
                throw refuse(socket, frame.payload.isEmpty ? "the peer has no cluster secret (security.cluster.secret)" : "malformed handshake answer")
            }
            let theirs = Array(frame.payload[..<Self.nonceLength])
            let proof = Array(frame.payload[Self.nonceLength...])
            guard HMACSHA256.equal(proof, Self.mac(key, "dialler", nonce, theirs)) else {
                throw refuse(socket, "wrong cluster secret")
            }
            try socket.send(kind: Kind.accepted.rawValue, payload: Self.mac(key, "listener", theirs, nonce))
        } else {
            guard frame.payload.isEmpty else { throw refuse(socket, "the peer has a cluster secret but this process has none") }
            try socket.send(kind: Kind.accepted.rawValue, payload: [])
        }
        socket.setReceiveTimeout(nil)
        socket.maxFrameLength = maxFrameLength
    }

    /// The dialling side; throws when the listener refuses us or cannot prove the secret itself.
    public func connect(_ socket: FramedSocket, maxFrameLength: Int) throws {
        socket.maxFrameLength = Self.maxHandshakeFrame
        socket.setReceiveTimeout(Self.handshakeTimeoutSeconds)
        guard let challenge = try socket.receive() else { throw AuthenticationError("the listener closed the connection before the handshake") }
        guard challenge.kind == Kind.challenge.rawValue, challenge.payload.count == 2 + Self.nonceLength,
              challenge.payload[0] == Self.version else {
            throw AuthenticationError("the listener did not start the cluster handshake (is it a Dataflow process of the same version?)")
        }
        let required = challenge.payload[1] == 1
        let theirs = Array(challenge.payload[2...])
        let nonce = Self.nonce()
        if let key {
            guard required else { throw AuthenticationError("the listener runs without a cluster secret but this process has one (security.cluster.secret)") }
            try socket.send(kind: Kind.response.rawValue, payload: nonce + Self.mac(key, "dialler", theirs, nonce))
        } else {
            try socket.send(kind: Kind.response.rawValue, payload: [])
        }
        guard let answer = try socket.receive() else { throw AuthenticationError("the listener closed the connection during the handshake") }
        if answer.kind == Kind.refused.rawValue {
            throw AuthenticationError("refused by the listener: \(String(decoding: answer.payload, as: UTF8.self))")
        }
        guard answer.kind == Kind.accepted.rawValue else { throw AuthenticationError("unexpected handshake frame \(answer.kind)") }
        if let key {
            guard HMACSHA256.equal(answer.payload, Self.mac(key, "listener", nonce, theirs)) else {
                throw AuthenticationError("the listener could not prove the cluster secret")
            }
        }
        socket.setReceiveTimeout(nil)
        socket.maxFrameLength = maxFrameLength
    }

    private func refuse(_ socket: FramedSocket, _ reason: String) -> AuthenticationError {
        try? socket.send(kind: Kind.refused.rawValue, payload: Array(reason.utf8))
        return AuthenticationError(reason)
    }

    private static func mac(_ key: [UInt8], _ role: String, _ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        HMACSHA256.authenticationCode(key: key, message: Array("dataflow-cluster v1 \(role)".utf8) + first + second)
    }

    private static func nonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()   // getrandom(2) on Linux
        return (0..<nonceLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// True for addresses only this machine can reach; a cluster may run without a secret only there.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }
}

/// A peer that is not a member of the cluster (or a listener that is not).
public struct AuthenticationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

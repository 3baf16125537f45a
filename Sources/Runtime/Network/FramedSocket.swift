import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection carrying frames: `[length: UInt32 LE][kind: UInt8][payload]`, where length counts kind
/// and payload. Sends are serialized by a lock (many subtask threads share one connection); one thread reads.
public final class FramedSocket: @unchecked Sendable {
    public let fd: Int32
    private let sendLock = NSLock()
    private var closed = false
    /// The largest frame this connection accepts (length prefix, kind and payload): a larger announced length is a
    /// corrupt or hostile stream and ends the connection with an error before anything is allocated for it.
    /// Until the handshake has passed it is `ClusterAuthentication.maxHandshakeFrame`.
    public var maxFrameLength: Int
    /// Record batches between TaskManagers (a batch of `execution.buffer-size` records; Flink sends 32 KiB buffers).
    public static let maxDataFrame = 64 << 20
    /// RPC messages (deployments, task state reports with a savepoint's subtask states).
    public static let maxControlFrame = 128 << 20
    /// A payload is read in pieces of at most this size, so a length prefix that lies costs only what was sent.
    static let readChunk = 1 << 20

    public init(fd: Int32, maxFrameLength: Int = FramedSocket.maxDataFrame) {
        self.fd = fd
        self.maxFrameLength = maxFrameLength
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Connects to `host:port` (IPv4 or a name resolved by getaddrinfo).
    public static func connect(host: String, port: Int, timeoutSeconds: Double = 10) throws -> FramedSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result else { throw NetworkError("cannot resolve \(host):\(port): \(String(cString: gai_strerror(rc)))") }
        defer { freeaddrinfo(first) }
        var lastError = "no address"
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        repeat {
            var info: UnsafeMutablePointer<addrinfo>? = first
            while let ai = info {
                let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
                if fd >= 0 {
                    if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 { return FramedSocket(fd: fd) }
                    lastError = String(cString: strerror(errno))
                    Glibc.close(fd)
                }
                info = ai.pointee.ai_next
            }
            if Date() < deadline { usleep(50_000) }
        } while Date() < deadline
        throw NetworkError("cannot connect to \(host):\(port): \(lastError)")
    }

    /// Sends one frame whole (header and payload in one write when they fit).
    public func send(kind: UInt8, payload: [UInt8]) throws {
        var frame = [UInt8]()
        frame.reserveCapacity(payload.count + 5)
        let length = UInt32(payload.count + 1)
        withUnsafeBytes(of: length.littleEndian) { frame.append(contentsOf: $0) }
        frame.append(kind)
        frame.append(contentsOf: payload)
        sendLock.lock()
        defer { sendLock.unlock() }
        guard !closed else { throw NetworkError("connection closed") }
        try frame.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw NetworkError("send failed: \(String(cString: strerror(errno)))")
                }
                sent += n
            }
        }
    }

    private func readFully(_ buffer: UnsafeMutableRawPointer, _ count: Int) throws -> Bool {
        var got = 0
        while got < count {
            let n = recv(fd, buffer + got, count - got, 0)
            if n == 0 { if got == 0 { return false }; throw NetworkError("connection closed inside a frame") }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw NetworkError("receive timed out") }
                throw NetworkError("receive failed: \(String(cString: strerror(errno)))")
            }
            got += n
        }
        return true
    }

    /// The next frame, or nil at a clean end of stream.
    public func receive() throws -> (kind: UInt8, payload: [UInt8])? {
        var kind: UInt8 = 0
        var lengthLE: UInt32 = 0
        guard try readFully(&lengthLE, 4) else { return nil }
        let length = Int(UInt32(littleEndian: lengthLE))
        guard length >= 1 else { throw FrameError("bad frame length 0") }
        guard length <= maxFrameLength else {
            throw FrameError("frame of \(length) bytes exceeds the limit of \(maxFrameLength) bytes")
        }
        guard try readFully(&kind, 1) else { throw NetworkError("connection closed inside a frame") }
        var payload = [UInt8]()
        payload.reserveCapacity(min(length - 1, Self.readChunk))
        while payload.count < length - 1 {
            let piece = min(length - 1 - payload.count, Self.readChunk)
            let start = payload.count
            payload.append(contentsOf: repeatElement(0, count: piece))
            let ok = try payload.withUnsafeMutableBytes { try readFully($0.baseAddress! + start, piece) }
            guard ok else { throw NetworkError("connection closed inside a frame") }
        }
        return (kind, payload)
    }

    /// The peer's address as `host:port` (for log lines about who connected).
    public var peerAddress: String {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &len) } }
        guard rc == 0 else { return "unknown peer" }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST)), port = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let ok = withUnsafePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, len, &host, socklen_t(host.count), &port, socklen_t(port.count), NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard ok == 0 else { return "unknown peer" }
        return "\(String(cString: host)):\(String(cString: port))"
    }

    /// Bounds how long a receive waits (nil: forever) — the handshake must not let a silent peer hold a thread.
    public func setReceiveTimeout(_ seconds: Double?) {
        var tv = timeval(tv_sec: Int(seconds ?? 0), tv_usec: Int(((seconds ?? 0) - Double(Int(seconds ?? 0))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Shuts the socket down: a blocked reader returns, later sends fail.
    public func close() {
        sendLock.lock()
        let wasClosed = closed
        closed = true
        sendLock.unlock()
        if !wasClosed {
            shutdown(fd, Int32(SHUT_RDWR))
            Glibc.close(fd)
        }
    }
}

/// A listening TCP socket; `accept` blocks on its own thread.
public final class TCPListener: @unchecked Sendable {
    public let fd: Int32
    public let port: Int
    private let lock = NSLock()
    private var closed = false

    public init(host: String, port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NetworkError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let bindHost = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, bindHost, &addr.sin_addr) == 1 else {
            Glibc.close(fd)
            throw NetworkError("'\(host)' is not an IPv4 address to listen on")
        }
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 64) == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw NetworkError("cannot listen on \(host):\(port): \(message)")
        }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    /// The next connection, or nil once closed.
    public func accept() -> FramedSocket? {
        while true {
            let c = Glibc.accept(fd, nil, nil)
            if c >= 0 { return FramedSocket(fd: c) }
            if errno == EINTR { continue }
            lock.lock(); defer { lock.unlock() }
            if closed { return nil }
            if errno == EBADF || errno == EINVAL { return nil }
        }
    }

    public func close() {
        lock.lock()
        let was = closed
        closed = true
        lock.unlock()
        if !was { shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd) }
    }
}

/// A frame that breaks the protocol (oversized, empty, unknown kind): the connection is dropped and the cause logged.
public struct FrameError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public struct NetworkError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Starts a named thread (the runtime's threads carry names so that `top -H` shows who is busy).
public func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread {
        Thread.current.name = name
        body()
    }
    thread.stackSize = 1 << 20
    thread.start()
}

import Foundation
import Runtime
import Testing

@Suite("Cluster authentication: HMAC-SHA-256 and the connect handshake")
struct ClusterAuthenticationTests {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("SHA-256 and HMAC-SHA-256 give FIPS 180-4's and RFC 4231's test vectors")
    func vectors() {
        #expect(hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(HMACSHA256.authenticationCode(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(hex(HMACSHA256.authenticationCode(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(hex(HMACSHA256.authenticationCode(key: [UInt8](repeating: 0xaa, count: 131),
                                                  message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    /// Runs the handshake over a real loopback connection; returns each side's error (nil: passed).
    private func handshake(listener listenerSecret: String?, dialler diallerSecret: String?) throws -> (listener: String?, dialler: String?) {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let accepted = Task.detached { () -> String? in
            guard let socket = listener.accept() else { return "no connection" }
            defer { socket.close() }
            do { try ClusterAuthentication(secret: listenerSecret).accept(socket, maxFrameLength: 1 << 20); return nil } catch { return "\(error)" }
        }
        let socket = try FramedSocket.connect(host: "127.0.0.1", port: listener.port)
        defer { socket.close() }
        var diallerError: String?
        do { try ClusterAuthentication(secret: diallerSecret).connect(socket, maxFrameLength: 1 << 20) } catch { diallerError = "\(error)" }
        socket.close()   // a dialler that gives up hangs up, so the listener does not wait for its answer
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var listenerError: String?
        Task { listenerError = await accepted.value; semaphore.signal() }
        semaphore.wait()
        return (listenerError, diallerError)
    }

    @Test("the same secret on both sides passes; a wrong or missing one is refused on both sides with the reason")
    func handshakes() throws {
        let same = try handshake(listener: "s3cret-cluster", dialler: "s3cret-cluster")
        #expect(same.listener == nil && same.dialler == nil)
        let off = try handshake(listener: nil, dialler: nil)
        #expect(off.listener == nil && off.dialler == nil)
        let wrong = try handshake(listener: "s3cret-cluster", dialler: "other-secret")
        #expect(wrong.listener == "wrong cluster secret")
        #expect(wrong.dialler?.contains("refused by the listener: wrong cluster secret") == true, "\(wrong)")
        let missing = try handshake(listener: "s3cret-cluster", dialler: nil)
        #expect(missing.listener?.contains("has no cluster secret") == true, "\(missing)")
        let unprotected = try handshake(listener: nil, dialler: "s3cret-cluster")
        #expect(unprotected.dialler?.contains("runs without a cluster secret") == true, "\(unprotected)")
    }

    @Test("a length prefix over the limit is refused before the payload is read or allocated")
    func oversizedFrame() throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let client = try FramedSocket.connect(host: "127.0.0.1", port: listener.port)
        defer { client.close() }
        let server = try #require(listener.accept())
        defer { server.close() }
        server.maxFrameLength = 1024
        var header: [UInt8] = [0, 0, 0x40, 0x06, 9]   // 100 MiB + kind: far beyond the limit, and never sent
        _ = header.withUnsafeMutableBytes { send(client.fd, $0.baseAddress!, $0.count, 0) }
        #expect(throws: FrameError.self) { _ = try server.receive() }
    }
}

import Dataflow
import Foundation
import Jobs
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// The TCP data plane between TaskManagers: the bytes a peer sends, read by `FramedSocket.receive` from a real
/// socket, each frame parsed as the network thread does (`DataPlaneFrame`) and a data frame's batch decoded with the
/// record type its edge number picks. A malformed frame must throw (failing that channel), never trap.
public enum DataFrameFuzz: FuzzTarget {
    public static let name = "data-frame"

    public static func run(_ data: UnsafeRawBufferPointer) {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { fatalError("socketpair: \(errno)") }
        let reader = FramedSocket(fd: fds[0])
        defer { reader.close() }
        // The peer's bytes, then its end of stream (libFuzzer's inputs fit the socket buffer: no writer thread).
        var sent = 0
        while sent < data.count {
            let n = write(fds[1], data.baseAddress! + sent, data.count - sent)
            guard n > 0 else { break }
            sent += n
        }
        close(fds[1])
        while let frame = try? reader.receive() {
            guard let parsed = try? DataPlaneFrame.parse(kind: frame.kind, payload: frame.payload) else { continue }
            guard case .data(let key, var batch) = parsed else { continue }
            switch key.edge % 4 {
            case 0: decode(&batch, String.self)
            case 1: decode(&batch, ChatMessage.self)
            case 2: decode(&batch, WindowResult<String, Int>.self)
            default: decode(&batch, Keyed<String, ChatMessage>.self)
            }
        }
    }

    private static func decode<T>(_ r: inout WireReader, _: T.Type) {
        guard let codec = WireCodec<T>() else { fatalError("\(T.self) has no wire codec") }
        _ = try? DataPlaneFrame.decodeBatch(&r, codec: codec)
    }
}

import CZstd
import Foundation

public struct FileSourceError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Bytes of a file, decompressed on the fly when it is zstd (`.zst`), read in chunks: never the whole file.
///
/// A named pipe (or any other non-regular file) is read without ever blocking for long: it is opened
/// non-blocking (opening a FIFO would otherwise wait for a writer) and each read first waits at most
/// `waitMillis` for data, so a quiet pipe never keeps its subtask from a cancel or a stop.
final class ByteStream {
    let path: String
    private let fd: Int32
    /// Not a regular file: reads may find nothing yet.
    private let isStream: Bool
    private let waitMillis: Int32 = 50
    private let compressed: Bool
    private var dctx: OpaquePointer?
    private let inCapacity = 1 << 17
    private let input: UnsafeMutableRawPointer
    private var inSize = 0
    private var inPos = 0
    /// File offset of `input[0]`: with `inPos`, where a corrupt frame was found.
    private var inFileOffset: Int64 = 0
    private var lastResult = 0
    private var sawInput = false
    private var atEOF = false

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw FileSourceError("cannot open \(path): \(String(cString: strerror(errno)))") }
        var st = stat()
        isStream = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG
        compressed = path.hasSuffix(".zst") || path.hasSuffix(".zstd")
        input = UnsafeMutableRawPointer.allocate(byteCount: inCapacity, alignment: 16)
        if compressed {
            dctx = ZSTD_createDCtx()
            guard dctx != nil else { throw FileSourceError("cannot create a zstd decompression context") }
        }
    }

    deinit {
        close(fd)
        if let dctx { ZSTD_freeDCtx(dctx) }
        input.deallocate()
    }

    /// Nil: a pipe had nothing within `waitMillis`.
    private func readRaw(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int? {
        if isStream {
            // On Linux a FIFO whose writer has not come yet polls as not ready (not as hung up): the source waits
            // for it instead of ending.
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, waitMillis)
            if r == 0 || (r < 0 && errno == EINTR) { return nil }
            if r < 0 { throw FileSourceError("cannot poll \(path): \(String(cString: strerror(errno)))") }
        }
        while true {
            let n = Glibc.read(fd, buffer, capacity)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            throw FileSourceError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Fills up to `capacity` bytes, waiting for a pipe's data; returns 0 only at the end of the data.
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        while true { if let n = try readAvailable(into: buffer, capacity: capacity) { return n } }
    }

    /// Fills up to `capacity` bytes; returns 0 only at the end of the data, nil when a pipe has nothing yet.
    func readAvailable(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int? {
        guard compressed else { return try readRaw(into: buffer, capacity: capacity) }
        guard !atEOF else { return 0 }
        var out = ZSTD_outBuffer(dst: buffer, size: capacity, pos: 0)
        while out.pos == 0 {
            if inPos == inSize {
                guard let n = try readRaw(into: input, capacity: inCapacity) else { return nil }
                inFileOffset += Int64(inSize)
                inSize = n
                inPos = 0
                if inSize == 0 {
                    atEOF = true
                    if !sawInput { throw FileSourceError("\(path) is empty: not a zstd stream (offset 0)") }
                    if lastResult != 0 {
                        throw FileSourceError("\(path) is truncated: the zstd stream ends inside a frame at offset \(inFileOffset)")
                    }
                    return 0
                }
                sawInput = true
            }
            var inb = ZSTD_inBuffer(src: input, size: inSize, pos: inPos)
            let r = ZSTD_decompressStream(dctx, &out, &inb)
            if ZSTD_isError(r) != 0 {
                let offset = inFileOffset + Int64(inb.pos)
                throw FileSourceError("\(path) is corrupt at offset \(offset): zstd: \(String(cString: ZSTD_getErrorName(r)))")
            }
            inPos = inb.pos
            lastResult = r
        }
        return out.pos
    }
}

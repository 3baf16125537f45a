import CZstd
import Foundation

public struct FileSourceError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Bytes of a file, decompressed on the fly when it is zstd (`.zst`), read in chunks: never the whole file.
final class ByteStream {
    let path: String
    private let fd: Int32
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
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSourceError("cannot open \(path): \(String(cString: strerror(errno)))") }
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

    private func readRaw(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer, capacity)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw FileSourceError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Fills up to `capacity` bytes; returns 0 only at the end of the data.
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        guard compressed else { return try readRaw(into: buffer, capacity: capacity) }
        guard !atEOF else { return 0 }
        var out = ZSTD_outBuffer(dst: buffer, size: capacity, pos: 0)
        while out.pos == 0 {
            if inPos == inSize {
                inFileOffset += Int64(inSize)
                inSize = try readRaw(into: input, capacity: inCapacity)
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

import Dataflow
import Foundation

/// A bounded source of JSON lines from one file, plain or zstd-compressed (`.jsonl`, `.jsonl.zst`), or from a
/// named pipe (read as lines arrive, until every writer has closed it).
///
/// A line that is not a JSON object, lacks a field, has a bad value, or is longer than `maxLineBytes` is
/// counted and sent to the dead-letter output with its line number; the job goes on. A file that cannot be read,
/// or whose compression is corrupt or truncated, fails the job with an error naming the file and the offset.
public struct JSONLinesSource<Record: JSONDecodableRecord>: SourceConnector {
    public let path: String
    public let maxLineBytes: Int

    public init(path: String, maxLineBytes: Int = 1 << 20) {
        self.path = path
        self.maxLineBytes = maxLineBytes
    }

    /// One file is one split: one reader.
    public var maxParallelism: Int? { 1 }
    public var description: String { "JSON lines \(path)" }

    public func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<Record> {
        JSONLinesReader<Record>(path: path, maxLineBytes: maxLineBytes)
    }
}

final class JSONLinesReader<Record: JSONDecodableRecord>: SourceReader {
    private let path: String
    private let maxLineBytes: Int
    private var stream: ByteStream?
    private let parser = JSONLineParser()
    private let capacity: Int
    private let data: UnsafeMutableRawPointer
    private var start = 0
    private var end = 0
    private var lineNumber: Int64 = 0
    private var exhausted = false
    /// Inside a line longer than the limit: its bytes are dropped until the next newline.
    private var skippingFrom: Int64? = nil

    init(path: String, maxLineBytes: Int) {
        self.path = path
        self.maxLineBytes = maxLineBytes
        capacity = max(maxLineBytes + 1, 1 << 20) + (1 << 18)
        data = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { data.deallocate() }

    /// Restored from a savepoint: the lines read before; they are skipped without emitting anything.
    private var resumeAfterLine: Int64 = 0

    func open() throws { stream = try ByteStream(path: path) }
    func close() { stream = nil }

    func snapshotPositions() throws -> [SplitPosition]? { [SplitPosition(split: 0, offset: lineNumber)] }

    func restore(positions: [SplitPosition]) throws {
        resumeAfterLine = positions.filter { $0.split == 0 }.map(\.offset).max() ?? 0
    }

    func poll(into output: SourceOutput<Record>, max: Int) throws -> SourcePoll {
        if lineNumber < resumeAfterLine {
            // A file has no index of lines: read through the ones consumed before the savepoint.
            let discard = SourceOutput<Record>()
            while lineNumber < resumeAfterLine {
                switch try readLines(into: discard, max: Int(Swift.min(resumeAfterLine - lineNumber, 1 << 20))) {
                case .finished: return .finished
                case .nothingAvailable: return .nothingAvailable   // a pipe: back to the loop, which sees a cancel
                case .more: break
                }
            }
        }
        return try readLines(into: output, max: max)
    }

    private func readLines(into output: SourceOutput<Record>, max: Int) throws -> SourcePoll {
        guard let stream else { throw FileSourceError("\(path) is not open") }
        var emitted = 0
        while emitted < max {
            if start < end, let nl = memchr(data + start, 0x0a, end - start) {
                let lineEnd = data.distance(to: nl)
                lineNumber += 1
                if skippingFrom != nil {
                    try output.deadLetter(DeadLetter(origin: path, position: lineNumber, reason: "line longer than \(maxLineBytes) bytes", raw: ""))
                    skippingFrom = nil
                } else {
                    try handle(UnsafeRawBufferPointer(start: data + start, count: lineEnd - start), output)
                }
                start = lineEnd + 1
                emitted += 1
                continue
            }
            if exhausted {
                if start == end, skippingFrom != nil {
                    // The last line was too long and had no newline: its bytes are gone, its dead letter is not.
                    lineNumber += 1
                    try output.deadLetter(DeadLetter(origin: path, position: lineNumber, reason: "line longer than \(maxLineBytes) bytes", raw: ""))
                    skippingFrom = nil
                    emitted += 1
                }
                if start < end {
                    lineNumber += 1
                    if skippingFrom != nil {
                        try output.deadLetter(DeadLetter(origin: path, position: lineNumber, reason: "line longer than \(maxLineBytes) bytes", raw: ""))
                        skippingFrom = nil
                    } else {
                        try handle(UnsafeRawBufferPointer(start: data + start, count: end - start), output)
                    }
                    start = end
                    emitted += 1
                }
                return emitted > 0 ? .more : .finished
            }
            // No newline in what is buffered: make room and read more.
            // +1: a CR before the newline does not count towards the line's length.
            if end - start > maxLineBytes + 1 {
                if skippingFrom == nil { skippingFrom = lineNumber + 1 }
                start = end
            }
            if start > 0 {
                if end > start { memmove(data, data + start, end - start) }
                end -= start
                start = 0
            }
            // A pipe with nothing to read yet: hand back to the subtask's loop, which sees a cancel or a stop.
            guard let n = try stream.readAvailable(into: data + end, capacity: capacity - end) else {
                return emitted > 0 ? .more : .nothingAvailable
            }
            if n == 0 { exhausted = true } else { end += n }
        }
        return .more
    }

    @inline(__always)
    private func handle(_ line: UnsafeRawBufferPointer, _ output: SourceOutput<Record>) throws {
        var count = line.count
        if count > 0, line[count - 1] == 0x0d { count -= 1 }     // CRLF
        if count == 0 { return }                                 // blank lines carry no record
        let bytes = UnsafeRawBufferPointer(rebasing: line[0..<count])
        if count > maxLineBytes {
            try output.deadLetter(DeadLetter(origin: path, position: lineNumber, reason: "line longer than \(maxLineBytes) bytes", raw: ""))
            return
        }
        let record: Record
        do {
            record = try parser.decode(Record.self, from: bytes)
        } catch {
            try output.deadLetter(DeadLetter(origin: path, position: lineNumber, reason: "\(error)",
                                             raw: String(decoding: bytes.prefix(1024), as: UTF8.self)))
            return
        }
        try output.collect(record)
    }
}

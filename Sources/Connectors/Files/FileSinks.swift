import Dataflow
import Foundation

/// A record that can be a CSV row.
public protocol CSVRecord {
    /// The header line (without newline).
    static var csvHeader: String { get }
    func csvRow(_ row: inout CSVRow)
}

/// Builds one CSV line: fields separated by commas, quoted when they need it (RFC 4180).
public struct CSVRow {
    var bytes: [UInt8] = []
    private var first = true
    init() {}

    private mutating func separator() { if first { first = false } else { bytes.append(UInt8(ascii: ",")) } }
    public mutating func add(_ v: Int64) { separator(); bytes += Array(String(v).utf8) }
    public mutating func add(_ v: Int) { separator(); bytes += Array(String(v).utf8) }
    /// Java's `Double.toString` form, as Flink writes doubles.
    public mutating func add(_ v: Double) { separator(); bytes += Array(JavaDouble.format(v).utf8) }
    public mutating func add(_ v: String) {
        separator()
        if v.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0a || $0 == 0x0d }) {
            bytes.append(UInt8(ascii: "\""))
            for c in v.utf8 { if c == UInt8(ascii: "\"") { bytes.append(c) }; bytes.append(c) }
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes += Array(v.utf8)
        }
    }
}

/// Buffered writes to a temporary file renamed into place when complete, so a failed job never leaves a
/// half-written file under the final name.
final class AtomicFileWriter {
    let path: String
    private let tmpPath: String
    private let handle: UnsafeMutablePointer<FILE>

    init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        tmpPath = path + ".inprogress"
        guard let h = fopen(tmpPath, "w") else {
            throw FileSourceError("cannot write \(tmpPath): \(String(cString: strerror(errno)))")
        }
        handle = h
        setvbuf(h, nil, _IOFBF, 1 << 16)
    }

    func write(_ bytes: [UInt8]) throws {
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard n == bytes.count else { throw FileSourceError("cannot write \(tmpPath): \(String(cString: strerror(errno)))") }
    }
    func line(_ bytes: [UInt8]) throws { try write(bytes); try write([0x0a]) }

    /// What is written so far (for a savepoint of a file not committed yet).
    func contents() throws -> Data {
        guard fflush(handle) == 0, let data = FileManager.default.contents(atPath: tmpPath) else {
            throw FileSourceError("cannot read back \(tmpPath): \(String(cString: strerror(errno)))")
        }
        return data
    }

    func commit() throws {
        guard fclose(handle) == 0 else { throw FileSourceError("cannot close \(tmpPath): \(String(cString: strerror(errno)))") }
        guard rename(tmpPath, path) == 0 else { throw FileSourceError("cannot rename \(tmpPath) to \(path): \(String(cString: strerror(errno)))") }
    }
    func abandon() { fclose(handle); unlink(tmpPath) }
}

/// A file sink's part of a savepoint: its file is committed only at the end, so what it wrote (or holds back to
/// sort) moves with the savepoint and is written again by the restored writer.
struct FileSinkState: Codable {
    /// Records held back for sorting (encoded `[Record]`).
    var records: Data?
    /// Lines already written (without a CSV header).
    var lines: Data?
}

/// The file a parallel sink instance writes: `PATH` at parallelism 1, `name-<i>.ext` beside it otherwise.
func subtaskPath(_ path: String, subtask: Int, parallelism: Int) -> String {
    guard parallelism > 1 else { return path }
    let ns = path as NSString
    let ext = ns.pathExtension
    let base = ns.deletingPathExtension
    return ext.isEmpty ? "\(base)-\(subtask)" : "\(base)-\(subtask).\(ext)"
}

/// Writes records as CSV with a header; optionally sorted (buffered until the end of the input, for reports
/// that are compared line by line, like the golden files).
public struct CSVFileSink<Record: CSVRecord>: SinkConnector, @unchecked Sendable {
    public let path: String
    public let sortedBy: ((Record, Record) -> Bool)?
    public init(path: String, sortedBy: ((Record, Record) -> Bool)? = nil) { self.path = path; self.sortedBy = sortedBy }
    public var description: String { "CSV \(path)" }
    public func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<Record> {
        CSVFileWriter(path: subtaskPath(path, subtask: subtask, parallelism: parallelism), sortedBy: sortedBy)
    }
}

final class CSVFileWriter<Record: CSVRecord>: SinkWriter {
    private let path: String
    private let sortedBy: ((Record, Record) -> Bool)?
    private var file: AtomicFileWriter?
    private var pending: [Record] = []
    private var committed = false
    private var restoredLines: [Data] = []

    init(path: String, sortedBy: ((Record, Record) -> Bool)?) { self.path = path; self.sortedBy = sortedBy }

    func open() throws {
        file = try AtomicFileWriter(path: path)
        try file!.line(Array(Record.csvHeader.utf8))
        for lines in restoredLines { try file!.write(Array(lines)) }
        restoredLines = []
    }

    func snapshotState() throws -> Data? {
        guard let file, !committed else { return nil }
        if sortedBy != nil {
            return try JSONEncoder().encode(FileSinkState(records: try StateCodec.encode(pending, "the rows of \(path)")))
        }
        let written = try file.contents()
        let body = written.firstIndex(of: 0x0a).map { written[(($0) + 1)...] } ?? Data()
        return try JSONEncoder().encode(FileSinkState(lines: Data(body)))
    }

    func restore(states: [Data]) throws {
        for item in states {
            let state = try JSONDecoder().decode(FileSinkState.self, from: item)
            if let records = state.records { pending += try StateCodec.decode([Record].self, from: records, "the rows of \(path)") }
            if let lines = state.lines { restoredLines.append(lines) }
        }
    }
    func write(_ value: Record, timestamp: Timestamp) throws {
        if sortedBy != nil { pending.append(value); return }
        try file!.line(row(value))
    }
    private func row(_ value: Record) -> [UInt8] {
        var r = CSVRow()
        value.csvRow(&r)
        return r.bytes
    }
    func flush() throws {
        guard let file, !committed else { return }
        if let sortedBy {
            pending.sort(by: sortedBy)
            for v in pending { try file.line(row(v)) }
            pending = []
        }
        try file.commit()
        committed = true
    }
    func close() throws {
        if !committed { file?.abandon() }
        file = nil
    }
}

/// Writes records as JSON lines.
public struct JSONLinesFileSink<Record: JSONEncodableRecord>: SinkConnector {
    public let path: String
    public init(path: String) { self.path = path }
    public var description: String { "JSON lines \(path)" }
    public func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<Record> {
        JSONLinesFileWriter(path: subtaskPath(path, subtask: subtask, parallelism: parallelism))
    }
}

final class JSONLinesFileWriter<Record: JSONEncodableRecord>: SinkWriter {
    private let path: String
    private var file: AtomicFileWriter?
    private var committed = false
    private var restoredLines: [Data] = []
    init(path: String) { self.path = path }
    func open() throws {
        file = try AtomicFileWriter(path: path)
        for lines in restoredLines { try file!.write(Array(lines)) }
        restoredLines = []
    }
    func snapshotState() throws -> Data? {
        guard let file, !committed else { return nil }
        return try JSONEncoder().encode(FileSinkState(lines: try file.contents()))
    }
    func restore(states: [Data]) throws {
        for item in states {
            if let lines = try JSONDecoder().decode(FileSinkState.self, from: item).lines { restoredLines.append(lines) }
        }
    }
    func write(_ value: Record, timestamp: Timestamp) throws { try file!.line(JSONWriter.encode(value)) }
    func flush() throws {
        guard let file, !committed else { return }
        try file.commit()
        committed = true
    }
    func close() throws {
        if !committed { file?.abandon() }
        file = nil
    }
}

import Dataflow
import FileConnector
import Foundation
import Runtime
import Testing

/// The record the JSON-lines tests read: two required fields.
struct Rec: JSONDecodableRecord, JSONEncodableRecord, Equatable, Sendable {
    var id: Int64
    var name: String
    init(id: Int64, name: String) { self.id = id; self.name = name }
    init(json: JSONObject) throws {
        id = try json.int64("id")
        name = try json.string("name")
    }
    func encode(json w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("name", name)
        w.endObject()
    }
}

/// A fresh directory per test, so tests running in parallel never share files.
func makeTempDir(_ label: String = #function) throws -> String {
    let safe = label.filter { $0.isLetter || $0.isNumber }
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("fc-\(safe)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func readFile(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

struct ToolError: Error, CustomStringConvertible { var description: String }

/// Compresses `source` into `destination` with the zstd command-line tool (the test target does not link libzstd).
/// The CLI writes a content checksum, so corruption is detectable.
func zstdCompress(_ source: String, _ destination: String, level: Int = 3) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
    p.arguments = ["-q", "-f", "-\(level)", source, "-o", destination]
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw ToolError(description: "zstd exited with \(p.terminationStatus)") }
}

/// What a JSON-lines job produced.
struct JSONLinesRun {
    var result: JobResult
    var records: [Rec]
    var deadLetters: [DeadLetter]
}

/// Runs `Source(JSONLinesSource) → Sink`, dead letters into their own sink.
func runJSONLines(_ path: String, maxLineBytes: Int = 1 << 20) async throws -> JSONLinesRun {
    let sink = CollectingSink<Rec>()
    let deadSink = CollectingSink<DeadLetter>()
    let job = try Job("t") {
        Source("src", JSONLinesSource<Rec>(path: path, maxLineBytes: maxLineBytes))
            .sideOutput(.deadLetters) { Sink("dl", deadSink) }
        Sink("out", sink)
    }
    let result = try await LocalExecutor().run(job)
    return JSONLinesRun(result: result, records: sink.values, deadLetters: deadSink.values)
}

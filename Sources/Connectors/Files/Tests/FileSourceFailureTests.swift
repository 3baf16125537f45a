import Dataflow
import FileConnector
import Foundation
import Runtime
import Testing

// A file that cannot be read must fail the job (not finish it early with part of the data), and the failure must
// name the file and say where it went wrong.

/// A compressible file of a few hundred KB, so the frame has many blocks.
private func compressedFixture(_ dir: String) throws -> (path: String, bytes: [UInt8]) {
    var text = ""
    for i in 0..<20_000 { text += #"{"id":\#(i),"name":"row \#(i) \#(i * 7919 % 10007)"}"# + "\n" }
    let plain = dir + "/data.jsonl"
    try writeFile(plain, Array(text.utf8))
    let path = dir + "/data.jsonl.zst"
    try zstdCompress(plain, path)
    return (path, try readFile(path))
}

@Test("a truncated .zst fails the job, naming the file, 'truncated' and the offset where it ends",
      arguments: [1, 4, 10, 1000])
func truncatedZstd(cut: Int) async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (path, bytes) = try compressedFixture(dir)
    let truncated = Array(bytes.dropLast(cut))
    try writeFile(path, truncated)
    let run = try await runJSONLines(path)
    #expect(run.result.status == .failed)
    let failure = try #require(run.result.failure)
    #expect(failure.contains(path), "\(failure)")
    #expect(failure.contains("truncated"), "\(failure)")
    // The stream ends at the end of the (cut) file.
    #expect(failure.contains("offset \(truncated.count)"), "\(failure)")
    // Cutting more than the 4-byte content checksum loses data: the job cannot have seen every record.
    if cut > 4 { #expect(run.records.count < 20_000) }
}

@Test("a corrupt .zst fails the job, naming the file and 'corrupt at offset'", arguments: [0.25, 0.5, 0.9])
func corruptZstd(at fraction: Double) async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (path, original) = try compressedFixture(dir)
    var bytes = original
    let middle = Int(Double(bytes.count) * fraction)
    for i in middle..<(middle + 64) { bytes[i] ^= 0xa5 }
    try writeFile(path, bytes)
    let run = try await runJSONLines(path)
    #expect(run.result.status == .failed)
    let failure = try #require(run.result.failure)
    #expect(failure.contains(path), "\(failure)")
    #expect(failure.contains("corrupt at offset"), "\(failure)")
    // The offset reported lies within the file.
    let offset = failure.split(separator: "corrupt at offset ").last.flatMap { Int($0.prefix { $0.isNumber }) }
    #expect(offset.map { $0 >= 0 && $0 <= bytes.count } == true, "\(failure)")
}

@Test("a file named .zst that is not zstd fails the job")
func notZstd() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/plain.jsonl.zst"
    try writeFile(path, Array(#"{"id":1,"name":"a"}"#.utf8) + [0x0a])
    let run = try await runJSONLines(path)
    #expect(run.result.status == .failed)
    #expect(run.result.failure?.contains(path) == true && run.result.failure?.contains("corrupt at offset") == true,
            "\(run.result.failure ?? "")")
    #expect(run.records.isEmpty)
}

@Test("an empty .zst fails the job")
func emptyZstd() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/empty.jsonl.zst"
    try writeFile(path, [])
    let run = try await runJSONLines(path)
    #expect(run.result.status == .failed)
    #expect(run.result.failure?.contains(path) == true, "\(run.result.failure ?? "")")
}

@Test("a missing file fails the job with 'cannot open' and the path")
func missingFile() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for name in ["absent.jsonl", "absent.jsonl.zst"] {
        let path = dir + "/" + name
        let run = try await runJSONLines(path)
        #expect(run.result.status == .failed)
        let failure = try #require(run.result.failure)
        #expect(failure.contains("cannot open") && failure.contains(path), "\(failure)")
        // The failure names the stage that failed.
        #expect(failure.contains("src"), "\(failure)")
    }
}

@Test("a directory given as the input fails the job")
func directoryAsInput() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let run = try await runJSONLines(dir)
    #expect(run.result.status == .failed)
    #expect(run.result.failure?.contains(dir) == true, "\(run.result.failure ?? "")")
}

@Test("two zstd frames concatenated are read as one stream")
func concatenatedFrames() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try writeFile(dir + "/a.jsonl", Array((#"{"id":1,"name":"a"}"# + "\n").utf8))
    try writeFile(dir + "/b.jsonl", Array((#"{"id":2,"name":"b"}"# + "\n").utf8))
    try zstdCompress(dir + "/a.jsonl", dir + "/a.zst")
    try zstdCompress(dir + "/b.jsonl", dir + "/b.zst")
    let path = dir + "/ab.jsonl.zst"
    try writeFile(path, try readFile(dir + "/a.zst") + readFile(dir + "/b.zst"))
    let run = try await runJSONLines(path)
    #expect(run.result.status == .finished, "\(run.result.failure ?? "")")
    #expect(run.records == [Rec(id: 1, name: "a"), Rec(id: 2, name: "b")])
}

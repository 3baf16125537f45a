import Dataflow
import FileConnector
import Foundation
import Runtime
import Testing

// The line numbers and reasons below are derived from how the test file is built, line by line.

private func line(_ s: String) -> [UInt8] { Array(s.utf8) }

/// The name that makes `recordLine(id:length:)` exactly `length` bytes long.
private func paddedName(id: Int, length: Int) -> String {
    String(repeating: "x", count: length - #"{"id":\#(id),"name":""}"#.utf8.count)
}

/// A record line of exactly `length` bytes: {"id":N,"name":"xxx…"}.
private func recordLine(id: Int, length: Int) -> String {
    #"{"id":\#(id),"name":"\#(paddedName(id: id, length: length))"}"#
}

/// The mixed file: valid lines and every kind of bad line, with LF, CRLF and no final newline.
private func mixedFile() -> [UInt8] {
    var b: [UInt8] = []
    b += line(#"{"id":1,"name":"a"}"#) + [0x0a]                             // 1 ok
    b += line(#"{"id":2,"name":"b""#) + [0x0a]                              // 2 malformed: unterminated object
    b += line(#"{"id":3}"#) + [0x0a]                                        // 3 missing field
    b += line(#"{"id":4,"name":5}"#) + [0x0a]                               // 4 wrong type
    b += [0x0a]                                                             // 5 blank
    b += line(#"{"id":6,"name":"crlf"}"#) + [0x0d, 0x0a]                    // 6 ok, CRLF
    b += [0x0d, 0x0a]                                                       // 7 blank, CRLF
    b += line("not json at all") + [0x0a]                                   // 8 not an object
    b += line(#"{"id":9,"name":""# + String(repeating: "y", count: 300) + #""}"#) + [0x0a]  // 9 too long
    b += line(#"{"id":10,"name":"ünï 😀"}"#) + [0x0a]                       // 10 ok, UTF-8
    b += line(#"{"id":11,"name":""#) + [0xff, 0xfe] + line(#""}"#) + [0x0a]  // 11 invalid UTF-8
    b += line(recordLine(id: 12, length: 200)) + [0x0a]                      // 12 ok, exactly the limit
    b += line(recordLine(id: 13, length: 201)) + [0x0a]                      // 13 one byte over the limit
    b += line(recordLine(id: 14, length: 200)) + [0x0d, 0x0a]                // 14 ok: the CR does not count
    b += line(#"{"id":15,"name":"last"}"#)                                   // 15 ok, no final newline
    return b
}

private let expectedRecords = [
    Rec(id: 1, name: "a"), Rec(id: 6, name: "crlf"), Rec(id: 10, name: "ünï 😀"),
    Rec(id: 12, name: paddedName(id: 12, length: 200)), Rec(id: 14, name: paddedName(id: 14, length: 200)),
    Rec(id: 15, name: "last"),
]

/// Line number, words the reason must contain, and the raw line (nil: not checked).
private let expectedDeadLetters: [(line: Int64, reason: [String], raw: String?)] = [
    (2, ["unterminated"], #"{"id":2,"name":"b""#),
    (3, ["missing field 'name'"], #"{"id":3}"#),
    (4, ["field 'name' is not a string"], #"{"id":4,"name":5}"#),
    (8, ["not a JSON object"], "not json at all"),
    (9, ["longer than 200 bytes"], nil),
    (11, ["'name'", "UTF-8"], nil),
    (13, ["longer than 200 bytes"], nil),
]

private func checkMixed(_ run: JSONLinesRun, path: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.result.status == .finished, "\(run.result.failure ?? "")", sourceLocation: sourceLocation)
    #expect(run.records == expectedRecords, sourceLocation: sourceLocation)
    #expect(run.deadLetters.map(\.position) == expectedDeadLetters.map(\.line), sourceLocation: sourceLocation)
    for (got, want) in zip(run.deadLetters, expectedDeadLetters) {
        #expect(got.origin == path, sourceLocation: sourceLocation)
        for word in want.reason {
            #expect(got.reason.contains(word), "line \(want.line): \(got.reason)", sourceLocation: sourceLocation)
        }
        if let raw = want.raw { #expect(got.raw == raw, "line \(want.line)", sourceLocation: sourceLocation) }
    }
    #expect(run.result.metric("src", "numDeadLetters") == Int64(expectedDeadLetters.count), sourceLocation: sourceLocation)
    #expect(run.result.metric("src", "numRecordsOut") == Int64(expectedRecords.count), sourceLocation: sourceLocation)
}

@Test("valid lines become records; every bad line becomes a dead letter with its line number and reason")
func mixedPlain() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/mixed.jsonl"
    try writeFile(path, mixedFile())
    checkMixed(try await runJSONLines(path, maxLineBytes: 200), path: path)
}

@Test("the same file compressed with zstd gives the same result")
func mixedCompressed() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let plain = dir + "/mixed.jsonl"
    try writeFile(plain, mixedFile())
    let path = dir + "/mixed.jsonl.zst"
    try zstdCompress(plain, path)
    checkMixed(try await runJSONLines(path, maxLineBytes: 200), path: path)
}

@Test("empty files and files of blank lines finish with no records")
func emptyAndBlank() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for (name, bytes) in [("empty.jsonl", [] as [UInt8]), ("blank.jsonl", Array("\n\r\n\n".utf8))] {
        let path = dir + "/" + name
        try writeFile(path, bytes)
        let run = try await runJSONLines(path)
        #expect(run.result.status == .finished, "\(name): \(run.result.failure ?? "")")
        #expect(run.records.isEmpty && run.deadLetters.isEmpty, "\(name)")
    }
}

// A line longer than maxLineBytes must be reported even when it is the last line and has no newline.
@Test("a too-long final line without a newline becomes a dead letter")
func longFinalLineWithoutNewline() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/tail.jsonl"
    try writeFile(path, line(#"{"id":1,"name":"a"}"#) + [0x0a] + line(recordLine(id: 2, length: 300)))
    let run = try await runJSONLines(path, maxLineBytes: 200)
    #expect(run.result.status == .finished)
    #expect(run.records == [Rec(id: 1, name: "a")])
    #expect(run.deadLetters.map(\.position) == [2])
    #expect(run.result.metric("src", "numDeadLetters") == 1)
}

// A CRLF line of exactly maxLineBytes is accepted (line 14 of the mixed file): the CR is not part of the line.
// That must not depend on where the reader's buffer happens to end. The reader's buffer holds
// max(maxLineBytes + 1, 1 MiB) + 256 KiB bytes and a plain file fills it on the first read, so the line is placed
// with its CR as the last byte of that first read and its LF as the first byte of the next.
@Test("a CRLF line of exactly maxLineBytes is accepted when its CR ends a read buffer")
func crlfLineAtBufferBoundary() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/boundary.jsonl"
    let maxLine = 200
    let firstRead = (1 << 20) + (1 << 18)
    var b: [UInt8] = []
    var id = 0
    var want: [Int64] = []
    // Filler lines of 100 bytes (99 + LF), the last one sized so the target line starts at firstRead - 1 - maxLine.
    let targetStart = firstRead - 1 - maxLine
    while targetStart - b.count > 0 {
        let remaining = targetStart - b.count
        let length = remaining >= 200 ? 99 : (remaining >= 100 ? remaining - 51 : remaining - 1)
        b += Array(recordLine(id: id, length: length).utf8) + [0x0a]
        want.append(Int64(id)); id += 1
    }
    #expect(b.count == targetStart)
    b += Array(recordLine(id: id, length: maxLine).utf8) + [0x0d, 0x0a]
    want.append(Int64(id)); id += 1
    #expect(b[firstRead - 1] == 0x0d && b[firstRead] == 0x0a)
    for _ in 0..<10 {
        b += Array(recordLine(id: id, length: 50).utf8) + [0x0a]
        want.append(Int64(id)); id += 1
    }
    try writeFile(path, b)
    let run = try await runJSONLines(path, maxLineBytes: maxLine)
    #expect(run.result.status == .finished)
    #expect(run.deadLetters.map(\.position) == [], "\(run.deadLetters.map(\.reason))")
    #expect(run.records.map(\.id) == want)
}

// MARK: - Large files: many read buffers, lines across buffer boundaries

/// 200,000 lines of varying length (about 10 MB): several times the reader's buffer.
private func largeFile(lines: Int) -> [UInt8] {
    var b: [UInt8] = []
    b.reserveCapacity(lines * 60)
    for i in 0..<lines {
        b += Array(#"{"id":\#(i),"name":"n\#(i)-\#(String(repeating: "p", count: i % 37))"}"#.utf8)
        b.append(0x0a)
    }
    return b
}

private func checkLarge(_ run: JSONLinesRun, lines: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.result.status == .finished, "\(run.result.failure ?? "")", sourceLocation: sourceLocation)
    #expect(run.deadLetters.isEmpty, "\(run.deadLetters.prefix(3))", sourceLocation: sourceLocation)
    #expect(run.records.count == lines, sourceLocation: sourceLocation)
    // In order, none lost, none cut at a buffer boundary.
    var firstBad: Int? = nil
    for (i, r) in run.records.enumerated() where r.id != Int64(i) || r.name != "n\(i)-\(String(repeating: "p", count: i % 37))" {
        firstBad = i
        break
    }
    #expect(firstBad == nil, "first wrong record at index \(firstBad ?? -1)", sourceLocation: sourceLocation)
    #expect(run.result.metric("src", "numRecordsOut") == Int64(lines), sourceLocation: sourceLocation)
}

@Test("a large plain file is read completely and in order")
func largePlain() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/large.jsonl"
    let bytes = largeFile(lines: 200_000)
    #expect(bytes.count > 8 << 20)
    try writeFile(path, bytes)
    checkLarge(try await runJSONLines(path, maxLineBytes: 200), lines: 200_000)
}

@Test("a large zstd file is read completely and in order")
func largeCompressed() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let plain = dir + "/large.jsonl"
    try writeFile(plain, largeFile(lines: 200_000))
    let path = dir + "/large.jsonl.zst"
    try zstdCompress(plain, path)
    checkLarge(try await runJSONLines(path, maxLineBytes: 200), lines: 200_000)
}

// Long lines are dense enough that some straddle the reader's buffer boundaries (so both the "whole line in the
// buffer" and the "skip until the next newline" paths run), and one line is larger than the whole buffer.
@Test("too-long lines anywhere in a large file are reported at their line numbers, the rest read", arguments: [false, true])
func longLinesAcrossBuffers(compressed: Bool) async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var b: [UInt8] = []
    var wantRecords: [Int64] = []
    var wantDead: [Int64] = []
    let lineCount = 12_000
    for n in 1...lineCount {
        if n == 6_000 {
            b += Array(#"{"id":0,"name":""#.utf8) + [UInt8](repeating: 0x7a, count: 3_000_000) + Array(#""}"#.utf8)
            wantDead.append(Int64(n))
        } else if n % 5 == 0 {
            b += Array(recordLine(id: n, length: 2_000 + n % 997).utf8)
            wantDead.append(Int64(n))
        } else {
            b += Array(recordLine(id: n, length: 30 + n % 50).utf8)
            wantRecords.append(Int64(n))
        }
        b.append(0x0a)
    }
    let plain = dir + "/long.jsonl"
    try writeFile(plain, b)
    var path = plain
    if compressed {
        path = dir + "/long.jsonl.zst"
        try zstdCompress(plain, path)
    }
    let run = try await runJSONLines(path, maxLineBytes: 1_999)
    #expect(run.result.status == .finished, "\(run.result.failure ?? "")")
    #expect(run.records.map(\.id) == wantRecords)
    #expect(run.deadLetters.map(\.position) == wantDead)
    #expect(run.deadLetters.allSatisfy { $0.reason.contains("longer than 1999 bytes") })
    #expect(run.result.metric("src", "numDeadLetters") == Int64(wantDead.count))
}

@Test("JSONLinesSource declares one reader per file and names the file")
func connectorDeclaration() {
    let s = JSONLinesSource<Rec>(path: "/data/x.jsonl.zst")
    #expect(s.maxParallelism == 1)
    #expect(s.description.contains("/data/x.jsonl.zst"))
    #expect(s.maxLineBytes == 1 << 20)
}

// Without a dead-letter branch the bad lines are still counted (never dropped silently) and the job goes on.
@Test("dead letters are counted when no side output consumes them")
func deadLettersWithoutSideOutput() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/in.jsonl"
    try writeFile(path, Array("{\"id\":1,\"name\":\"a\"}\nbad\n{\"id\":2}\n{\"id\":3,\"name\":\"c\"}\n".utf8))
    let sink = CollectingSink<Rec>()
    let job = try Job("no-dl") {
        Source("src", JSONLinesSource<Rec>(path: path))
        Sink("out", sink)
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .finished, "\(result.failure ?? "")")
    #expect(sink.values == [Rec(id: 1, name: "a"), Rec(id: 3, name: "c")])
    #expect(result.metric("src", "numDeadLetters") == 2)
}

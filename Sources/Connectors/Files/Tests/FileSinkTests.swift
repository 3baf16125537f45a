import Dataflow
import FileConnector
import Foundation
import Runtime
import Testing

/// A CSV row with a number, free text and a double.
struct Row: CSVRecord, Sendable, Equatable {
    var id: Int64
    var text: String
    var value: Double
    static var csvHeader: String { "id,text,value" }
    func csvRow(_ row: inout CSVRow) { row.add(id); row.add(text); row.add(value) }
}

private struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }

private func text(_ path: String) throws -> String { String(decoding: try readFile(path), as: UTF8.self) }
private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

// RFC 4180: a field holding a comma, quote, CR or LF is enclosed in quotes, and quotes inside are doubled.
@Test("CSV: header first, then one row per record; fields quoted as RFC 4180 requires")
func csvQuoting() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.csv"
    let rows = [
        Row(id: 1, text: "plain", value: 10.2),
        Row(id: 2, text: "a,b", value: 3.0),
        Row(id: 3, text: #"say "hi""#, value: 1e7),
        Row(id: 4, text: "two\nlines", value: -0.5),
        Row(id: 5, text: "cr\rhere", value: 0.001),
        Row(id: 6, text: "", value: 0.0001),
        Row(id: 7, text: #"""#, value: 100),
        Row(id: 8, text: "ünï 😀 'single'", value: 123.456),
    ]
    let job = try Job("csv") {
        Source("src", CollectionSource(rows))
        Sink("csv", CSVFileSink<Row>(path: path))
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .finished, "\(result.failure ?? "")")
    // Doubles in Java's Double.toString form (10.2, 3.0, 1.0E7, -0.5, 0.001, 1.0E-4, 100.0, 123.456).
    let want = [
        "id,text,value",
        "1,plain,10.2",
        #"2,"a,b",3.0"#,
        #"3,"say ""hi""",1.0E7"#,
        "4,\"two\nlines\",-0.5",
        "5,\"cr\rhere\",0.001",
        "6,,1.0E-4",
        #"7,"""",100.0"#,
        "8,ünï 😀 'single',123.456",
    ].map { $0 + "\n" }.joined()
    #expect(try text(path) == want)
    #expect(!exists(path + ".inprogress"))
}

@Test("CSV: sortedBy orders the rows; without it the arrival order is kept")
func csvSorted() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let rows = [Row(id: 3, text: "c", value: 1), Row(id: 1, text: "a", value: 2), Row(id: 2, text: "b", value: 3),
                Row(id: 1, text: "A", value: 4)]
    let sorted = dir + "/sorted.csv", unsorted = dir + "/unsorted.csv"
    let job = try Job("csv-sorted") {
        Source("src", CollectionSource(rows))
        Fork { Sink("unsorted", CSVFileSink<Row>(path: unsorted)) }
        Sink("sorted", CSVFileSink<Row>(path: sorted, sortedBy: { ($0.id, $0.text) < ($1.id, $1.text) }))
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .finished, "\(result.failure ?? "")")
    #expect(try text(sorted) == "id,text,value\n1,A,4.0\n1,a,2.0\n2,b,3.0\n3,c,1.0\n")
    #expect(try text(unsorted) == "id,text,value\n3,c,1.0\n1,a,2.0\n2,b,3.0\n1,A,4.0\n")
}

@Test("CSV: an empty input still writes the header")
func csvEmpty() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/sub/dir/empty.csv"      // missing parent directories are created
    let job = try Job("csv-empty") {
        Source("src", CollectionSource<Row>([]))
        Sink("csv", CSVFileSink<Row>(path: path))
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .finished, "\(result.failure ?? "")")
    #expect(try text(path) == "id,text,value\n")
}

// While the job runs the data sits in PATH.inprogress; only a finished job renames it to PATH.
@Test("CSV: the .inprogress file is renamed on success")
func csvInProgressRenamedOnSuccess() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.csv"
    let seen = CollectingSink<(inProgress: Bool, final: Bool)>()
    let job = try Job("csv-progress") {
        Source("src", CollectionSource((1...3).map { Row(id: Int64($0), text: "r", value: 1) }))
        // Chained before the sink (same thread): the sink writer is open from the first record on.
        Map<Row, Row>("observe") { r in r }
        Fork {
            Map<Row, (inProgress: Bool, final: Bool)>("probe") { _ in
                (FileManager.default.fileExists(atPath: path + ".inprogress"), FileManager.default.fileExists(atPath: path))
            }
            Sink("seen", seen)
        }
        Sink("csv", CSVFileSink<Row>(path: path))
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .finished, "\(result.failure ?? "")")
    #expect(seen.values.map(\.inProgress) == [true, true, true])
    #expect(seen.values.map(\.final) == [false, false, false])
    #expect(exists(path))
    #expect(!exists(path + ".inprogress"))
}

@Test("CSV: a failed job leaves neither the file nor its .inprogress")
func csvNotRenamedOnFailure() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.csv"
    let job = try Job("csv-fail") {
        Source("src", CollectionSource((1...5).map { Row(id: Int64($0), text: "r", value: 1) }))
        Map<Row, Row>("explode") { r in
            if r.id == 4 { throw Boom() }
            return r
        }
        Sink("csv", CSVFileSink<Row>(path: path))
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .failed)
    #expect(result.failure?.contains("boom") == true, "\(result.failure ?? "")")
    #expect(!exists(path))
    #expect(!exists(path + ".inprogress"))
}

@Test("CSV: a failed job does not replace an existing file")
func csvFailureKeepsOldFile() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.csv"
    try writeFile(path, Array("old\n".utf8))
    let job = try Job("csv-fail-old") {
        Source("src", CollectionSource([Row(id: 1, text: "r", value: 1)]))
        Map<Row, Row>("explode") { _ in throw Boom() }
        Sink("csv", CSVFileSink<Row>(path: path))
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .failed)
    #expect(try text(path) == "old\n")
}

@Test("CSV: parallel sink instances write name-<i>.ext, each with a header")
func csvParallel() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.csv"
    let rows = (1...20).map { Row(id: Int64($0), text: "r\($0)", value: Double($0)) }
    let job = try Job("csv-parallel") {
        Source("src", CollectionSource(rows))
        Sink("csv", CSVFileSink<Row>(path: path)).parallelism(2)
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .finished, "\(result.failure ?? "")")
    #expect(!exists(path))
    var ids: [Int] = []
    for i in 0..<2 {
        let lines = try text(dir + "/out-\(i).csv").split(separator: "\n")
        #expect(lines.first == "id,text,value")
        ids += lines.dropFirst().map { Int($0.split(separator: ",")[0])! }
    }
    #expect(ids.sorted() == Array(1...20))
}

// MARK: - JSON lines

@Test("JSON lines sink: one JSON object per line, readable by Foundation and by JSONLinesSource")
func jsonLinesSink() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.jsonl"
    let recs = [Rec(id: 1, name: "a"), Rec(id: -2, name: "line\nbreak \"q\" \\ \t é 😀"), Rec(id: .max, name: "")]
    let job = try Job("jsonl") {
        Source("src", CollectionSource(recs))
        Sink("jsonl", JSONLinesFileSink<Rec>(path: path))
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .finished, "\(result.failure ?? "")")
    #expect(!exists(path + ".inprogress"))

    let bytes = try readFile(path)
    #expect(bytes.last == 0x0a)
    let lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false).dropLast()
    #expect(lines.count == recs.count)
    for (line, rec) in zip(lines, recs) {
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect((obj["id"] as? NSNumber)?.int64Value == rec.id)
        #expect(obj["name"] as? String == rec.name)
        #expect(obj.count == 2)
    }
    // And back through our own source.
    let back = try await runJSONLines(path)
    #expect(back.records == recs)
}

@Test("dead letters written as JSON lines keep origin, position, reason and raw text")
func deadLettersToJSONLines() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let input = dir + "/in.jsonl"
    try writeFile(input, Array("{\"id\":1,\"name\":\"a\"}\n{\"id\":2}\nnope \"quoted\"\n".utf8))
    let out = dir + "/dead.jsonl"
    let sink = CollectingSink<Rec>()
    let job = try Job("dl") {
        Source("src", JSONLinesSource<Rec>(path: input))
            .sideOutput(.deadLetters) { Sink("dl", JSONLinesFileSink<DeadLetter>(path: out)) }
        Sink("out", sink)
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .finished, "\(result.failure ?? "")")
    let lines = try text(out).split(separator: "\n")
    #expect(lines.count == 2)
    let objs = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    #expect(objs.map { $0["origin"] as? String } == [input, input])
    #expect(objs.map { ($0["position"] as? NSNumber)?.intValue } == [2, 3])
    #expect(objs.map { $0["raw"] as? String } == [#"{"id":2}"#, #"nope "quoted""#])
    #expect((objs[0]["reason"] as? String)?.contains("missing field 'name'") == true)
}

@Test("JSON lines sink: a failed job leaves neither the file nor its .inprogress")
func jsonLinesFailure() async throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.jsonl"
    let job = try Job("jsonl-fail") {
        Source("src", CollectionSource([Rec(id: 1, name: "a"), Rec(id: 2, name: "b")]))
        Map<Rec, Rec>("explode") { r in
            if r.id == 2 { throw Boom() }
            return r
        }
        Sink("jsonl", JSONLinesFileSink<Rec>(path: path))
    }
    let result = try await LocalExecutor().run(job)
    #expect(result.status == .failed)
    #expect(!exists(path) && !exists(path + ".inprogress"))
}

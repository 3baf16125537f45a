import Dataflow
import Foundation
import Testing
@testable import FileConnector
import Jobs
import Runtime

/// The repository root, and the shared folder beside it (CI lays `shared/` next to the clone).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let sharedGolden = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/golden")
let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")

/// Reads a text file, decompressing `.zst` with our own streaming reader.
func readLines(_ path: String) throws -> [String] {
    let stream = try ByteStream(path: path)
    var data = Data()
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        let n = try stream.read(into: buffer, capacity: 1 << 16)
        if n == 0 { break }
        data.append(buffer.assumingMemoryBound(to: UInt8.self), count: n)
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

struct ReplayOutput {
    let windows: [String]
    let anomalies: [String]
    let result: JobResult
    let directory: String
}

func replay(_ input: String, parallelism: Int, config: ClipDetectorConfig = ClipDetectorConfig()) async throws -> ReplayOutput {
    let dir = try temporaryDirectory()
    let job = try ClipDetectorReplay.job(input: input, outputDirectory: dir, config: config)
    let result = try await LocalExecutor().run(job, parallelism: parallelism)
    return ReplayOutput(windows: try readLines("\(dir)/windows.csv"), anomalies: try readLines("\(dir)/anomalies.csv"),
                        result: result, directory: dir)
}

/// Anomaly rows agree: same broadcaster, window end and count; mean and stddev within 1e-9 relative.
func expectSameAnomalies(_ ours: [String], _ golden: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(ours.count == golden.count, sourceLocation: sourceLocation)
    #expect(ours.first == golden.first, "header", sourceLocation: sourceLocation)
    for (a, b) in zip(ours.dropFirst(), golden.dropFirst()) {
        let x = a.split(separator: ","), y = b.split(separator: ",")
        #expect(x.count == 5 && y.count == 5, sourceLocation: sourceLocation)
        guard x.count == 5, y.count == 5 else { continue }
        #expect(x[0..<3] == y[0..<3], "\(a) vs \(b)", sourceLocation: sourceLocation)
        for i in 3..<5 {
            let u = Double(x[i])!, v = Double(y[i])!
            #expect(abs(u - v) <= 1e-9 * max(abs(v), 1e-300), "\(a) vs \(b)", sourceLocation: sourceLocation)
        }
    }
}

@Suite("The clip detector replays recorded chat exactly as Apache Flink does", .serialized)
struct GoldenReplayTests {
    @Test("chat-d1 (775,436 messages, 100 channels): Flink's windows and anomalies at every parallelism", arguments: [1, 2, 3, 4])
    func chatD1(parallelism: Int) async throws {
        let input = sharedGolden.appendingPathComponent("chat-d1.jsonl.zst").path
        try #require(FileManager.default.fileExists(atPath: input), "the golden data belongs at \(input) (../shared/golden beside the clone)")
        let out = try await replay(input, parallelism: parallelism)
        #expect(out.result.status == .finished, "\(out.result.failure ?? "")")
        let goldenWindows = try readLines(sharedGolden.appendingPathComponent("chat-d1.windows.csv.zst").path)
        #expect(out.windows.count == 116_799)
        #expect(out.windows == goldenWindows)
        expectSameAnomalies(out.anomalies, try readLines(sharedGolden.appendingPathComponent("chat-d1.anomalies.csv").path))
        #expect(out.result.metric("chat-source", "numRecordsOut") == 775_436)
        #expect(out.result.metric("chat-source", "numDeadLetters") == 0)
        // Late records are counted, and every one of them is in the late output.
        let late = out.result.metric("chat-rate", "numLateRecordsDropped")
        #expect(late > 0)
        #expect(try readLines("\(out.directory)/late-chat.jsonl").count == Int(late))
    }

    @Test("chat-s7 (another recorded stream, its golden computed by Flink at parallelism 3)", arguments: [1, 3])
    func chatS7(parallelism: Int) async throws {
        let dir = fixtures.appendingPathComponent("chat-s7")
        let out = try await replay(dir.appendingPathComponent("chat-s7.jsonl.zst").path, parallelism: parallelism)
        #expect(out.result.status == .finished)
        #expect(out.windows == (try readLines(dir.appendingPathComponent("windows.csv").path)))
        expectSameAnomalies(out.anomalies, try readLines(dir.appendingPathComponent("anomalies.csv").path))
        #expect(out.anomalies.count == 9)
    }

    @Test("bad lines in the recording are dead-lettered with their line numbers; the rest is processed")
    func deadLetters() async throws {
        let dir = try temporaryDirectory()
        let good = (0..<50).map { #"{"broadcaster_id":"1","user_id":"u","user_login":"u","text":"hi","ts":\#(1_764_000_000_000 + $0 * 100)}"# }
        var lines = good
        lines.insert("{not json", at: 3)                                                     // line 4
        lines.insert(#"{"broadcaster_id":"1","text":"no ts"}"#, at: 10)                        // line 11
        lines.insert(#"{"broadcaster_id":"1","text":"bad","ts":"yesterday"}"#, at: 20)         // line 21
        lines.insert(#"{"broadcaster_id":"1","text":"bad","ts":17}"#, at: 30)                  // line 31: not epoch ms
        let input = "\(dir)/chat.jsonl"
        try lines.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let out = try await replay(input, parallelism: 2)
        #expect(out.result.status == .finished)
        #expect(out.result.metric("chat-source", "numRecordsOut") == 50)
        #expect(out.result.metric("chat-source", "numDeadLetters") == 4)
        let letters = try readLines("\(out.directory)/dead-letters.jsonl")
        #expect(letters.count == 4)
        let positions = letters.map { line -> Int in
            let obj = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return obj["position"] as! Int
        }
        #expect(positions == [4, 11, 21, 31])
        #expect(letters[1].contains("missing field 'ts'"))
        #expect(letters[3].contains("timestamp"))
        // 50 messages 100 ms apart in one channel: 5 s of chat, every window counted.
        #expect(out.windows.count - 1 == 9)
    }

    @Test("a corrupt recording fails the replay with an error naming the file and the offset")
    func corruptInput() async throws {
        let dir = try temporaryDirectory()
        let source = try Data(contentsOf: fixtures.appendingPathComponent("chat-s7/chat-s7.jsonl.zst"))
        let truncated = "\(dir)/truncated.jsonl.zst"
        try source.prefix(source.count / 2).write(to: URL(fileURLWithPath: truncated))
        let job = try ClipDetectorReplay.job(input: truncated, outputDirectory: dir, config: ClipDetectorConfig())
        let result = try await LocalExecutor().run(job, parallelism: 2)
        #expect(result.status == .failed)
        let failure = try #require(result.failure)
        #expect(failure.contains(truncated))
        #expect(failure.contains("truncated"))
        #expect(failure.contains("offset \(source.count / 2)"))
        // A failed job leaves no half-written result under the final names.
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/windows.csv"))
    }
}

@Suite("Clip detector parameters")
struct ClipDetectorParameterTests {
    @Test("unknown or malformed parameters are rejected with the parameter's name")
    func rejectsBadParameters() throws {
        let replay = try #require(JobCatalog.named("clip-detector-replay"))
        #expect(throws: JobParameterError.self) { try replay.make("x", JobParameters(["input": "a", "output": "b", "windw-size-ms": "5"])) }
        #expect(throws: JobParameterError.self) { try replay.make("x", JobParameters(["input": "a", "output": "b", "k": "many"])) }
        #expect(throws: JobParameterError.self) { try replay.make("x", JobParameters(["output": "b"])) }
        #expect(throws: JobParameterError.self) {
            try replay.make("x", JobParameters(["input": "a", "output": "b", "baseline-windows": "5", "min-baseline-samples": "6"]))
        }
        let job = try replay.make("x", JobParameters(["input": "a", "output": "b", "k": "2.5"]))
        #expect(job.graph.nodes.map(\.name).contains("anomaly-detector"))
    }

    @Test("the plan: source chain at parallelism 1, windows and detector behind HASH edges")
    func plan() throws {
        let job = try ClipDetectorReplay.job(input: "in.jsonl", outputDirectory: "out", config: ClipDetectorConfig())
        let graph = try JobGraph(job: job, configuration: DataflowConfiguration(), parallelism: 4)
        let names = graph.vertices.indices.map { graph.name(of: $0) }
        #expect(names.contains("Source: chat-source -> Sink: dead-letters -> drop-commands"))
        #expect(names.contains("chat-rate -> window-row"))
        let hash = graph.edges.filter { $0.strategy == .hash }.map { graph.node($0.consumerNode).name }
        #expect(hash.sorted() == ["anomaly-detector", "chat-rate"])
        #expect(graph.vertices.first { graph.node($0.head).name == "chat-rate" }?.parallelism == 4)
    }
}

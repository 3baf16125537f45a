import Foundation
import Testing

/// The `dataflow` binary built beside the test bundle (`swift build --build-tests` builds both).
func dataflowBinary() throws -> String {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir, dir.deletingLastPathComponent()] {
        let path = candidate.appendingPathComponent("dataflow").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    let fallback = repositoryRoot.appendingPathComponent(".build/debug/dataflow").path
    try #require(FileManager.default.isExecutableFile(atPath: fallback), "build the dataflow binary first (swift build)")
    return fallback
}

/// Runs `dataflow` from the repository root (where jobs.yaml is); returns exit status, stdout and stderr.
func dataflow(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try dataflowBinary())
    p.arguments = arguments
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    p.currentDirectoryURL = repositoryRoot
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Suite("The dataflow command line")
struct CLITests {
    @Test("run --local replays a recording into the golden files and prints a one-line summary")
    func runLocal() async throws { try await onThread {
        let dir = try temporaryDirectory()
        let input = fixtures.appendingPathComponent("chat-s7/chat-s7.jsonl.zst").path
        let r = try dataflow(["run", "clip-detector-replay", "--local", "-p", "3", "-D", "input=\(input)", "-D", "output=\(dir)"])
        #expect(r.status == 0, "\(r.err)")
        let summary = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(summary.hasPrefix("FINISHED clip-detector-replay"))
        for part in ["records in 19832", "dead-lettered 0", "windows 2548", "anomalies 8", "records/s", "elapsed"] {
            #expect(summary.contains(part), "summary lacks '\(part)': \(summary)")
        }
        #expect(try readLines("\(dir)/windows.csv") == (try readLines(fixtures.appendingPathComponent("chat-s7/windows.csv").path)))
        #expect(try readLines("\(dir)/anomalies.csv").count == 9)
    } }

    @Test("info prints the plan as Flink's plan JSON")
    func info() async throws { try await onThread {
        let r = try dataflow(["info", "clip-detector-replay", "-p", "2"])
        #expect(r.status == 0, "\(r.err)")
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        let plan = try #require(json?["plan"] as? [String: Any])
        #expect(plan["name"] as? String == "clip-detector-replay")
        #expect(plan["type"] as? String == "STREAMING")
        let nodes = try #require(plan["nodes"] as? [[String: Any]])
        let strategies = nodes.flatMap { ($0["inputs"] as? [[String: Any]] ?? []).compactMap { $0["ship_strategy"] as? String } }
        #expect(strategies.filter { $0 == "HASH" }.count == 2)
        #expect(nodes.allSatisfy { ($0["id"] as? String)?.count == 32 })
    } }

    @Test("parallelism: -p (or -D parallelism.default) over jobs.yaml's over FLINK_PARALLELISM, as in Flink")
    func parallelismPrecedence() async throws { try await onThread {
        let dir = try temporaryDirectory()
        // One entry with a parallelism of its own (2), one without.
        try """
            jobs:
              declared: {job: clip-detector-replay, parallelism: 2, parameters: {input: in.jsonl, output: out}}
              undeclared: {job: clip-detector-replay, parameters: {input: in.jsonl, output: out}}
            """.write(toFile: "\(dir)/jobs.yaml", atomically: true, encoding: .utf8)
        func widest(_ arguments: [String]) throws -> Int? {
            let r = try dataflow(["info"] + arguments + ["--jobs", "\(dir)/jobs.yaml"], environment: ["FLINK_PARALLELISM": "3"])
            #expect(r.status == 0, "\(r.err)")
            let plan = (try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["plan"] as? [String: Any]
            return (plan?["nodes"] as? [[String: Any]])?.compactMap { $0["parallelism"] as? Int }.max()
        }
        #expect(try widest(["declared"]) == 2, "jobs.yaml's parallelism outranks FLINK_PARALLELISM")
        #expect(try widest(["undeclared"]) == 3, "FLINK_PARALLELISM is the default for a job that declares none")
        #expect(try widest(["declared", "-p", "4"]) == 4, "-p outranks jobs.yaml")
        #expect(try widest(["declared", "-D", "parallelism.default=5"]) == 5, "-D parallelism.default on the command line counts as -p")
    } }

    @Test("mistakes get a clear error and a non-zero exit")
    func errors() async throws { try await onThread {
        let unknownJob = try dataflow(["run", "no-such-job", "--local"])
        #expect(unknownJob.status != 0)
        #expect(unknownJob.err.contains("no job named 'no-such-job'"))

        let typo = try dataflow(["run", "clip-detector-replay", "--local", "-D", "windw-size-ms=5"])
        #expect(typo.status != 0)
        #expect(typo.err.contains("windw-size-ms"))

        let missing = try dataflow(["run", "clip-detector-replay", "--local", "-D", "input=/nonexistent/chat.jsonl", "-D", "output=\(try temporaryDirectory())"])
        #expect(missing.status != 0)
        #expect(missing.out.hasPrefix("FAILED"))
        #expect(missing.err.contains("cannot open /nonexistent/chat.jsonl"))

        let cluster = try dataflow(["run", "clip-detector-replay"])
        #expect(cluster.status != 0)
        #expect(cluster.err.contains("--local"))
    } }
}

/// Runs blocking test code (child processes, compilers) on its own thread, so that it does not hold one of the
/// few threads of Swift's cooperative pool, which the async code under test needs.
func onThread<T>(_ body: @escaping () throws -> T) async throws -> T {
    let work = UncheckedBox(body)
    return try await withCheckedThrowingContinuation { (c: CheckedContinuation<UncheckedBox<T>, Error>) in
        Thread {
            do { c.resume(returning: UncheckedBox(try work.value())) } catch { c.resume(throwing: error) }
        }.start()
    }.value
}

struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

import Foundation
import Testing

/// The `dataflow` executable's logs, as a container's log collector sees them: stderr is a pipe, not a terminal.
@Suite("dataflow writes JSON log lines", .serialized)
struct DataflowLogOutputTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func dataflowBinary() throws -> String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("dataflow").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw CollectorError("no dataflow binary beside \(dir.path): build it with `swift build --build-tests`")
    }

    /// Starts `dataflow cluster` on free ports, waits for its banner on stdout, stops it with SIGTERM and returns
    /// both streams. Runs on its own thread: reading pipes blocks.
    static func runCluster(environment extra: [String: String]) async throws -> (status: Int32, out: String, err: String) {
        let binary = try dataflowBinary()
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: binary)
                    process.arguments = ["cluster", "-D", "rest.port=0", "-D", "metrics.reporter.prom.port=0"]
                    process.currentDirectoryURL = repositoryRoot
                    process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
                    let out = Pipe(), err = Pipe()
                    process.standardOutput = out
                    process.standardError = err
                    try process.run()
                    // A cluster that never announces itself is stopped after 60 s (the machine is loaded).
                    DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { process.terminate() } }
                    var stdout = Data()
                    while !String(decoding: stdout, as: UTF8.self).contains("Stop with") {
                        let chunk = out.fileHandleForReading.availableData
                        if chunk.isEmpty { break }
                        stdout.append(chunk)
                    }
                    if process.isRunning { process.terminate() }    // SIGTERM: the graceful path
                    stdout.append(out.fileHandleForReading.readDataToEndOfFile())
                    let stderr = err.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: stdout, as: UTF8.self),
                                                    String(decoding: stderr, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    @Test("without LOG_FORMAT, stderr that is not a terminal gets one JSON object per line; stdout keeps the banner")
    func jsonByDefault() async throws {
        let result = try await Self.runCluster(environment: ["LOG_FORMAT": "", "LOG_LEVEL": "info"])
        #expect(result.out.hasPrefix("Cluster started"), "stdout: \(result.out)")
        let lines = result.err.split(separator: "\n").map(String.init)
        #expect(lines.count >= 2, "stderr: \(result.err)")
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(object["service"] as? String == "cluster", "line: \(line)")
            #expect(object["level"] is String && object["logger"] is String && object["message"] is String && object["ts"] is String)
        }
        #expect(lines.contains { $0.contains("registered") }, "the TaskManager's registration is logged")
    }

    @Test("LOG_FORMAT=text gives human-readable lines")
    func textOnRequest() async throws {
        let result = try await Self.runCluster(environment: ["LOG_FORMAT": "text", "LOG_LEVEL": "info"])
        #expect(result.out.hasPrefix("Cluster started"))
        let lines = result.err.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(!line.hasPrefix("{"), "JSON despite LOG_FORMAT=text: \(line)")
            #expect(line.contains(" info ") || line.contains(" notice ") || line.contains(" warning "), "line: \(line)")
        }
    }
}

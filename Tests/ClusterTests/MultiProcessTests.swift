import Cluster
import Dataflow
@testable import FileConnector
import Foundation
import HTTPConnector
import Synchronization
import Testing

/// A `dataflow` process started by a test: stdout goes to a file the test reads for the ports it announces.
final class DataflowProcess: @unchecked Sendable {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    init(_ arguments: [String], directory: String) throws {
        stdoutPath = "\(directory)/\(UUID().uuidString).out"
        stderrPath = stdoutPath.replacingOccurrences(of: ".out", with: ".err")
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: try dataflowBinary())
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        // If this test process dies, the cluster processes follow instead of lingering.
        process.environment = ProcessInfo.processInfo.environment.merging(["DATAFLOW_EXIT_WITH_PARENT": "1"]) { _, new in new }
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    var output: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits until stdout has a line containing `marker`; returns that line.
    func line(containing marker: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = output.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            guard process.isRunning else { throw TestFailure("dataflow \(process.arguments ?? []) exited: \(errors)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("no '\(marker)' from dataflow \(process.arguments ?? []) within \(timeout): \(output) \(errors)")
    }

    func terminate() {
        if process.isRunning { kill(process.processIdentifier, SIGCONT); process.terminate() }
    }
    /// Freezes the process: its connections stay open but it sends nothing (missed heartbeats).
    func freeze() { if process.isRunning { kill(process.processIdentifier, SIGSTOP) } }
    func kill9() { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// One JobManager and some TaskManagers, each its own `dataflow` process, on free ports.
final class MultiProcessCluster: @unchecked Sendable {
    let directory: String
    let jobManager: DataflowProcess
    let rpcPort: Int
    let restURL: String
    /// The JobManager's Prometheus endpoint.
    let metricsURL: String
    private(set) var taskManagers: [(id: String, process: DataflowProcess, metricsURL: String)] = []
    let http: HTTPClient
    let settings: [String]

    init(settings: [String: String] = [:]) async throws {
        directory = try temporaryDirectory()
        let base = ["heartbeat.interval": "200ms", "heartbeat.timeout": "3s", "restart-strategy.type": "fixed-delay",
                    "restart-strategy.fixed-delay.attempts": "3", "restart-strategy.fixed-delay.delay": "500ms",
                    // Every process of these clusters proves the shared secret on each RPC and data connection.
                    "security.cluster.secret": "multi-process-test-secret"].merging(settings) { _, b in b }
        self.settings = base.sorted { $0.key < $1.key }.flatMap { ["-D", "\($0.key)=\($0.value)"] }
        jobManager = try DataflowProcess(["jobmanager", "-D", "jobmanager.rpc.port=0", "-D", "rest.port=0",
                                          "-D", "metrics.reporter.prom.port=0"] + self.settings, directory: directory)
        let rpc = try await jobManager.line(containing: "RPC endpoint:")
        rpcPort = Int(rpc.split(separator: " ").first { $0.contains("127.0.0.1:") }!.split(separator: ":").last!)!
        restURL = String(try await jobManager.line(containing: "REST API:").split(separator: " ").last!)
        metricsURL = String(try await jobManager.line(containing: "Prometheus metrics:").split(separator: " ").last!)
        http = try HTTPClient()
    }

    @discardableResult
    func addTaskManager(slots: Int) async throws -> String {
        let p = try DataflowProcess(["taskmanager", "-D", "jobmanager.rpc.port=\(rpcPort)", "-D", "taskmanager.numberOfTaskSlots=\(slots)",
                                     "-D", "metrics.reporter.prom.port=0"] + settings, directory: directory)
        let started = try await p.line(containing: "TaskManager ")
        let id = String(started.split(separator: " ")[1])
        let metrics = String(try await p.line(containing: "Prometheus metrics:").split(separator: " ").last!)
        taskManagers.append((id, p, metrics))
        return id
    }

    func get(_ path: String) async throws -> [String: Any] {
        let response = try await http.execute(HTTPRequest(method: .get, url: restURL + path))
        guard response.status == 200, let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw TestFailure("GET \(path): \(response.status) \(response.text)")
        }
        return json
    }

    func waitUntil(_ what: String, timeout: Duration = .seconds(120), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("timed out waiting for \(what)\nJobManager: \(jobManager.errors)")
    }

    func submit(_ job: String, parallelism: Int, parameters: [String: String]) async throws -> JobID {
        try await ClusterClient(rest: RESTClient(baseURL: restURL, http: http)).submit(JobSubmission(job: job, parallelism: parallelism, parameters: parameters))
    }

    func state(_ id: JobID) async throws -> String { try await get("/jobs/\(id)")["state"] as? String ?? "" }

    /// Every TaskManager id that runs a subtask of the job, per `/jobs/:id/vertices/:vid`.
    func taskManagersRunning(_ id: JobID) async throws -> Set<String> {
        var out: Set<String> = []
        for vertex in try await get("/jobs/\(id)")["vertices"] as? [[String: Any]] ?? [] {
            let details = try await get("/jobs/\(id)/vertices/\(vertex["id"] as! String)")
            for s in details["subtasks"] as? [[String: Any]] ?? [] { out.insert(s["taskmanager-id"] as? String ?? "") }
        }
        return out
    }

    func stop() {
        for tm in taskManagers { tm.process.terminate() }
        jobManager.terminate()
        for tm in taskManagers { tm.process.process.waitUntilExit() }
        jobManager.process.waitUntilExit()
        http.shutdown()
    }
}

let golden = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/golden")

func lines(_ path: String) throws -> [String] {
    let stream = try ByteStream(path: path)
    var data = Data()
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        let n = try stream.read(into: buffer, capacity: 1 << 16)
        if n == 0 { break }
        data.append(buffer.assumingMemoryBound(to: UInt8.self), count: n)
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}

/// Our windows equal Flink's line for line; anomalies agree on broadcaster, window and count, and on mean and
/// stddev to 1e-9 relative.
func expectGolden(_ directory: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let windows = try lines("\(directory)/windows.csv")
    let goldenWindows = try lines(golden.appendingPathComponent("chat-d1.windows.csv.zst").path)
    #expect(windows.count == goldenWindows.count, sourceLocation: sourceLocation)
    if windows != goldenWindows {
        // The first lines that differ, not the whole file.
        let diff = windows.difference(from: goldenWindows)
        let extra = diff.insertions.prefix(5).map { "\($0)" }, missing = diff.removals.prefix(5).map { "\($0)" }
        let message = "windows.csv differs from Flink's: \(diff.insertions.count) lines more, \(diff.removals.count) missing; "
            + "more: \(extra); missing: \(missing)"
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
    let anomalies = try lines("\(directory)/anomalies.csv")
    let goldenAnomalies = try lines(golden.appendingPathComponent("chat-d1.anomalies.csv").path)
    #expect(anomalies.count == goldenAnomalies.count, sourceLocation: sourceLocation)
    for (a, b) in zip(anomalies, goldenAnomalies) {
        let x = a.split(separator: ","), y = b.split(separator: ",")
        #expect(x.count == y.count && x.prefix(3) == y.prefix(3), "\(a) vs \(b)", sourceLocation: sourceLocation)
        for i in 3..<min(x.count, y.count) {
            if let u = Double(x[i]), let v = Double(y[i]) {
                #expect(abs(u - v) <= 1e-9 * max(abs(v), 1e-300), "\(a) vs \(b)", sourceLocation: sourceLocation)
            } else {
                #expect(x[i] == y[i], sourceLocation: sourceLocation)
            }
        }
    }
}

@Suite("Multi-process cluster: dataflow jobmanager with dataflow taskmanager processes", .serialized)
struct MultiProcessTests {
    init() throws {
        try #require(FileManager.default.fileExists(atPath: golden.appendingPathComponent("chat-d1.jsonl.zst").path),
                     "the golden data belongs at \(golden.path) (../shared/golden beside the clone)")
    }

    private func replay(taskManagers: Int, slots: Int, parallelism: Int) async throws {
        let cluster = try await MultiProcessCluster()
        defer { cluster.stop() }
        for _ in 0..<taskManagers { try await cluster.addTaskManager(slots: slots) }
        try await cluster.waitUntil("\(taskManagers) TaskManagers", timeout: .seconds(30)) {
            try await cluster.get("/overview")["slots-total"] as? Int == taskManagers * slots
        }
        let out = "\(cluster.directory)/out"
        let id = try await cluster.submit("clip-detector-replay", parallelism: parallelism,
                                          parameters: ["input": golden.appendingPathComponent("chat-d1.jsonl.zst").path, "output": out])
        try await cluster.waitUntil("RUNNING") { try await cluster.state(id) == "RUNNING" }
        let running = try await cluster.taskManagersRunning(id)
        #expect(running.count == min(taskManagers, (parallelism + slots - 1) / slots), "subtasks on \(running)")
        try await cluster.waitUntil("FINISHED") { ["FINISHED", "FAILED"].contains(try await cluster.state(id)) }
        let exceptions = try await cluster.get("/jobs/\(id)/exceptions")
        #expect(try await cluster.state(id) == "FINISHED", "\(exceptions)")
        try expectGolden(out)
    }

    @Test("clip-detector-replay on chat-d1 through 3 TaskManager processes (2 slots each, p=6) gives Flink's output")
    func threeTaskManagers() async throws {
        try await replay(taskManagers: 3, slots: 2, parallelism: 6)
    }

    @Test("the same job on 1 TaskManager process with 4 slots gives the same output")
    func oneTaskManager() async throws {
        try await replay(taskManagers: 1, slots: 4, parallelism: 4)
    }

    @Test("cancel reaches every TaskManager: CANCELED, all slots free again, and the TaskManagers take the next job")
    func cancelAcrossTaskManagers() async throws {
        let cluster = try await MultiProcessCluster()
        defer { cluster.stop() }
        for _ in 0..<2 { try await cluster.addTaskManager(slots: 2) }
        try await cluster.waitUntil("2 TaskManagers", timeout: .seconds(30)) { try await cluster.get("/overview")["slots-total"] as? Int == 4 }
        let parameters = ["input": golden.appendingPathComponent("chat-d1.jsonl.zst").path, "output": "\(cluster.directory)/out"]
        let id = try await cluster.submit("clip-detector-replay", parallelism: 4, parameters: parameters)
        try await cluster.waitUntil("RUNNING") { try await cluster.state(id) == "RUNNING" }
        #expect(try await cluster.taskManagersRunning(id).count == 2)
        #expect(try await cluster.get("/overview")["slots-available"] as? Int == 0)
        try await ClusterClient(rest: RESTClient(baseURL: cluster.restURL, http: cluster.http)).cancel(id)
        try await cluster.waitUntil("CANCELED", timeout: .seconds(30)) { try await cluster.state(id) == "CANCELED" }
        try await cluster.waitUntil("slots freed", timeout: .seconds(10)) { try await cluster.get("/overview")["slots-available"] as? Int == 4 }
        #expect(!FileManager.default.fileExists(atPath: "\(cluster.directory)/out/windows.csv"), "a cancelled run leaves no partial output")
        let next = try await cluster.submit("clip-detector-replay", parallelism: 2, parameters: parameters)
        try await cluster.waitUntil("the next job RUNNING") { ["RUNNING", "FINISHED"].contains(try await cluster.state(next)) }
        try await ClusterClient(rest: RESTClient(baseURL: cluster.restURL, http: cluster.http)).cancel(next)
    }

    @Test("a frozen TaskManager (SIGSTOP) misses its heartbeats: it is dropped and the job restarts and finishes on the others")
    func missedHeartbeats() async throws {
        let cluster = try await MultiProcessCluster(settings: ["heartbeat.timeout": "1500ms"])
        defer { cluster.stop() }
        for _ in 0..<3 { try await cluster.addTaskManager(slots: 2) }
        try await cluster.waitUntil("3 TaskManagers", timeout: .seconds(30)) { try await cluster.get("/overview")["slots-total"] as? Int == 6 }
        let out = "\(cluster.directory)/out"
        let id = try await cluster.submit("clip-detector-replay", parallelism: 4,
                                          parameters: ["input": golden.appendingPathComponent("chat-d1.jsonl.zst").path, "output": out])
        try await cluster.waitUntil("RUNNING") { try await cluster.state(id) == "RUNNING" }
        let running = try await cluster.taskManagersRunning(id)
        try await Task.sleep(for: .seconds(2))
        let victim = try #require(cluster.taskManagers.first { running.contains($0.id) })
        victim.process.freeze()
        try await cluster.waitUntil("the frozen TaskManager dropped", timeout: .seconds(30)) {
            try await cluster.get("/overview")["taskmanagers"] as? Int == 2
        }
        try await cluster.waitUntil("FINISHED after the restart") { ["FINISHED", "FAILED"].contains(try await cluster.state(id)) }
        #expect(try await cluster.state(id) == "FINISHED")
        let exceptions = try await cluster.get("/jobs/\(id)/exceptions")
        #expect("\(exceptions)".contains("no heartbeat"), "\(exceptions)")
        try expectGolden(out)
    }

    @Test("kill -9 of a TaskManager mid-run: RESTARTING, then FINISHED on the spare slots with identical output; the loss is in /exceptions")
    func killedTaskManager() async throws {
        let cluster = try await MultiProcessCluster()
        defer { cluster.stop() }
        for _ in 0..<3 { try await cluster.addTaskManager(slots: 2) }
        try await cluster.waitUntil("3 TaskManagers", timeout: .seconds(30)) { try await cluster.get("/overview")["slots-total"] as? Int == 6 }
        let out = "\(cluster.directory)/out"
        let id = try await cluster.submit("clip-detector-replay", parallelism: 4,
                                          parameters: ["input": golden.appendingPathComponent("chat-d1.jsonl.zst").path, "output": out])
        try await cluster.waitUntil("RUNNING") { try await cluster.state(id) == "RUNNING" }
        let running = try await cluster.taskManagersRunning(id)
        #expect(running.count == 2)
        // Let records flow across the network for a while, then kill a TaskManager that runs subtasks.
        try await Task.sleep(for: .seconds(3))
        #expect(try await cluster.state(id) == "RUNNING")
        let victim = try #require(cluster.taskManagers.first { running.contains($0.id) })
        victim.process.kill9()
        var states: [String] = []
        try await cluster.waitUntil("FINISHED after the restart") {
            let s = try await cluster.state(id)
            if states.last != s { states.append(s) }
            return ["FINISHED", "FAILED"].contains(s)
        }
        let timestamps = try await cluster.get("/jobs/\(id)")["timestamps"] as? [String: Any] ?? [:]
        let restartedAt = timestamps["RESTARTING"] as? Int ?? 0
        #expect(states.contains("RESTARTING") || restartedAt > 0, "states seen: \(states)")
        #expect(states.last == "FINISHED", "states seen: \(states)")
        let exceptions = try await cluster.get("/jobs/\(id)/exceptions")
        let entries = (exceptions["exceptionHistory"] as? [String: Any])?["entries"] as? [[String: Any]] ?? []
        // Whichever notices first is recorded: the JobManager losing the TaskManager (its own id on the entry), or a
        // surviving TaskManager losing its data connection to it (the reporter's id, the victim named in the trace).
        #expect(entries.contains { ($0["stacktrace"] as? String ?? "").contains("TaskManager \(victim.id)") },
                "\(exceptions)")
        let after = try await cluster.taskManagersRunning(id)
        #expect(!after.contains(victim.id), "the new attempt runs on the remaining TaskManagers")
        try expectGolden(out)
    }
}

import Cluster
import Dataflow
import Foundation
import HTTPConnector
import Jobs
import KafkaConnector
import Runtime
import Testing

/// Rescaling a running job through a savepoint, across TaskManager processes: the job's state (windows, the
/// detector's baselines, the sinks' rows so far, the topic offsets) moves by key group, and the output is Flink's.
@Suite("Rescaling a running job: savepoint, key groups redistributed, resumed", .serialized)
struct RescaleTests {
    static let servers = ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:59092"

    /// The source's records read in the current attempt, summed over its subtasks.
    private func recordsRead(_ client: ClusterClient, _ id: JobID) async throws -> Int {
        Int(try await client.operatorTotals(id)["Source__chat-source"]?["numRecordsOut"] ?? 0)
    }

    private func publish(_ lines: ArraySlice<String>, to topic: String, directory: String) async throws {
        let file = "\(directory)/part-\(UUID().uuidString.prefix(6)).jsonl"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let result = try await LocalExecutor().run(ChatPublish.job(input: file, topic: "kafka://\(Self.servers)/\(topic)"), parallelism: 1)
        #expect(result.status == .finished, "\(result.failure ?? "")")
        #expect(result.metric("chat-topic", "numRecordsIn") == Int64(lines.count))
    }

    /// chat-d1, a one-partition topic holding its first `cut` messages, and a cluster with TaskManagers of these slots.
    private struct Fixture {
        let chat: [String]
        let topic: String
        let admin: KafkaAdmin
        let cluster: MultiProcessCluster
        let client: ClusterClient
        var out: String { "\(cluster.directory)/out" }
        var parameters: [String: String] { ["input": "kafka://\(RescaleTests.servers)/\(topic)", "output": out, "follow": "true"] }

        func close() {
            cluster.stop()
            try? admin.deleteTopic(topic)
        }
    }

    private func fixture(cut: Int, slots: [Int]) async throws -> Fixture {
        let chat = try lines(golden.appendingPathComponent("chat-d1.jsonl.zst").path)
        try #require(chat.count == 775_436)
        let topic = "rescale-\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try KafkaAdmin(bootstrapServers: Self.servers, timeout: .seconds(15))
        try admin.createTopic(topic, partitions: 1)
        let cluster = try await MultiProcessCluster()
        try await publish(chat[..<cut], to: topic, directory: cluster.directory)
        for s in slots { try await cluster.addTaskManager(slots: s) }
        try await cluster.waitUntil("\(slots.count) TaskManagers", timeout: .seconds(30)) {
            try await cluster.get("/overview")["slots-total"] as? Int == slots.reduce(0, +)
        }
        return Fixture(chat: chat, topic: topic, admin: admin, cluster: cluster,
                       client: ClusterClient(rest: RESTClient(baseURL: cluster.restURL, http: cluster.http)))
    }

    @Test("clip-detector-replay following a topic: p=1 on one TaskManager, rescaled to p=4 across two, drained: Flink's output")
    func rescaleAcrossTaskManagers() async throws {
        let cut = 400_000
        let f = try await fixture(cut: cut, slots: [2, 2])
        defer { f.close() }
        let (chat, topic, cluster, client, out) = (f.chat, f.topic, f.cluster, f.client, f.out)
        let id = try await cluster.submit("clip-detector-replay", parallelism: 1, parameters: f.parameters)
        try await cluster.waitUntil("the first part read") { try await recordsRead(client, id) == cut }
        #expect(try await cluster.taskManagersRunning(id).count == 1)

        // Through the command line, as a user would: the new parallelism comes from an edited jobs file.
        let jobsFile = "\(cluster.directory)/jobs.yaml"
        try "jobs:\n  clip-detector-replay:\n    job: clip-detector-replay\n    parallelism: 4\n".write(toFile: jobsFile, atomically: true, encoding: .utf8)
        let address = String(cluster.restURL.dropFirst("http://".count))
        let modify = try await runProgram(try dataflowBinary(), ["modify", "-m", address, "--jobs", jobsFile, id.description])
        #expect(modify.status == 0, "dataflow modify:\n\(modify.output)")
        #expect(modify.output.contains("Rescaled job \(id). Its new parallelism is 4."), "dataflow modify:\n\(modify.output)")
        try await cluster.waitUntil("RUNNING again") { try await cluster.state(id) == "RUNNING" }
        let vertices = try await cluster.get("/jobs/\(id)")["vertices"] as? [[String: Any]] ?? []
        #expect(vertices.contains { ($0["name"] as? String ?? "").contains("chat-rate") && $0["parallelism"] as? Int == 4 })
        #expect(try await cluster.taskManagersRunning(id).count == 2)

        // A savepoint that leaves the job running: it resumes from it at once, at the same parallelism.
        let kept = try await client.savepoint(id, directory: "\(cluster.directory)/savepoints")
        #expect(try await client.waitForSavepoint(id, kept, timeout: .seconds(120)).hasPrefix("file:\(cluster.directory)/savepoints/savepoint-"))
        try await cluster.waitUntil("RUNNING after the savepoint") { try await cluster.state(id) == "RUNNING" }

        // New chat arrives after the rescale; the restored readers continue at the saved offset.
        try await publish(chat[cut...], to: topic, directory: cluster.directory)
        try await cluster.waitUntil("the rest read") { try await recordsRead(client, id) == chat.count - cut }

        let stop = try await runProgram(try dataflowBinary(), ["stop", "-m", address, "-p", "\(cluster.directory)/savepoints", "--drain",
                                                               id.description])
        #expect(stop.status == 0, "dataflow stop:\n\(stop.output)")
        #expect(stop.output.contains("Draining job \"\(id)\" with a CANONICAL savepoint."))
        #expect(stop.output.contains("Savepoint completed. Path: file:\(cluster.directory)/savepoints/savepoint-"), "\(stop.output)")
        try await cluster.waitUntil("FINISHED") { ["FINISHED", "FAILED"].contains(try await cluster.state(id)) }
        let exceptions = try await cluster.get("/jobs/\(id)/exceptions")
        #expect(try await cluster.state(id) == "FINISHED", "\(exceptions)")
        #expect(((exceptions["exceptionHistory"] as? [String: Any])?["entries"] as? [Any] ?? []).isEmpty, "\(exceptions)")
        try expectGolden(out)
    }

    @Test("stop with a savepoint, then `run -s` at another parallelism: the job continues and gives Flink's output")
    func stopAndResumeFromSavepoint() async throws {
        let cut = 300_000
        let f = try await fixture(cut: cut, slots: [4])
        defer { f.close() }
        let (chat, topic, cluster, client, out, parameters) = (f.chat, f.topic, f.cluster, f.client, f.out, f.parameters)

        let first = try await cluster.submit("clip-detector-replay", parallelism: 3, parameters: parameters)
        try await cluster.waitUntil("the first part read") { try await recordsRead(client, first) == cut }
        // No directory and none configured: refused with Flink's message, and the job keeps running.
        await #expect(throws: RESTClientError.self) { _ = try await client.stop(first, directory: nil, drain: false) }
        #expect(try await cluster.state(first) == "RUNNING")

        let trigger = try await client.stop(first, directory: "\(cluster.directory)/savepoints", drain: false)
        let location = try await client.waitForSavepoint(first, trigger, timeout: .seconds(120))
        try await cluster.waitUntil("FINISHED") { try await cluster.state(first) == "FINISHED" }
        // A suspended job fires nothing and commits no file: the output appears only when the resumed job drains.
        #expect(!FileManager.default.fileExists(atPath: "\(out)/windows.csv"))

        try await publish(chat[cut...], to: topic, directory: cluster.directory)
        let address = String(cluster.restURL.dropFirst("http://".count))
        let run = try await runProgram(try dataflowBinary(), ["run", "clip-detector-replay", "-m", address, "-p", "2", "-d", "-s", location]
                                       + parameters.sorted { $0.key < $1.key }.flatMap { ["-D", "\($0.key)=\($0.value)"] })
        #expect(run.status == 0, "dataflow run -s:\n\(run.output)")
        let second = try #require(run.output.split(separator: "\n").first { $0.hasPrefix("Job has been submitted with JobID ") }
            .flatMap { JobID(hex: String($0.split(separator: " ").last!)) }, "dataflow run -s:\n\(run.output)")
        try await cluster.waitUntil("the rest read") { try await recordsRead(client, second) == chat.count - cut }
        let drain = try await client.stop(second, directory: "\(cluster.directory)/savepoints", drain: true)
        _ = try await client.waitForSavepoint(second, drain, timeout: .seconds(120))
        try await cluster.waitUntil("FINISHED") { ["FINISHED", "FAILED"].contains(try await cluster.state(second)) }
        #expect(try await cluster.state(second) == "FINISHED")
        try expectGolden(out)

        // A savepoint of another job is refused at submission, with the reason.
        await #expect(throws: RESTClientError.self) {
            _ = try await client.submit(JobSubmission(job: "chat-publish", parallelism: 1, parameters: ["input": "x", "topic": "kafka://h:1/t"],
                                                      savepointPath: location))
        }
    }

    @Test("a TaskManager lost after a savepoint: the job restarts from that savepoint, not from the topic's start")
    func restartAfterFailureResumesFromSavepoint() async throws {
        let cut = 350_000
        let f = try await fixture(cut: cut, slots: [4])
        defer { f.close() }
        let (chat, topic, cluster, client, out) = (f.chat, f.topic, f.cluster, f.client, f.out)
        let id = try await cluster.submit("clip-detector-replay", parallelism: 2, parameters: f.parameters)
        try await cluster.waitUntil("the first part read") { try await recordsRead(client, id) == cut }
        let kept = try await client.savepoint(id, directory: "\(cluster.directory)/savepoints")
        _ = try await client.waitForSavepoint(id, kept, timeout: .seconds(120))

        // The TaskManager dies; a new one joins; the restart strategy brings the job back from the savepoint.
        cluster.taskManagers[0].process.kill9()
        try await cluster.addTaskManager(slots: 4)
        try await cluster.waitUntil("an exception recorded and RUNNING again") {
            let entries = (try await cluster.get("/jobs/\(id)/exceptions")["exceptionHistory"] as? [String: Any])?["entries"] as? [Any] ?? []
            let state = try await cluster.state(id)
            return !entries.isEmpty && state == "RUNNING"
        }
        try await publish(chat[cut...], to: topic, directory: cluster.directory)
        // The restarted attempt reads only what came after the savepoint: from the start it would read everything.
        try await cluster.waitUntil("the rest read") { try await recordsRead(client, id) == chat.count - cut }
        let drain = try await client.stop(id, directory: "\(cluster.directory)/savepoints", drain: true)
        _ = try await client.waitForSavepoint(id, drain, timeout: .seconds(120))
        try await cluster.waitUntil("FINISHED") { ["FINISHED", "FAILED"].contains(try await cluster.state(id)) }
        #expect(try await cluster.state(id) == "FINISHED")
        #expect(try await recordsRead(client, id) == chat.count - cut, "the last attempt read the topic from its start")
        try expectGolden(out)
    }
}

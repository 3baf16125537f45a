import Cluster
import Dataflow
import Foundation
import Jobs
import KafkaConnector
import Runtime
import Testing

/// The clip detector reading Kafka on `dataflow jobmanager` + 2 `dataflow taskmanager` processes survives a
/// `kill -9` of the TaskManager reading the topic: the job restarts, re-reads the topic and its file output holds
/// exactly the topic's records (Flink's windows and anomalies for chat-d1, the source's count equal to the topic's).
@Suite("Multi-process cluster: a Kafka job survives kill -9 of a TaskManager", .serialized)
struct MultiProcessKafkaTests {
    static let servers = ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:59092"
    static let chatD1Records = 775_436

    @Test("chat-d1 from a topic, p=2 on 2 TaskManagers × 2 slots; kill -9 of the source's TaskManager mid-run: FINISHED with Flink's output")
    func killedTaskManagerReadingKafka() async throws {
        let input = golden.appendingPathComponent("chat-d1.jsonl.zst").path
        try #require(FileManager.default.fileExists(atPath: input), "the golden data belongs at \(input)")
        let admin: KafkaAdmin
        do { admin = try KafkaAdmin(bootstrapServers: Self.servers, timeout: .seconds(15)) } catch {
            throw TestFailure("Kafka is needed at \(Self.servers) (eval \"$(scripts/servers.sh env)\"): \(error)")
        }
        let topic = "cmetrics-chat-d1-\(UUID().uuidString.prefix(8).lowercased())"
        try admin.createTopic(topic, partitions: 1)
        defer { try? admin.deleteTopic(topic) }
        let published = try await LocalExecutor().run(try ChatPublish.job(input: input, topic: "kafka://\(Self.servers)/\(topic)"), parallelism: 1)
        try #require(published.status == .finished, "publishing failed: \(published.failure ?? "")")
        try #require(published.metric("chat-topic", "numRecordsIn") == Int64(Self.chatD1Records))

        let cluster = try await MultiProcessCluster()
        defer { cluster.stop() }
        for _ in 0..<2 { try await cluster.addTaskManager(slots: 2) }
        try await cluster.waitUntil("2 TaskManagers", timeout: .seconds(30)) { try await cluster.get("/overview")["slots-total"] as? Int == 4 }
        let out = "\(cluster.directory)/out"
        let id = try await cluster.submit("clip-detector-replay", parallelism: 2,
                                          parameters: ["input": "kafka://\(Self.servers)/\(topic)", "output": out])
        try await cluster.waitUntil("RUNNING") { try await cluster.state(id) == "RUNNING" }

        // The topic has one partition: the source subtask reading it is the one to kill, once it has read some.
        let vertices = try await cluster.get("/jobs/\(id)")["vertices"] as? [[String: Any]] ?? []
        let source = try #require(vertices.first { ($0["name"] as? String ?? "").hasPrefix("Source") })
        let sourceID = source["id"] as! String
        var reader = ""
        try await cluster.waitUntil("the source has read 50,000 records", timeout: .seconds(60)) {
            let subtasks = try await cluster.get("/jobs/\(id)/vertices/\(sourceID)")["subtasks"] as? [[String: Any]] ?? []
            guard let busiest = subtasks.max(by: { ($0["metrics"] as? [String: Any])?["write-records"] as? Int ?? 0
                                                    < ($1["metrics"] as? [String: Any])?["write-records"] as? Int ?? 0 }) else { return false }
            reader = busiest["taskmanager-id"] as? String ?? ""
            return ((busiest["metrics"] as? [String: Any])?["write-records"] as? Int ?? 0) >= 50_000
        }
        #expect(try await cluster.state(id) == "RUNNING", "the job must still run when the TaskManager is killed")
        let victim = try #require(cluster.taskManagers.first { $0.id == reader })
        victim.process.kill9()

        try await cluster.waitUntil("FINISHED after the restart", timeout: .seconds(180)) {
            ["FINISHED", "FAILED"].contains(try await cluster.state(id))
        }
        let exceptions = try await cluster.get("/jobs/\(id)/exceptions")
        #expect(try await cluster.state(id) == "FINISHED", "\(exceptions)")
        #expect("\(exceptions)".contains("TaskManager \(victim.id)"), "the loss is recorded: \(exceptions)")
        // The final attempt read the topic exactly once and wrote exactly Flink's answer: nothing lost, nothing twice.
        let totals = try await ClusterClient(rest: RESTClient(baseURL: cluster.restURL, http: cluster.http)).operatorTotals(id)
        #expect(totals["Source__chat-source"]?["numRecordsOut"] == Double(Self.chatD1Records))
        try expectGolden(out)
    }
}

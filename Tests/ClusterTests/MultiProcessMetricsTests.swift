import Cluster
import Dataflow
import Foundation
import HTTPConnector
import Testing

/// One Prometheus sample: its labels and value.
struct PrometheusSample {
    let labels: [String: String]
    let value: Double

    /// The samples of `family` in Prometheus text (our labels never contain `,` or `"`).
    static func parse(_ text: String, family: String) -> [PrometheusSample] {
        text.split(separator: "\n").compactMap { line -> PrometheusSample? in
            guard line.hasPrefix(family + "{"), let close = line.lastIndex(of: "}") else { return nil }
            let inner = line[line.index(line.startIndex, offsetBy: family.count + 1)..<close]
            var labels: [String: String] = [:]
            for pair in inner.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { labels[String(parts[0])] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
            guard let value = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)) else { return nil }
            return PrometheusSample(labels: labels, value: value)
        }
    }
}

@Suite("Multi-process cluster: metrics per TaskManager and their freshness", .serialized)
struct MultiProcessMetricsTests {
    private let chat = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/golden/chat-d1.jsonl.zst").path

    init() throws {
        try #require(FileManager.default.fileExists(atPath: chat), "the golden data belongs at \(chat)")
    }

    private func scrape(_ cluster: MultiProcessCluster, _ url: String) async throws -> String {
        try await cluster.http.execute(HTTPRequest(method: .get, url: url)).text
    }

    @Test("a job over 2 TaskManagers: each subtask under its own TaskManager in Prometheus (JobManager's and each TaskManager's) and in the vertex REST views")
    func attribution() async throws {
        let cluster = try await MultiProcessCluster()
        defer { cluster.stop() }
        for _ in 0..<2 { try await cluster.addTaskManager(slots: 2) }
        try await cluster.waitUntil("2 TaskManagers", timeout: .seconds(30)) { try await cluster.get("/overview")["slots-total"] as? Int == 4 }
        let id = try await cluster.submit("clip-detector-replay", parallelism: 4,
                                          parameters: ["input": chat, "output": "\(cluster.directory)/out"])
        try await cluster.waitUntil("RUNNING") { try await cluster.state(id) == "RUNNING" }
        let tms = Dictionary(uniqueKeysWithValues: cluster.taskManagers.map { ($0.id, $0) })

        // The JobManager's Prometheus: every subtask of every task, labelled with the TaskManager its slot is on.
        let vertices = try await cluster.get("/jobs/\(id)")["vertices"] as? [[String: Any]] ?? []
        var owner: [String: String] = [:]   // subtask index → TaskManager id, per /vertices/:vid
        var subtasksOn: [String: Int] = [:]   // TaskManager id → subtasks (of all vertices) it runs
        let total = vertices.reduce(0) { $0 + ($1["parallelism"] as? Int ?? 0) }
        for vertex in vertices {
            let details = try await cluster.get("/jobs/\(id)/vertices/\(vertex["id"] as! String)")
            for s in details["subtasks"] as? [[String: Any]] ?? [] {
                let index = "\(s["subtask"] as? Int ?? -1)", tm = s["taskmanager-id"] as? String ?? ""
                #expect(owner[index] == nil || owner[index] == tm, "subtask \(index) of every vertex shares slot \(index)")
                owner[index] = tm
                subtasksOn[tm, default: 0] += 1
                // The endpoint is that TaskManager's data port, not the first TaskManager's.
                let dataPort = try #require(tms[tm]).process.output.split(separator: "data port ").last?.split(separator: ",").first
                #expect((s["endpoint"] as? String ?? "").hasSuffix(":\(dataPort ?? "?")"), "\(s)")
            }
        }
        #expect(Set(owner.values) == Set(tms.keys), "p=4 on 2×2 slots spans both TaskManagers: \(owner)")
        let family = "flink_taskmanager_job_task_numRecordsIn"
        var jmSamples: [PrometheusSample] = []
        try await cluster.waitUntil("the JobManager reports all \(total) subtasks", timeout: .seconds(20)) {
            jmSamples = PrometheusSample.parse(try await scrape(cluster, cluster.metricsURL), family: family)
                .filter { $0.labels["job_id"] == id.description }
            return jmSamples.count == total
        }
        for sample in jmSamples {
            let index = sample.labels["subtask_index"] ?? "?"
            #expect(sample.labels["tm_id"] == owner[index], "subtask \(index) reported under \(sample.labels["tm_id"] ?? "-")")
        }

        // Each TaskManager's own endpoint: only the subtasks in its slots, under its own id.
        for (tmID, tm) in tms {
            let own = PrometheusSample.parse(try await scrape(cluster, tm.metricsURL), family: family).filter { $0.labels["job_id"] == id.description }
            let indexes = Set(own.compactMap { $0.labels["subtask_index"] })
            #expect(indexes == Set(owner.filter { $0.value == tmID }.keys), "TaskManager \(tmID) reports subtasks \(indexes)")
            #expect(own.count == subtasksOn[tmID], "TaskManager \(tmID): \(own.count) task samples")
            #expect(own.allSatisfy { $0.labels["tm_id"] == tmID })
            let threads = PrometheusSample.parse(try await scrape(cluster, tm.metricsURL), family: "flink_taskmanager_Status_JVM_Threads_Count")
            #expect(threads.count == 1 && threads.first?.labels["tm_id"] == tmID && (threads.first?.value ?? 0) > 0, "its process metrics")
        }

        // /taskmanagers of a vertex: one entry per TaskManager with its own subtasks' counts and records.
        for vertex in vertices {
            let vid = vertex["id"] as! String
            let info = try await cluster.get("/jobs/\(id)/vertices/\(vid)/taskmanagers")
            let entries = info["taskmanagers"] as? [[String: Any]] ?? []
            let expected = Set(owner.filter { Int($0.key)! < vertex["parallelism"] as? Int ?? 0 }.values)
            #expect(Set(entries.compactMap { $0["taskmanager-id"] as? String }) == expected, "\(entries)")
            for entry in entries {
                let tm = entry["taskmanager-id"] as? String ?? ""
                let counts = entry["status-counts"] as? [String: Int] ?? [:]
                let parallelism = vertex["parallelism"] as? Int ?? 0
                #expect(counts.values.reduce(0, +) == owner.filter { $0.value == tm && Int($0.key)! < parallelism }.count, "\(tm): \(counts)")
            }
            let times = try await cluster.get("/jobs/\(id)/vertices/\(vid)/subtasktimes")
            let endpoints = Set((times["subtasks"] as? [[String: Any]] ?? []).compactMap { $0["endpoint"] as? String })
            #expect(endpoints.count == expected.count, "subtasktimes names each subtask's TaskManager: \(endpoints)")
        }
        try await cluster.waitUntil("FINISHED") { ["FINISHED", "FAILED"].contains(try await cluster.state(id)) }
        #expect(try await cluster.state(id) == "FINISHED")
    }

    @Test("remote metrics arrive every metrics.fetcher.update-interval, not once per (10 s) heartbeat")
    func freshness() async throws {
        let cluster = try await MultiProcessCluster(settings: ["heartbeat.interval": "10s", "heartbeat.timeout": "60s",
                                                               "metrics.fetcher.update-interval": "250"])
        defer { cluster.stop() }
        try await cluster.addTaskManager(slots: 2)
        try await cluster.waitUntil("the TaskManager", timeout: .seconds(30)) { try await cluster.get("/overview")["slots-total"] as? Int == 2 }
        let id = try await cluster.submit("clip-detector-replay", parallelism: 2, parameters: ["input": chat, "output": "\(cluster.directory)/out"])
        try await cluster.waitUntil("RUNNING") { try await cluster.state(id) == "RUNNING" }
        // Within 4 s of RUNNING (well under one heartbeat) the source's count must have moved several times.
        var seen: Set<Int> = []
        let deadline = ContinuousClock.now + .seconds(4)
        while ContinuousClock.now < deadline && seen.count < 4 {
            let vertices = try await cluster.get("/jobs/\(id)")["vertices"] as? [[String: Any]] ?? []
            let source = vertices.first { ($0["name"] as? String ?? "").hasPrefix("Source") }
            let written = (source?["metrics"] as? [String: Any])?["write-records"] as? Int ?? 0
            if written > 0 { seen.insert(written) }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(seen.count >= 4, "distinct source counts seen within 4 s: \(seen.sorted())")
        let subtasks = try await cluster.get("/jobs/\(id)/vertices/\((try await cluster.get("/jobs/\(id)")["vertices"] as? [[String: Any]] ?? [])[0]["id"] as! String)")
        let states = (subtasks["subtasks"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
        #expect(states.allSatisfy { ["RUNNING", "FINISHED"].contains($0) }, "remote subtasks report their own states: \(states)")
        try await ClusterClient(rest: RESTClient(baseURL: cluster.restURL, http: cluster.http)).cancel(id)
    }
}

import Cluster
import Dataflow
import Foundation
import Testing

/// Task time through the cluster: the REST backpressure endpoint, vertex metrics and Prometheus, for a job whose
/// source is throttled by a slow sink.
@Suite("Backpressure and busy time through REST and Prometheus", .serialized)
struct BackpressureTests {
    @Test("a throttled source reads as backpressured while the slow sink's task is busy; Prometheus has both and a summary")
    func throttled() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("throttled", parallelism: 1)
            _ = try await c.waitForState(id, [.running])
            let plan = try #require(try await c.raw("/jobs/\(id)/plan").json as? [String: Any])
            let nodes = try #require((plan["plan"] as? [String: Any])?["nodes"] as? [[String: Any]])
            let source = try #require(nodes.first { ($0["description"] as? String ?? "").contains("numbers") }?["id"] as? String)
            let sink = try #require(nodes.first { ($0["description"] as? String ?? "").contains("slow") }?["id"] as? String)

            var sourceLevel = "", sourceRatio = 0.0, sinkBusy = 0.0
            // Thresholds leave room for a loaded CI machine (other suites run in parallel): the source must read as
            // backpressured (low or high, i.e. > 10 %) while the slow sink is mostly busy.
            try await c.waitUntil(timeout: .seconds(60), "the source is backpressured and the sink busy") {
                let bp = try await c.raw("/jobs/\(id)/vertices/\(source)/backpressure").json as? [String: Any]
                sourceLevel = bp?["backpressureLevel"] as? String ?? ""
                sourceRatio = ((bp?["subtasks"] as? [[String: Any]])?.first?["ratio"] as? Double) ?? 0
                let sinkBP = try await c.raw("/jobs/\(id)/vertices/\(sink)/backpressure").json as? [String: Any]
                sinkBusy = ((sinkBP?["subtasks"] as? [[String: Any]])?.first?["busyRatio"] as? Double) ?? 0
                return sourceLevel != "ok" && !sourceLevel.isEmpty && sinkBusy > 0.3
            }
            #expect(sourceRatio > 0.1 && sourceRatio <= 1.0)

            // Vertex metrics list Flink's task time names, in range. The ratios move with the machine's load, so each
            // reading is polled until it shows the throttled source (the REST level above already did once).
            var values: [String: Double] = [:]
            var metricsText = ""
            try? await c.waitUntil(timeout: .seconds(30), "vertex metrics show the source backpressured") {
                let metrics = try await c.raw("/jobs/\(id)/vertices/\(source)/metrics?get=0.backPressuredTimeMsPerSecond,0.busyTimeMsPerSecond,0.accumulateBackPressuredTimeMs")
                metricsText = metrics.text
                values = Dictionary(uniqueKeysWithValues: ((metrics.json as? [[String: Any]]) ?? []).compactMap { m in
                    (m["id"] as? String).flatMap { id in (m["value"] as? String).flatMap(Double.init).map { (id, $0) } }
                })
                return (values["0.backPressuredTimeMsPerSecond"] ?? 0) > 100
            }
            #expect((values["0.backPressuredTimeMsPerSecond"] ?? 0) > 100, "\(metricsText)")
            #expect((values["0.backPressuredTimeMsPerSecond"] ?? 0) + (values["0.busyTimeMsPerSecond"] ?? 0) <= 1000.5, "\(metricsText)")
            #expect((values["0.accumulateBackPressuredTimeMs"] ?? 0) > 0, "\(metricsText)")

            let details = try #require(try await c.raw("/jobs/\(id)/vertices/\(sink)").json as? [String: Any])
            let busyTime = ((details["aggregated"] as? [String: Any])?["metrics"] as? [String: Any])?["accumulated-busy-time"] as? [String: Any]
            #expect(((busyTime?["max"] as? Double) ?? 0) > 0, "\(String(describing: busyTime))")

            var scrape = ""
            func samples(_ family: String) -> [(String, Double)] {
                scrape.split(separator: "\n").filter { $0.hasPrefix(family + "{") }.compactMap { line in
                    line.split(separator: " ").last.flatMap { Double($0) }.map { (String(line), $0) }
                }
            }
            var bpSamples: [(String, Double)] = []
            try? await c.waitUntil(timeout: .seconds(30), "Prometheus shows the source backpressured") {
                scrape = try await c.scrape()
                bpSamples = samples("flink_taskmanager_job_task_backPressuredTimeMsPerSecond").filter { $0.0.contains("task_name=\"Source:_numbers") }
                return bpSamples.contains { $0.1 > 500 }
            }
            #expect(bpSamples.contains { $0.1 > 500 }, "\(bpSamples)")
            #expect(!samples("flink_taskmanager_job_task_busyTimeMsPerSecond").isEmpty)
            #expect(scrape.contains("# TYPE flink_taskmanager_job_task_operator_lookup_latency summary"))
            let quantiles = samples("flink_taskmanager_job_task_operator_lookup_latency").filter { $0.0.contains("quantile=\"0.99\"") }
            #expect(quantiles.count == 1 && quantiles[0].1 <= 9, "\(quantiles)")
            let counts = samples("flink_taskmanager_job_task_operator_lookup_latency_count")
            #expect(counts.count == 1 && counts[0].1 > 0, "\(counts)")
            // The flat parts do not leak as gauges.
            #expect(!scrape.contains("flink_taskmanager_job_task_operator_lookup_latency_p99"))
            #expect(!scrape.contains("task_accumulatedBusyTimeNanos"))
            try c.jobManager.cancel(id)
            _ = try await c.waitForState(id, [.canceled])
        }
    }
}

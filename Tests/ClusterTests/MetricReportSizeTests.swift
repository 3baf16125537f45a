@testable import Cluster
import Dataflow
import Foundation
import Runtime
import Testing

/// What `metrics.fetcher.update-interval` costs: the report a TaskManager sends for its share of the clip detector
/// spread over 3 TaskManagers (2 slots each, p=6). The largest share is the first TaskManager's, which also runs
/// the parallelism-1 file sinks.
@Suite("Metric reports stay small")
struct MetricReportSizeTests {
    @Test("one TaskManager's report of its 2 of 6 slots of the clip detector is a few KB (printed), under 16 KB")
    func reportSize() async throws {
        let chat = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/golden/chat-d1.jsonl.zst").path
        try #require(FileManager.default.fileExists(atPath: chat), "the golden data belongs at \(chat)")
        let resolved = try TestJobs.resolve(JobSubmission(job: "clip-detector-replay", parallelism: 6,
                                                          parameters: ["input": chat, "output": try temporaryDirectory()]))
        var configuration = DataflowConfiguration()
        configuration.taskSlots = 6
        let graph = try JobGraph(job: resolved.job, configuration: configuration, parallelism: 6)
        let execution = try LocalExecutor(configuration: configuration).deploy(graph, jobID: .random(), placement: nil)
        defer { execution.cancel() }
        // Let records reach the window sink, so the operators have counted (and registered their metrics).
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, !execution.subtaskMetrics().contains(where: { $0.stage == "windows" && ($0.values["numRecordsIn"] ?? 0) > 0 }) {
            try await Task.sleep(for: .milliseconds(100))
        }
        var sizes: [Int] = []
        for share in 0..<3 {
            let mine: (Int) -> Bool = { $0 / 2 == share }
            let report = TaskStateReport(jobID: execution.jobID, attempt: 0, status: .running, failure: nil,
                                         metrics: execution.subtaskMetrics().filter { mine($0.subtask) },
                                         statuses: execution.subtaskStatuses().filter { mine($0.subtask) })
            sizes.append(try ControlMessage.taskState(report).frame().count)
        }
        print("metric report bytes per TaskManager (3 TaskManagers × 2 slots, clip detector p=6): \(sizes)")
        #expect(sizes.allSatisfy { $0 > 0 && $0 < 16_384 }, "\(sizes)")
        execution.cancel()
        _ = await execution.completion()
    }
}

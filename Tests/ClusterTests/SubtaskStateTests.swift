@testable import Cluster
import Dataflow
import Foundation
import Testing

/// Each subtask reports its own state, as Flink's `ExecutionState`: a subtask that finished or failed while others
/// run shows it in `/jobs/:id/vertices/:vid`, in the vertex's `tasks` of `/jobs/:id` and in `/jobs/overview`.
@Suite("Task state per subtask")
struct SubtaskStateTests {
    private func vertex(_ c: TestCluster, _ id: JobID) async throws -> (JobDetailsInfo.Vertex, JobVertexDetailsInfo) {
        let details = try await c.client.call(JobDetailsHeaders.self, JobPath(jobID: id))
        let vertex = try #require(details.vertices.first)
        return (vertex, try await c.client.call(JobVertexDetailsHeaders.self, VertexPath(jobID: id, vertexID: vertex.id)))
    }

    @Test("one subtask FINISHED while the other RUNS: subtasks, vertex tasks and job overview count each; after cancel FINISHED stays")
    func finishedBesideRunning() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("staggered", parallelism: 2)
            _ = try await c.waitForState(id, [.running])
            try await c.waitUntil("subtask 0 FINISHED and subtask 1 RUNNING") {
                try await vertex(c, id).1.subtasks.map(\.status) == [.finished, .running]
            }
            let (summary, details) = try await vertex(c, id)
            #expect(summary.status == .running, "a vertex with a subtask still running is RUNNING")
            #expect(summary.tasks["FINISHED"] == 1 && summary.tasks["RUNNING"] == 1 && summary.tasks["CANCELED"] == 0)
            #expect(details.subtasks.map(\.subtask) == [0, 1])
            // Its own times: the finished subtask has ended, the running one has not, nor has the vertex.
            let (done, running) = (details.subtasks[0], details.subtasks[1])
            #expect(done.endTime >= done.startTime && done.startTime > 0 && done.duration == done.endTime - done.startTime, "\(done)")
            #expect(running.endTime == -1 && summary.endTime == -1)
            #expect((done.statusDuration["RUNNING"] ?? -1) >= 0 && (done.statusDuration["RUNNING"] ?? 0) <= done.duration)
            let times = try #require(try await c.raw("/jobs/\(id)/vertices/\(summary.id)/subtasktimes").json as? [String: Any])
            let first = try #require((times["subtasks"] as? [[String: Any]])?.first?["timestamps"] as? [String: Any])
            #expect((first["FINISHED"] as? Int ?? 0) == Int(done.endTime) && (first["RUNNING"] as? Int ?? 0) > 0, "\(first)")
            let listed = try #require(try await c.client.call(JobsOverviewHeaders.self).jobs.first { $0.jid == id })
            #expect(listed.tasks["finished"] == 1 && listed.tasks["running"] == 1 && listed.tasks["total"] == 2)
            let managers = try await c.client.call(JobVertexTaskManagersHeaders.self, VertexPath(jobID: id, vertexID: summary.id))
            #expect(managers.taskmanagers.count == 1)
            #expect(managers.taskmanagers.first?.statusCounts["FINISHED"] == 1 && managers.taskmanagers.first?.statusCounts["RUNNING"] == 1)
            #expect(managers.taskmanagers.first?.status == .running)

            try await ClusterClient(rest: c.client).cancel(id)
            _ = try await c.waitForState(id, [.canceled])
            let (after, afterDetails) = try await vertex(c, id)
            #expect(afterDetails.subtasks.map(\.status) == [.finished, .canceled], "the finished subtask keeps its state")
            #expect(after.status == .canceled)
            #expect(after.tasks["FINISHED"] == 1 && after.tasks["CANCELED"] == 1)
            let overview = try #require(try await c.client.call(JobsOverviewHeaders.self).jobs.first { $0.jid == id })
            #expect(overview.tasks["finished"] == 1 && overview.tasks["canceled"] == 1)
        }
    }

    @Test("a vertex's state from its subtasks' follows Flink's getAggregateJobVertexState")
    func aggregate() {
        #expect(JobSnapshot.aggregate([.finished, .running]) == .running)
        #expect(JobSnapshot.aggregate([.finished, .finished]) == .finished)
        #expect(JobSnapshot.aggregate([.canceled, .finished]) == .canceled)
        #expect(JobSnapshot.aggregate([.failed, .canceled, .running]) == .failed)
        #expect(JobSnapshot.aggregate([.canceling, .canceled]) == .canceling)
        #expect(JobSnapshot.aggregate([.initializing, .running]) == .initializing)
        #expect(JobSnapshot.aggregate([.deploying, .deploying]) == .created)
    }

    @Test("a failing subtask is FAILED and the ones stopped because of it CANCELED; the vertex is FAILED")
    func failedBesideCanceled() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("failing", parallelism: 2)
            #expect(try await c.waitForState(id, [.failed, .finished, .canceled]) == .failed)
            let details = try await c.client.call(JobDetailsHeaders.self, JobPath(jobID: id))
            var all: [ExecutionState] = []
            for v in details.vertices {
                let subtasks = try await c.client.call(JobVertexDetailsHeaders.self, VertexPath(jobID: id, vertexID: v.id)).subtasks
                all += subtasks.map(\.status)
                #expect(v.tasks.values.reduce(0, +) == v.parallelism)
                #expect(v.status == (subtasks.contains { $0.status == .failed } ? .failed : .canceled), "\(v.name): \(subtasks.map(\.status))")
            }
            #expect(all.filter { $0 == .failed }.count == 1, "exactly the subtask that threw: \(all)")
            #expect(all.filter { $0 == .canceled }.count == all.count - 1, "\(all)")
            let listed = try #require(try await c.client.call(JobsOverviewHeaders.self).jobs.first { $0.jid == id })
            #expect(listed.tasks["failed"] == 1 && listed.tasks["canceled"] == all.count - 1)
        }
    }
}

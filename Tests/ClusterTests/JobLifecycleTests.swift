import Cluster
import Dataflow
import Foundation
import Testing

/// States, timestamps, exceptions and slots of jobs through the REST API, as Flink reports them.
@Suite("Job lifecycle in the JobManager")
struct JobLifecycleTests {
    @Test("PATCH /jobs/:id?mode=cancel answers 202 {} and the job goes CANCELLING → CANCELED with its timestamps")
    func cancelWithPatch() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("endless", parallelism: 2)
            _ = try await c.waitForState(id, [.running])
            #expect(try await c.client.call(ClusterOverviewHeaders.self).slotsAvailable == 2)

            let answer = try await c.raw("/v1/jobs/\(id)?mode=cancel", method: .patch, body: "{}")
            #expect(answer.status == 202)
            #expect(answer.text == "{}")
            _ = try await c.waitForState(id, [.canceled])

            let details = try await c.client.call(JobDetailsHeaders.self, JobPath(jobID: id))
            #expect(details.state == .canceled)
            #expect(details.endTime >= details.startTime)
            #expect(details.duration == details.endTime - details.startTime)
            for state in ["CREATED", "RUNNING", "CANCELLING", "CANCELED"] {
                #expect((details.timestamps[state] ?? 0) > 0, "no \(state) timestamp")
            }
            #expect(details.timestamps["FINISHED"] == 0)
            // A vertex ends when its last subtask does, just before the job.
            #expect(details.vertices.allSatisfy { $0.status == .canceled && $0.endTime > 0 && $0.endTime <= details.endTime })

            let listed = try #require(try await c.client.call(JobsOverviewHeaders.self).jobs.first { $0.jid == id })
            #expect(listed.state == .canceled)
            #expect(listed.tasks["canceled"] == listed.tasks["total"])
            let overview = try await c.client.call(ClusterOverviewHeaders.self)
            #expect(overview.slotsAvailable == 4)
            #expect(overview.jobsCancelled == 1)
            #expect(overview.jobsRunning == 0)

            // Cancelling a cancelled job again is accepted, as in Flink.
            #expect(try await c.raw("/jobs/\(id)?mode=cancel", method: .patch).status == 202)
        }
    }

    @Test("the dashboard's GET /jobs/:id/yarn-cancel cancels too")
    func cancelWithYarnCancel() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("endless")
            _ = try await c.waitForState(id, [.running])
            #expect(try await c.raw("/jobs/\(id)/yarn-cancel").status == 202)
            #expect(try await c.waitForState(id, [.canceled, .failed]) == .canceled)
        }
    }

    @Test("a bounded job finishes: per-vertex records from the runtime's metrics, its result, and no cancel afterwards")
    func finishedJob() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("clip-detector-replay", parallelism: 2)
            #expect(try await c.waitForState(id, [.finished, .failed, .canceled]) == .finished)
            let result = try await ClusterClient(rest: c.client).waitForResult(id)
            #expect(result.applicationStatus == "SUCCEEDED")
            #expect(result.name == "clip-detector-replay")
            #expect(result.netRuntime > 0)

            // The same counts as `dataflow run --local` prints for this recording (JobsTests/CLITests).
            let totals = try await ClusterClient(rest: c.client).operatorTotals(id)
            #expect(totals["Source__chat-source"]?["numRecordsOut"] == 19832)
            #expect(totals["chat-rate"]?["numLateRecordsDropped"] == 8)
            #expect(totals["windows__Writer"]?["numRecordsIn"] == 2548)
            #expect(totals["anomalies__Writer"]?["numRecordsIn"] == 8)
            #expect(totals["anomaly-detector"]?["anomalies_detected"] == 8)
            // Chained and exchanged records agree: what the detector emitted is what the sink read.
            #expect(totals["anomaly-detector"]?["numRecordsOut"] == 8)
            #expect(totals["drop-commands"]?["numRecordsOut"] == totals["chat-rate"]?["numRecordsIn"])

            let details = try await c.client.call(JobDetailsHeaders.self, JobPath(jobID: id))
            let source = try #require(details.vertices.first { $0.name.hasPrefix("Source: chat-source") })
            #expect(source.metrics.readRecords == 0)
            #expect(source.metrics.writeRecords > 0)
            #expect(details.vertices.allSatisfy { $0.status == .finished })

            let refused = try await c.raw("/jobs/\(id)?mode=cancel", method: .patch)
            #expect(refused.status == 409)
            #expect(refused.text.contains("FINISHED"))
        }
    }

    @Test("a failing job ends FAILED with its root cause in the exception history and the execution result")
    func failedJob() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("failing")
            #expect(try await c.waitForState(id, [.finished, .failed, .canceled]) == .failed)
            let exceptions = try await c.client.call(JobExceptionsHeaders.self, JobExceptionsQuery(jobID: id))
            let root = try #require(exceptions.exceptionHistory.entries.first)
            #expect(root.stacktrace.contains("boom at record 100"))
            #expect(root.taskName?.contains("explode") == true)
            #expect(root.timestamp > 0)
            #expect(isFlinkID(root.taskManagerID))
            #expect(try await c.client.call(JobExceptionsHeaders.self, JobExceptionsQuery(jobID: id, maxExceptions: 0)).exceptionHistory.truncated)

            let details = try await c.client.call(JobDetailsHeaders.self, JobPath(jobID: id))
            #expect((details.timestamps["FAILING"] ?? 0) > 0)
            #expect((details.timestamps["FAILED"] ?? 0) > 0)
            let result = try await ClusterClient(rest: c.client).waitForResult(id)
            #expect(result.applicationStatus == "FAILED")
            #expect(result.failureCause?.stackTrace.contains("boom") == true)
            #expect(try await c.client.call(ClusterOverviewHeaders.self).jobsFailed == 1)
        }
    }

    @Test("slots: a job takes as many as its widest vertex; too wide is refused with a clear error; cancel frees them")
    func slotAccounting() async throws {
        try await TestCluster.with(slots: 4) { c in
            let wide = try await c.submit("endless", parallelism: 3)
            _ = try await c.waitForState(wide, [.running])
            #expect(try await c.client.call(ClusterOverviewHeaders.self).slotsAvailable == 1)
            let tm = try #require(try await c.client.call(TaskManagersHeaders.self).taskmanagers.first)
            #expect(tm.freeSlots == 1)
            #expect(tm.slotsNumber == 4)
            let slots = try await c.client.call(TaskManagerDetailsHeaders.self, TaskManagerPath(taskManagerID: tm.id)).allocatedSlots
            #expect(slots.count == 3)
            #expect(slots.allSatisfy { $0.jobID == wide })

            let busy = try await c.client.send(JobSubmitByNameHeaders.self, NoParameters(), body: JobSubmission(job: "endless", parallelism: 2))
            #expect(busy.status == 409)
            #expect(busy.text.contains("not enough free task slots"))
            let tooWide = try await c.client.send(JobSubmitByNameHeaders.self, NoParameters(), body: JobSubmission(job: "endless", parallelism: 5))
            #expect(tooWide.status == 400)
            #expect(tooWide.text.contains("offers at most 4"))
            #expect(try await c.client.call(JobIDsWithStatusOverviewHeaders.self).jobs.count == 1, "refused jobs are not kept")

            let narrow = try await c.submit("endless", parallelism: 1)
            _ = try await c.waitForState(narrow, [.running])
            #expect(try await c.client.call(ClusterOverviewHeaders.self).slotsAvailable == 0)
            try await ClusterClient(rest: c.client).cancel(wide)
            _ = try await c.waitForState(wide, [.canceled])
            #expect(try await c.client.call(ClusterOverviewHeaders.self).slotsAvailable == 3)
        }
    }

    @Test("a graceful shutdown of the services cancels the jobs that still run")
    func shutdownCancelsJobs() async throws {
        let c = try await TestCluster.start()
        let id = try await c.submit("endless", parallelism: 2)
        _ = try await c.waitForState(id, [.running])
        try await c.stop()
        #expect(c.jobManager.job(id)?.state == .canceled)
    }

    @Test("submission to RUNNING inside the JobManager takes milliseconds")
    func submissionLatency() async throws {
        try await TestCluster.with { c in
            var samples: [Double] = []
            for _ in 0..<5 {
                let id = try await c.submit("endless", parallelism: 2)
                samples.append(try #require(c.jobManager.job(id)?.submissionToRunningMillis))
                try await ClusterClient(rest: c.client).cancel(id)
                _ = try await c.waitForState(id, [.canceled])
            }
            print("submission → RUNNING inside the JobManager (debug build): \(samples.map { String(format: "%.2f ms", $0) })")
            #expect(samples.min()! < 500)
        }
    }
}

@Suite("The dashboard's submit page: catalog jobs as jars")
struct JarSubmissionTests {
    @Test("GET /jars lists the catalog, POST /jars/:id/run starts a job with the dashboard's parallelism and arguments")
    func listAndRun() async throws {
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        try await TestCluster.with { c in
            let jars = try await c.raw("/jars")
            #expect(jars.status == 200)
            let ours = try JSONValue.parse(jars.text)
            #expect(JSONShape.differences(ours: ours, flink: try JSONValue.parse(FlinkSamples.jars)).isEmpty)
            let files = try await c.client.call(JarListHeaders.self).files
            #expect(files.map(\.id) == ["endless", "failing", "clip-detector-replay"])
            #expect(files.first?.entry.first?.description?.contains("until cancelled") == true)
            // Uploaded: when the JobManager started with these jobs, not 1970.
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            #expect(files.allSatisfy { (before...now).contains($0.uploaded) }, "\(files.map(\.uploaded)) not in \(before)...\(now)")
            // The Submit page fills its form from these.
            #expect(files.first?.parallelism == 2)
            #expect(files.last?.parameters?["input"] == chatFixture)

            // As the dashboard posts it: values in the body and in the query.
            let started = try await c.raw("/jars/endless/run?parallelism=3", method: .post, body: #"{"parallelism": 3, "programArgs": ""}"#)
            #expect(started.status == 200, "\(started.text)")
            let id = try #require(JobID(hex: try JSONValue.parse(started.text)["jobid"]?.string ?? ""))
            _ = try await c.waitForState(id, [.running])
            #expect(try await c.client.call(JobConfigHeaders.self, JobPath(jobID: id)).executionConfig.jobParallelism == 3)

            let clip = try await c.client.call(JarRunHeaders.self, JarRunQuery(jarID: "clip-detector-replay", parallelism: 1),
                                               body: JarRunRequestBody(programArgsList: ["--window-size-ms", "5000", "min-count=10"]))
            #expect(try await c.waitForState(clip.jobID, [.finished, .failed, .canceled]) == .finished)
            let parameters = try await c.client.call(JobConfigHeaders.self, JobPath(jobID: clip.jobID)).executionConfig.userConfig
            #expect(parameters["window-size-ms"] == "5000" && parameters["min-count"] == "10")

            let bad = try await c.raw("/jars/no-such-job/run", method: .post)
            #expect(bad.status == 400)
            #expect(bad.text.contains("no job named"))
        }
    }
}

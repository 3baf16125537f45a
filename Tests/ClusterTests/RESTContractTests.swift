import Cluster
import Dataflow
import Foundation
import HTTPConnector
import Testing

/// Our answers against the responses Apache Flink 2.3 gave for the same endpoints (FlinkSamples): the same keys at
/// every level, the same JSON types, ids as 32 lowercase hex digits.
@Suite("REST API contract with Flink 2.3")
struct RESTContractTests {
    /// Compares one endpoint's answer with its Flink sample; returns our JSON for further checks.
    @discardableResult
    func expectShape(_ cluster: TestCluster, _ path: String, like sample: String, optional: Set<String> = [],
                     sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let answer = try await cluster.raw(path)
        #expect(answer.status == 200, "\(path): \(answer.text)", sourceLocation: sourceLocation)
        let ours = try JSONValue.parse(answer.text)
        let differences = JSONShape.differences(ours: ours, flink: try JSONValue.parse(sample), optional: optional)
        #expect(differences.isEmpty, "\(path) differs from Flink's:\n\(differences.joined(separator: "\n"))", sourceLocation: sourceLocation)
        return ours
    }

    @Test("cluster endpoints: /config, /overview, /v1/overview, TaskManagers, JobManager config and metrics")
    func clusterEndpoints() async throws {
        try await TestCluster.with { c in
            try await expectShape(c, "/config", like: FlinkSamples.config)
            let overview = try await expectShape(c, "/overview", like: FlinkSamples.overview)
            #expect(overview["slots-total"]?.number == 4)
            #expect(overview["slots-available"]?.number == 4)
            #expect(overview["taskmanagers"]?.number == 1)
            try await expectShape(c, "/v1/overview", like: FlinkSamples.overview)
            try await expectShape(c, "/applications/overview", like: FlinkSamples.applicationsOverview)

            let tms = try await expectShape(c, "/taskmanagers", like: FlinkSamples.taskManagers)
            let tmID = try #require(tms["taskmanagers"]?.array.first?["id"]?.string)
            #expect(isFlinkID(tmID))
            try await expectShape(c, "/taskmanagers/\(tmID)", like: FlinkSamples.taskManagerDetails,
                                  optional: ["$.allocatedSlots[]", "$.metrics.garbageCollectors[]"])
            try await expectShape(c, "/taskmanagers/\(tmID)/metrics?get=Status.JVM.CPU.Load,Status.JVM.Memory.Heap.Used",
                                  like: FlinkSamples.taskManagerMetricsGet)

            let config = try await expectShape(c, "/jobmanager/config", like: FlinkSamples.jobManagerConfig)
            let keys = Set(config.array.compactMap { $0["key"]?.string })
            for key in ["rest.port", "jobmanager.rpc.address", "taskmanager.numberOfTaskSlots", "parallelism.default", "metrics.reporter.prom.port"] {
                #expect(keys.contains(key), "/jobmanager/config lacks \(key)")
            }
            let metrics = try await expectShape(c, "/jobmanager/metrics?get=Status.JVM.Memory.Heap.Used,numRunningJobs,taskSlotsTotal",
                                                like: FlinkSamples.jobManagerMetricsGet)
            #expect(metrics.array.count == 3)
            #expect(metrics.array.first { $0["id"]?.string == "taskSlotsTotal" }?["value"]?.string == "4")
            let ids = try JSONValue.parse(try await c.raw("/jobmanager/metrics").text).array
            #expect(ids.allSatisfy { $0["value"] == nil && $0["id"]?.string != nil }, "without ?get= only ids")
        }
    }

    @Test("a running job: overview, details, plan, config, exceptions, status, metrics, and every vertex endpoint")
    func runningJob() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("endless", parallelism: 2)
            #expect(isFlinkID(id.description))
            _ = try await c.waitForState(id, [.running])

            try await expectShape(c, "/jobs", like: FlinkSamples.jobs)
            let overview = try await expectShape(c, "/jobs/overview", like: FlinkSamples.jobsOverview)
            let listed = try #require(overview["jobs"]?.array.first)
            #expect(listed["jid"]?.string == id.description)
            #expect(listed["state"]?.string == "RUNNING")
            #expect(listed["end-time"]?.number == -1)
            #expect(JSONShape.sameKeys(listed["tasks"], try JSONValue.parse(FlinkSamples.jobsOverview)["jobs"]?.array.first?["tasks"]))

            let details = try await expectShape(c, "/jobs/\(id)", like: FlinkSamples.jobDetails, optional: ["$.plan.nodes[].inputs"])
            let flinkDetails = try JSONValue.parse(FlinkSamples.jobDetails)
            #expect(JSONShape.sameKeys(details["timestamps"], flinkDetails["timestamps"]))
            #expect(JSONShape.sameKeys(details["status-counts"], flinkDetails["status-counts"]))
            #expect(details["state"]?.string == "RUNNING")
            #expect(details["end-time"]?.number == -1)
            #expect((details["timestamps"]?["RUNNING"]?.number ?? 0) > 0)
            #expect((details["timestamps"]?["CREATED"]?.number ?? 0) > 0)
            let vertices = try #require(details["vertices"]?.array)
            #expect(vertices.count == 3)     // source → filter, keyed windows, keyed tally → sink
            #expect(vertices.allSatisfy { isFlinkID($0["id"]?.string) })

            // The plan names exactly the vertices of the details, and shows the keyed exchanges.
            let plan = try await expectShape(c, "/jobs/\(id)/plan", like: FlinkSamples.jobPlan, optional: ["$.plan.nodes[].inputs"])
            let planIDs = Set(plan["plan"]?["nodes"]?.array.compactMap { $0["id"]?.string } ?? [])
            #expect(planIDs == Set(vertices.compactMap { $0["id"]?.string }))
            #expect(details["plan"] == plan["plan"])
            let strategies = plan["plan"]?["nodes"]?.array.flatMap { $0["inputs"]?.array ?? [] }.compactMap { $0["ship_strategy"]?.string }
            #expect(strategies == ["HASH", "HASH"])

            let config = try await expectShape(c, "/jobs/\(id)/config", like: FlinkSamples.jobConfig)
            #expect(config["execution-config"]?["job-parallelism"]?.number == 2)
            try await expectShape(c, "/jobs/\(id)/exceptions", like: FlinkSamples.jobExceptions)
            try await expectShape(c, "/jobs/\(id)/status", like: FlinkSamples.jobStatus)
            let jobMetrics = try await expectShape(c, "/jobs/\(id)/metrics?get=uptime,numRestarts,numberOfCompletedCheckpoints",
                                                   like: FlinkSamples.jobMetricsGet)
            #expect(jobMetrics.array.count == 3)

            let windows = try #require(vertices.first { ($0["name"]?.string ?? "").hasPrefix("counts") }?["id"]?.string)
            let source = try #require(vertices.first { ($0["name"]?.string ?? "").hasPrefix("Source: events") }?["id"]?.string)
            #expect(vertices.first { $0["id"]?.string == source }?["name"]?.string == "Source: events -> keep-all")
            // The window vertex once every event reached it and the watermark holds at its last value (4999 - 1).
            try await c.waitUntil("the windows read every event") {
                let marks = try JSONValue.parse(try await c.raw("/jobs/\(id)/vertices/\(windows)/watermarks").text).array
                let read = try JSONValue.parse(try await c.raw("/jobs/\(id)/vertices/\(windows)/subtasks/metrics?get=numRecordsIn").text)
                return marks.count == 2 && marks.allSatisfy { $0["value"]?.string == "4998" } && read.array.first?["sum"]?.number == 5000
            }
            let vertex = try await expectShape(c, "/jobs/\(id)/vertices/\(windows)", like: FlinkSamples.vertexDetails)
            #expect(vertex["subtasks"]?.array.count == 2)
            #expect(JSONShape.sameKeys(vertex["aggregated"]?["metrics"], try JSONValue.parse(FlinkSamples.vertexDetails)["aggregated"]?["metrics"]))
            let read = vertex["subtasks"]?.array.compactMap { $0["metrics"]?["read-records"]?.number }.reduce(0, +)
            #expect(read == 5000, "the windows read every event")
            #expect(vertex["aggregated"]?["metrics"]?["read-records"]?["sum"]?.number == 5000)

            try await expectShape(c, "/jobs/\(id)/vertices/\(windows)/watermarks", like: FlinkSamples.vertexWatermarks)
            let sourceMarks = try await c.raw("/jobs/\(id)/vertices/\(source)/watermarks")
            #expect(try JSONValue.parse(sourceMarks.text) == .array([]), "a source task has no input watermark, as in Flink")
            try await expectShape(c, "/jobs/\(id)/vertices/\(windows)/backpressure", like: FlinkSamples.vertexBackPressure)
            try await expectShape(c, "/jobs/\(id)/vertices/\(windows)/subtasktimes", like: FlinkSamples.vertexSubtaskTimes)
            try await expectShape(c, "/jobs/\(id)/vertices/\(windows)/taskmanagers", like: FlinkSamples.vertexTaskManagers)

            // Metrics: ids without ?get=, values with it, aggregates over subtasks.
            let metricIDs = try JSONValue.parse(try await c.raw("/jobs/\(id)/vertices/\(windows)/metrics").text).array.compactMap { $0["id"]?.string }
            for expected in ["0.numRecordsIn", "1.numRecordsOut", "0.numRecordsInPerSecond", "0.currentInputWatermark",
                             "0.counts.numRecordsIn", "1.counts.numRecordsOut"] {
                #expect(metricIDs.contains(expected), "vertex metrics lack \(expected)")
            }
            let subtask0 = try await expectShape(c, "/jobs/\(id)/vertices/\(windows)/metrics?get=0.numRecordsIn,0.numRecordsOut,0.numRecordsInPerSecond",
                                                 like: FlinkSamples.vertexMetricsGetSubtask0)
            #expect(subtask0.array.count == 3)
            let aggregated = try await expectShape(c, "/jobs/\(id)/vertices/\(windows)/subtasks/metrics?get=numRecordsIn,numRecordsOut",
                                                   like: FlinkSamples.vertexSubtasksMetricsGet)
            #expect(aggregated.array.first { $0["id"]?.string == "numRecordsIn" }?["sum"]?.number == 5000)
            let sumOnly = try JSONValue.parse(try await c.raw("/jobs/\(id)/vertices/\(windows)/subtasks/metrics?get=numRecordsIn&agg=sum").text)
            #expect(Set(sumOnly.array.first?.object.keys.map { $0 } ?? []) == ["id", "sum"])

            // The Java client's versioned paths give the same answers.
            #expect(try await c.raw("/v1/jobs/\(id)/plan").text == (try await c.raw("/jobs/\(id)/plan").text))
            _ = try await c.client.call(JobCancellationHeaders.self, JobTermination(jobID: id))
            _ = try await c.waitForState(id, [.canceled])
            try await expectShape(c, "/jobs/\(id)", like: FlinkSamples.jobDetailsAfterCancel, optional: ["$.plan.nodes[].inputs"])
        }
    }

    /// Triggers a savepoint operation with `POST path` and polls `statusPath/<trigger>` until it is COMPLETED.
    private func completeOperation(_ c: TestCluster, _ path: String, body: String, method: HTTPMethod = .post,
                                   statusPath: String) async throws -> JSONValue {
        let triggered = try await c.raw(path, method: method, body: body)
        #expect([200, 202].contains(triggered.status), "\(path): \(triggered.text)")
        let trigger = try #require(try JSONValue.parse(triggered.text)["request-id"]?.string, "\(path): \(triggered.text)")
        var answer = JSONValue.null
        try await c.waitUntil("\(path) completes") {
            answer = try JSONValue.parse(try await c.raw("\(statusPath)/\(trigger)").text)
            return answer["status"]?["id"]?.string == "COMPLETED"
        }
        return answer
    }

    /// One history entry against Flink's entry of its class.
    private func expectEntry(_ entry: JSONValue?, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let entry = try #require(entry, sourceLocation: sourceLocation)
        let model = entry["className"]?.string == "failed" ? FlinkSamples.failedSavepointEntry : FlinkSamples.completedSavepointEntry
        let differences = JSONShape.differences(ours: entry, flink: try JSONValue.parse(model))
        #expect(differences.isEmpty, "checkpoint entry differs from Flink's:\n\(differences.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    @Test("/jobs/:id/checkpoints/config in Flink's shape (its dashboard asks on every job page); 404 for an unknown job")
    func checkpointConfig() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("endless", parallelism: 2)
            _ = try await c.waitForState(id, [.running])
            let config = try await expectShape(c, "/jobs/\(id)/checkpoints/config", like: FlinkSamples.jobCheckpointsConfig)
            // No periodic checkpoints: Flink reports a disabled interval as Long.MAX_VALUE.
            #expect(config["interval"]?.number == Double(Int64.max))
            #expect(try await c.client.call(CheckpointConfigHeaders.self, JobPath(jobID: id)).externalization.enabled == false)
            #expect((try await c.raw("/jobs/00000000000000000000000000000000/checkpoints/config")).status == 404)
        }
    }

    @Test("/jobs/:id/checkpoints: savepoints taken and failed, the one restored, stop's SYNC_SAVEPOINT, in Flink's shape")
    func checkpointStatistics() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("endless", parallelism: 2)
            _ = try await c.waitForState(id, [.running])
            let fresh = try await expectShape(c, "/jobs/\(id)/checkpoints", like: FlinkSamples.jobCheckpoints)
            #expect(fresh == (try JSONValue.parse(FlinkSamples.jobCheckpoints)), "a job without savepoints answers as Flink's without checkpoints")
            #expect((try await c.raw("/jobs/00000000000000000000000000000000/checkpoints")).status == 404)

            // With savepoints taken, Flink's percentiles are numbers where the empty sample has "NaN".
            let withSavepoints = FlinkSamples.jobCheckpoints.replacingOccurrences(of: #""NaN""#, with: "0.0")

            // A savepoint that keeps the job running: completed, and the resumed attempt restored it.
            let directory = try temporaryDirectory()
            let taken = try await completeOperation(c, "/jobs/\(id)/savepoints", body: #"{"target-directory":"\#(directory)","cancel-job":false}"#,
                                                    statusPath: "/jobs/\(id)/savepoints")
            let location = try #require(taken["operation"]?["location"]?.string, "\(taken)")
            _ = try await c.waitForState(id, [.running])
            var stats = try await expectShape(c, "/jobs/\(id)/checkpoints", like: withSavepoints)
            try expectEntry(stats["latest"]?["savepoint"])
            #expect(stats["counts"]?["completed"]?.number == 1)
            #expect(stats["counts"]?["total"]?.number == 1)
            #expect(stats["counts"]?["restored"]?.number == 1)
            #expect(stats["latest"]?["savepoint"]?["external_path"]?.string == location)
            #expect(stats["latest"]?["savepoint"]?["checkpoint_type"]?.string == "SAVEPOINT")
            #expect(stats["latest"]?["savepoint"]?["num_subtasks"]?.number == 5)
            #expect((stats["latest"]?["savepoint"]?["state_size"]?.number ?? 0) > 0)
            #expect(stats["latest"]?["completed"] == .null, "savepoints are not checkpoints")
            let restored = try #require(stats["latest"]?["restored"])
            #expect(JSONShape.differences(ours: restored, flink: try JSONValue.parse(FlinkSamples.restoredSavepoint)).isEmpty, "\(restored)")
            #expect(restored["external_path"]?.string == location)
            #expect(restored["id"]?.number == 1)
            #expect((stats["summary"]?["state_size"]?["p50"]?.number ?? 0) > 0)

            // A savepoint into a directory nobody can create: failed, with the reason; the job resumes from the first.
            let failed = try await completeOperation(c, "/jobs/\(id)/savepoints", body: #"{"target-directory":"/proc/no-such-dir/x","cancel-job":false}"#,
                                                     statusPath: "/jobs/\(id)/savepoints")
            #expect(failed["operation"]?["failure-cause"] != nil, "\(failed)")
            _ = try await c.waitForState(id, [.running])
            stats = try await expectShape(c, "/jobs/\(id)/checkpoints", like: withSavepoints)
            try expectEntry(stats["latest"]?["failed"])
            #expect(stats["counts"]?["failed"]?.number == 1)
            #expect(stats["latest"]?["failed"]?["failure_message"]?.string?.isEmpty == false)
            #expect(stats["latest"]?["restored"]?["external_path"]?.string == location)

            // Stop with a savepoint: a SYNC_SAVEPOINT, history newest first.
            let stopped = try await completeOperation(c, "/jobs/\(id)/stop", body: #"{"targetDirectory":"\#(directory)","drain":false}"#,
                                                      statusPath: "/jobs/\(id)/savepoints")
            let final = try #require(stopped["operation"]?["location"]?.string, "\(stopped)")
            _ = try await c.waitForState(id, [.finished])
            stats = try await expectShape(c, "/jobs/\(id)/checkpoints", like: withSavepoints)
            let history = stats["history"]?.array ?? []
            for entry in history { try expectEntry(entry) }
            #expect(history.compactMap { $0["id"]?.number } == [3, 2, 1])
            #expect(history.compactMap { $0["status"]?.string } == ["COMPLETED", "FAILED", "COMPLETED"])
            #expect(stats["latest"]?["savepoint"]?["external_path"]?.string == final)
            #expect(stats["latest"]?["savepoint"]?["checkpoint_type"]?.string == "SYNC_SAVEPOINT")
            #expect(stats["counts"]?["completed"]?.number == 2)
            #expect(stats["counts"]?["in_progress"]?.number == 0)
            #expect(stats["latest"]?["restored"]?["external_path"]?.string == location, "the last attempt restored the first savepoint")
        }
    }

    @Test("errors: unknown job 404, malformed id 400, unknown path 404, Java JobGraph 400, bad submissions 400")
    func errors() async throws {
        try await TestCluster.with { c in
            let unknown = try await c.raw("/jobs/00000000000000000000000000000000")
            #expect(unknown.status == 404)
            #expect(JSONShape.differences(ours: try JSONValue.parse(unknown.text), flink: try JSONValue.parse(FlinkSamples.unknownJob)).isEmpty)
            #expect(unknown.text.contains("Job 00000000000000000000000000000000 not found"))
            #expect((try await c.raw("/v1/jobs/00000000000000000000000000000000/plan")).status == 404)
            #expect((try await c.raw("/jobs/00000000000000000000000000000000/vertices/00000000000000000000000000000000")).status == 404)
            #expect((try await c.raw("/jobs/00000000000000000000000000000000?mode=cancel", method: .patch)).status == 404)
            #expect((try await c.raw("/jobs/00000000000000000000000000000000/yarn-cancel")).status == 404)

            for malformed in ["/jobs/xyz", "/jobs/0B38CAA5D6F03230E33C3D25878B1477", "/jobs/0b38caa5/plan"] {
                let answer = try await c.raw(malformed)
                #expect(answer.status == 400, "\(malformed)")
                #expect(try JSONValue.parse(answer.text)["errors"]?.array.first?.string?.contains("jobid") == true)
            }

            let missing = try await c.raw("/nonexistent")
            #expect(missing.status == 404)
            #expect(try JSONValue.parse(missing.text) == (try JSONValue.parse(FlinkSamples.notFound)))

            let java = try await c.raw("/v1/jobs", method: .post, body: #"{"executionPlanFileName":"x.bin","jobJarFileNames":[]}"#)
            #expect(java.status == 400)
            let message = try #require(try JSONValue.parse(java.text)["errors"]?.array.first?.string)
            #expect(message.contains("Java JobGraph submission is not supported"))
            #expect(message.contains("/jobs/submit-by-name"))

            let unknownJob = try await c.client.send(JobSubmitByNameHeaders.self, NoParameters(), body: JobSubmission(job: "no-such-job"))
            #expect(unknownJob.status == 400)
            #expect(unknownJob.text.contains("no job named 'no-such-job'"))
            let typo = try await c.client.send(JobSubmitByNameHeaders.self, NoParameters(),
                                               body: JobSubmission(job: "clip-detector-replay", parameters: ["windw-size-ms": "5"]))
            #expect(typo.status == 400)
            #expect(typo.text.contains("windw-size-ms"))
            let zero = try await c.client.send(JobSubmitByNameHeaders.self, NoParameters(), body: JobSubmission(job: "endless", parallelism: 0))
            #expect(zero.status == 400)
            let garbage = try await c.raw("/jobs/submit-by-name", method: .post, body: "not json")
            #expect(garbage.status == 400)
            #expect(garbage.text.contains("errors"))
        }
    }
}

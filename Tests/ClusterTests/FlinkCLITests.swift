import Dataflow
import Foundation
import Runtime
import Testing

/// The real Flink 2.3 CLI (PyPI apache-flink==2.3.0, installed by scripts/install-flink-cli.sh into .local/venv-flink)
/// against `dataflow cluster`: `flink list` shows our job RUNNING, `flink cancel` ends it CANCELED.
@Suite("The real Flink CLI against our JobManager", .serialized)
struct FlinkCLITests {
    /// The `flink` script inside the venv's pyflink package.
    static func flinkHome() throws -> String {
        let lib = repositoryRoot.appendingPathComponent(".local/venv-flink/lib")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
        for python in versions where python.hasPrefix("python") {
            let home = lib.appendingPathComponent("\(python)/site-packages/pyflink").path
            if FileManager.default.isExecutableFile(atPath: home + "/bin/flink") { return home }
        }
        throw TestFailure("the Flink CLI is missing: run scripts/install-flink-cli.sh (scripts/test.sh does)")
    }

    /// Submits the cluster's endless job and waits until it runs.
    static func runningJob(on cluster: ClusterProcess) async throws -> JobID {
        let id = try await cluster.submitJob()
        try await cluster.waitUntil("job \(id) is RUNNING") { try await cluster.jobStatus(id) == "RUNNING" }
        return id
    }

    /// The path Flink's CLI prints after "Savepoint completed. Path: ".
    static func savepointPath(in output: String) -> String? {
        let marker = "Savepoint completed. Path: "
        return output.split(separator: "\n").first { $0.hasPrefix(marker) }.map { String($0.dropFirst(marker.count)) }
    }

    @Test("flink list shows the job RUNNING; flink cancel ends it CANCELED; flink list -a shows it CANCELED")
    func listAndCancel() async throws {
        let home = try Self.flinkHome()
        let flink = home + "/bin/flink"
        let logDir = try temporaryDirectory()
        let env = ["FLINK_HOME": home, "FLINK_LOG_DIR": logDir]
        let cluster = try await ClusterProcess.start()
        defer { cluster.stop() }
        let id = try await cluster.submitJob()
        try await cluster.waitUntil("job \(id) is RUNNING") { try await cluster.jobStatus(id) == "RUNNING" }

        let list = try await runProgram(flink, ["list", "-m", cluster.address], environment: env)
        #expect(list.status == 0, "flink list failed:\n\(list.output)")
        #expect(list.output.contains("\(id) : \(ClusterProcess.jobName) (RUNNING)"), "flink list:\n\(list.output)")

        let cancel = try await runProgram(flink, ["cancel", "-m", cluster.address, id.description], environment: env)
        #expect(cancel.status == 0, "flink cancel failed:\n\(cancel.output)")
        #expect(cancel.output.contains("Cancelled job \(id)"), "flink cancel:\n\(cancel.output)")
        try await cluster.waitUntil("job \(id) is CANCELED") { try await cluster.jobStatus(id) == "CANCELED" }

        let all = try await runProgram(flink, ["list", "-a", "-m", cluster.address], environment: env)
        #expect(all.status == 0, "flink list -a failed:\n\(all.output)")
        #expect(all.output.contains("\(id) : \(ClusterProcess.jobName) (CANCELED)"), "flink list -a:\n\(all.output)")
    }

    @Test("flink cancel of a job whose source waits on a quiet pipe: CANCELED within 2 s")
    func cancelOnQuietPipe() async throws {
        let home = try Self.flinkHome()
        let env = ["FLINK_HOME": home, "FLINK_LOG_DIR": try temporaryDirectory()]
        let cluster = try await ClusterProcess.start(quiet: true)
        defer { cluster.stop() }
        let id = try await Self.runningJob(on: cluster)
        // Let the source settle into waiting on the open, silent pipe.
        try await Task.sleep(for: .seconds(1))
        let cancel = try await runProgram(home + "/bin/flink", ["cancel", "-m", cluster.address, id.description], environment: env)
        #expect(cancel.status == 0, "flink cancel failed:\n\(cancel.output)")
        // The CLI returns once the JobManager accepted the cancel; from there every task must end within 2 s.
        let returned = ContinuousClock.now
        try await cluster.waitUntil("job \(id) is CANCELED") { try await cluster.jobStatus(id) == "CANCELED" }
        let took = ContinuousClock.now - returned
        print("flink cancel on a quiet pipe: CANCELED \(took) after the CLI returned")
        #expect(took < .seconds(2), "CANCELED only \(took) after flink cancel returned")
    }

    @Test("flink savepoint JOBID DIR: the savepoint is written and the job carries on from it, RUNNING")
    func savepointKeepsRunning() async throws {
        let home = try Self.flinkHome()
        let env = ["FLINK_HOME": home, "FLINK_LOG_DIR": try temporaryDirectory()]
        let cluster = try await ClusterProcess.start()
        defer { cluster.stop() }
        let id = try await Self.runningJob(on: cluster)
        let directory = try temporaryDirectory() + "/savepoints"
        let run = try await runProgram(home + "/bin/flink", ["savepoint", "-m", cluster.address, id.description, directory], environment: env)
        #expect(run.status == 0, "flink savepoint failed:\n\(run.output)")
        #expect(run.output.contains("Triggering savepoint for job \(id)."), "flink savepoint:\n\(run.output)")
        let path = try #require(Self.savepointPath(in: run.output), "flink savepoint:\n\(run.output)")
        #expect(try Savepoint.read(path).jobID == id.description)
        // The job went on from the savepoint: RUNNING again, and flink list still shows it.
        try await cluster.waitUntil("job \(id) is RUNNING again") { try await cluster.jobStatus(id) == "RUNNING" }
        let list = try await runProgram(home + "/bin/flink", ["list", "-m", cluster.address], environment: env)
        #expect(list.output.contains("\(id) : \(ClusterProcess.jobName) (RUNNING)"), "flink list:\n\(list.output)")
    }

    @Test("flink stop -p DIR suspends the job into a savepoint we wrote (FINISHED); flink savepoint -d deletes it")
    func stopWithSavepoint() async throws {
        let home = try Self.flinkHome()
        let env = ["FLINK_HOME": home, "FLINK_LOG_DIR": try temporaryDirectory()]
        let cluster = try await ClusterProcess.start()
        defer { cluster.stop() }
        let id = try await Self.runningJob(on: cluster)
        let directory = try temporaryDirectory() + "/savepoints"
        let stop = try await runProgram(home + "/bin/flink", ["stop", "-m", cluster.address, "-p", directory, id.description], environment: env)
        #expect(stop.status == 0, "flink stop failed:\n\(stop.output)")
        #expect(stop.output.contains("Suspending job \"\(id)\" with a CANONICAL savepoint."), "flink stop:\n\(stop.output)")
        let path = try #require(Self.savepointPath(in: stop.output), "flink stop:\n\(stop.output)")
        #expect(path.hasPrefix("file:\(directory)/savepoint-"))
        // What flink printed is a savepoint of this job that `dataflow run -s` can start from.
        let savepoint = try Savepoint.read(path)
        #expect(savepoint.jobID == id.description)
        #expect(savepoint.stages["chat-source"]?.subtasks.first?.union.isEmpty == false)
        try await cluster.waitUntil("job \(id) is FINISHED") { try await cluster.jobStatus(id) == "FINISHED" }

        // flink savepoint -d deletes it through POST /savepoint-disposal; a second time there is nothing to delete.
        let dispose = try await runProgram(home + "/bin/flink", ["savepoint", "-m", cluster.address, "-d", path], environment: env)
        #expect(dispose.status == 0, "flink savepoint -d failed:\n\(dispose.output)")
        #expect(!FileManager.default.fileExists(atPath: String(path.dropFirst("file:".count))))
        let again = try await dataflow(["savepoint", "-m", cluster.address, "-d", path])
        #expect(again.status != 0 && again.err.contains("no savepoint at"), "\(again.out)\(again.err)")
    }
}

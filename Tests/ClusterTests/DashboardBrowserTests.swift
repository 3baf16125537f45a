import Dataflow
import Foundation
import Runtime
import Testing

/// The dashboard in headless Chromium against `dataflow cluster` (Tests/DashboardFixtures/dashboard_check.py with
/// --url): the running job is listed, its graph matches the plan, live counts move, busy/backpressure shows, the
/// subtasks name their TaskManager, the cancel button ends it CANCELED, the Submit page lists the jobs of jobs.yaml by
/// name and starts one, and the console has no JavaScript errors.
/// Screenshots: out/test-artifacts/dashboard/.
@Suite("Dashboard in a headless browser against dataflow cluster", .serialized)
struct DashboardBrowserTests {
    static var python: String { repositoryRoot.appendingPathComponent(".local/venv-browser/bin/python").path }

    @Test("sees the running job, its graph and live counts, and cancels it")
    func runningJob() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw TestFailure("no \(Self.python): run scripts/install-browser.sh (scripts/test.sh does)")
        }
        let cluster = try await ClusterProcess.start()
        defer { cluster.stop() }
        let id = try await cluster.submitJob()
        try await cluster.waitUntil("job \(id) is RUNNING") { try await cluster.jobStatus(id) == "RUNNING" }
        let shots = repositoryRoot.appendingPathComponent("out/test-artifacts/dashboard").path
        // The jobs of the cluster's jobs.yaml, by name: the Submit page must list each (from GET /jars).
        let jobsYAML = try String(contentsOfFile: cluster.directory + "/jobs.yaml", encoding: .utf8)
        let names = jobsYAML.split(separator: "\n").compactMap { $0.wholeMatch(of: #/ {2}([A-Za-z0-9_.-]+):\s*/#).map { String($0.output.1) } }
        #expect(names == [ClusterProcess.jobName])
        let check = try await runProgram(Self.python, [
            repositoryRoot.appendingPathComponent("Tests/DashboardFixtures/dashboard_check.py").path,
            "--url", cluster.restURL + "/", "--job", ClusterProcess.jobName, "--shots", shots, "--catalog", names.joined(separator: ","),
        ], timeout: 240)
        #expect(check.status == 0, "dashboard_check.py failed:\n\(check.output)\ncluster log:\n\(cluster.log.suffix(2000))")
        #expect(check.output.contains(" 0 failed"), "\(check.output)")
        #expect(check.output.contains("PASS  cancel: job shows CANCELED"), "\(check.output)")
        for name in names { #expect(check.output.contains("PASS  submit: catalog lists \(name)"), "\(check.output)") }
        #expect(check.output.contains("PASS  submit: the new job is \(names[0]) at parallelism 1"), "\(check.output)")
        #expect(try await cluster.jobStatus(id) == "CANCELED")
    }

    @Test("rescales the running job to 3 and stops it with a savepoint from the job page")
    func savepointsAndRescaling() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw TestFailure("no \(Self.python): run scripts/install-browser.sh (scripts/test.sh does)")
        }
        let cluster = try await ClusterProcess.start()
        defer { cluster.stop() }
        let id = try await cluster.submitJob()
        try await cluster.waitUntil("job \(id) is RUNNING") { try await cluster.jobStatus(id) == "RUNNING" }
        let directory = try temporaryDirectory() + "/stopped"
        let shots = repositoryRoot.appendingPathComponent("out/test-artifacts/dashboard").path
        let check = try await runProgram(Self.python, [
            repositoryRoot.appendingPathComponent("Tests/DashboardFixtures/savepoint_check.py").path,
            "--url", cluster.restURL + "/", "--job", ClusterProcess.jobName, "--dir", directory, "--shots", shots,
        ], timeout: 300)
        #expect(check.status == 0, "savepoint_check.py failed:\n\(check.output)\ncluster log:\n\(cluster.log.suffix(3000))")
        #expect(check.output.contains(" 0 failed"), "\(check.output)")
        #expect(check.output.contains("PASS  rescale: the graph shows parallelism 3"), "\(check.output)")
        #expect(check.output.contains("PASS  stop: the job shows FINISHED"), "\(check.output)")
        #expect(try await cluster.jobStatus(id) == "FINISHED")
        // The path the page showed is a savepoint on disk, of this job.
        let shown = try #require(check.output.split(separator: "\n").first { $0.hasPrefix("SAVEPOINT_PATH file:") }, "\(check.output)")
        let path = String(shown.dropFirst("SAVEPOINT_PATH file:".count))
        #expect(path.hasPrefix(directory + "/savepoint-"), "\(path)")
        #expect(FileManager.default.fileExists(atPath: path + "/_metadata"), "no \(path)/_metadata")
        #expect(try Savepoint.read(path).jobID == id.description)
    }
}

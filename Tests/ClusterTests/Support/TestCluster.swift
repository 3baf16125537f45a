import Cluster
import Dataflow
import Foundation
import HTTPConnector
import Logging
import ServiceLifecycle
import Testing

/// A whole cluster (JobManager, one TaskManager, REST and Prometheus servers on free ports) running its services
/// in this process, the way `dataflow cluster` does, with the catalog of `TestJobs`.
final class TestCluster: Sendable {
    let cluster: LocalCluster
    let group: ServiceGroup
    let running: Task<Void, Error>
    let restURL: String
    let metricsURL: String
    let http: HTTPClient
    let client: RESTClient

    var jobManager: JobManager { cluster.jobManager }

    /// Starts the services and waits until both servers listen.
    static func start(slots: Int = 4, settings: [String: String] = [:]) async throws -> TestCluster {
        var all = ["rest.port": "0", "metrics.reporter.prom.port": "0", "taskmanager.numberOfTaskSlots": "\(slots)"]
        all.merge(settings) { _, new in new }
        let configuration = try ClusterConfiguration(settings: all)
        var logger = Logger(label: "test.cluster")
        logger.logLevel = .warning
        let cluster = LocalCluster(configuration: configuration, resolver: TestJobs.resolve, catalog: TestJobs.catalog, logger: logger)
        let group = cluster.serviceGroup(handlingSignals: false, logger: logger)
        let running = Task { try await group.run() }
        let rest = try await cluster.rest.address.url()
        let metrics = try await cluster.metrics.address.url()
        return try TestCluster(cluster: cluster, group: group, running: running, restURL: rest, metricsURL: metrics)
    }

    private init(cluster: LocalCluster, group: ServiceGroup, running: Task<Void, Error>, restURL: String, metricsURL: String) throws {
        self.cluster = cluster
        self.group = group
        self.running = running
        self.restURL = restURL
        self.metricsURL = metricsURL
        http = try HTTPClient()
        client = RESTClient(baseURL: restURL, http: http)
    }

    /// Shuts the services down gracefully (running jobs are cancelled) and waits for them.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        http.shutdown()
    }

    /// Runs `body` against a fresh cluster and stops it afterwards, also when `body` throws.
    static func with<T>(slots: Int = 4, settings: [String: String] = [:], _ body: (TestCluster) async throws -> T) async throws -> T {
        let cluster = try await start(slots: slots, settings: settings)
        do {
            let result = try await body(cluster)
            try await cluster.stop()
            return result
        } catch {
            try? await cluster.stop()
            throw error
        }
    }

    func submit(_ job: String, parallelism: Int? = nil, parameters: [String: String] = [:]) async throws -> JobID {
        try await client.call(JobSubmitByNameHeaders.self, NoParameters(),
                              body: JobSubmission(job: job, parallelism: parallelism, parameters: parameters)).jobID
    }

    /// GET (or another method) on a raw path: status and parsed JSON, for comparing with Flink's samples.
    func raw(_ path: String, method: HTTPMethod = .get, body: String = "") async throws -> (status: Int, json: Any?, text: String) {
        let response = try await http.execute(HTTPRequest(method: method, url: restURL + path, text: body))
        return (response.status, try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed]), response.text)
    }

    func scrape() async throws -> String {
        try await http.execute(HTTPRequest(url: metricsURL + "/metrics")).text
    }

    /// Polls until `condition` holds or `timeout` passes.
    func waitUntil(timeout: Duration = .seconds(20), _ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func waitForState(_ id: JobID, _ states: Set<JobState>, timeout: Duration = .seconds(20)) async throws -> JobState {
        var last = JobState.created
        try await waitUntil(timeout: timeout, "job \(id) is \(states.map(\.rawValue).sorted())") {
            last = try await client.call(JobStatusInfoHeaders.self, JobPath(jobID: id)).status
            return states.contains(last)
        }
        return last
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let chatFixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/chat-s7/chat-s7.jsonl.zst").path

func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
}

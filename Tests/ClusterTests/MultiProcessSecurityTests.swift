import Cluster
import Dataflow
import Foundation
import HTTPConnector
import Runtime
import Testing

/// Secrets stay out of every view, and only cluster members get through the RPC and data ports — checked on real
/// `dataflow jobmanager` / `taskmanager` processes on loopback.
@Suite("Multi-process security: masked secrets, cluster secret, frame limits", .serialized)
struct MultiProcessSecurityTests {
    static let clusterSecret = "cluster-secret-\(UInt64.random(in: 0...UInt64.max))"

    /// Everything a user or a scraper can read from the cluster about one job, and every log line so far.
    private func everything(_ cluster: MultiProcessCluster, job id: JobID) async throws -> [(String, String)] {
        var views: [(String, String)] = []
        for path in ["/jobs/\(id)/config", "/jobmanager/config", "/jobmanager/environment", "/jobs/\(id)/plan", "/jobs/\(id)/exceptions",
                     "/jobs/\(id)", "/jobs/overview", "/jars", "/taskmanagers"] {
            let response = try await cluster.http.execute(HTTPRequest(method: .get, url: cluster.restURL + path))
            views.append(("GET \(path)", response.text))
        }
        for url in [cluster.metricsURL] + cluster.taskManagers.map(\.metricsURL) {
            views.append(("Prometheus \(url)", try await cluster.http.execute(HTTPRequest(method: .get, url: url)).text))
        }
        views.append(("JobManager log", cluster.jobManager.errors))
        for tm in cluster.taskManagers { views.append(("TaskManager \(tm.id) log", tm.process.errors)) }
        return views
    }

    @Test("a PostgreSQL password and a Twitch secret in a job's parameters and the cluster's settings appear in no REST view, log line or metric")
    func secretsNeverAppear() async throws {
        let password = "pgpw\(UInt32.random(in: 0...UInt32.max))"
        // `-D twitch.client-secret=…` is a (dotted) configuration key: it reaches /jobmanager/config and the command line.
        let twitch = "twitchsecret\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await MultiProcessCluster(settings: ["security.cluster.secret": Self.clusterSecret, "twitch.client-secret": twitch,
                                                               "restart-strategy.type": "none"])
        defer { cluster.stop() }
        try await cluster.addTaskManager(slots: 2)
        try await cluster.waitUntil("1 TaskManager", timeout: .seconds(30)) { try await cluster.get("/overview")["slots-total"] as? Int == 2 }
        // A submission whose sink cannot connect is refused (400) with libpq's error: the answer quotes no password.
        let refused = try await cluster.http.execute(HTTPRequest(
            method: .post, url: cluster.restURL + "/jobs/submit-by-name", headers: ["Content-Type": "application/json"],
            body: Array(#"{"job":"postgres-sink-bench","parallelism":1,"parameters":{"url":"postgresql://dataflow:\#(password)@127.0.0.1:1/highlights","rows":"10"}}"#.utf8)))
        #expect(refused.status == 400 && refused.text.contains("cannot connect to PostgreSQL at 127.0.0.1:1"), "\(refused.status) \(refused.text)")
        #expect(!refused.text.contains(password), "\(refused.text)")
        // The same job against the test server (trust authentication: the password is carried, not checked) runs.
        let server = try #require(ProcessInfo.processInfo.environment["POSTGRES_URL"], "eval \"$(scripts/servers.sh env)\" first")
        let url = server.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://postgres:\(password)@")
        let id = try await cluster.submit("postgres-sink-bench", parallelism: 1, parameters: ["url": url, "rows": "10", "table": "security_rows"])
        try await cluster.waitUntil("FINISHED") { ["FINISHED", "FAILED"].contains(try await cluster.state(id)) }
        #expect(try await cluster.state(id) == "FINISHED")
        let views = try await everything(cluster, job: id)
        for (name, text) in views {
            for secret in [password, twitch, Self.clusterSecret] {
                #expect(!text.contains(secret), "\(name) shows a secret: \(text.prefix(4000))")
            }
        }
        // Masked, not dropped: the views still show the keys, with the URL's user and host.
        let config = try #require(views.first { $0.0 == "GET /jobs/\(id)/config" }?.1)
        #expect(config.contains("postgresql://postgres:******@127.0.0.1:"), "\(config)")
        let jmConfig = try #require(views.first { $0.0 == "GET /jobmanager/config" }?.1)
        #expect(jmConfig.contains("\"key\":\"security.cluster.secret\",\"value\":\"******\""), "\(jmConfig)")
        #expect(jmConfig.contains("\"key\":\"twitch.client-secret\",\"value\":\"******\""), "\(jmConfig)")
    }

    @Test("a TaskManager with the wrong secret (or none) is refused registration, and the JobManager logs who it refused")
    func wrongSecretRefused() async throws {
        let cluster = try await MultiProcessCluster(settings: ["security.cluster.secret": Self.clusterSecret])
        defer { cluster.stop() }
        for (secret, reason) in [("not-the-cluster-secret", "wrong cluster secret"), ("", "the peer has no cluster secret")] {
            let tm = try DataflowProcess(["taskmanager", "-D", "jobmanager.rpc.port=\(cluster.rpcPort)", "-D", "metrics.reporter.prom.port=0",
                                          "-D", "security.cluster.secret=\(secret)"], directory: cluster.directory)
            #expect(try await exits(tm), "a TaskManager with \(secret.isEmpty ? "no secret" : "a wrong secret") kept running")
            #expect(tm.errors.contains("did not accept this TaskManager: refused by the listener: \(reason)"), "\(tm.errors)")
            try await cluster.waitUntil("the JobManager logs the refusal", timeout: .seconds(30)) {
                cluster.jobManager.errors.split(separator: "\n").contains {
                    $0.contains("JobManager RPC endpoint refused a connection from 127.0.0.1:") && $0.contains(reason)
                }
            }
        }
        #expect(try await cluster.get("/overview")["taskmanagers"] as? Int == 0)
        // The right secret still gets in.
        try await cluster.addTaskManager(slots: 1)
        try await cluster.waitUntil("1 TaskManager", timeout: .seconds(30)) { try await cluster.get("/overview")["taskmanagers"] as? Int == 1 }
    }

    /// Whether the process ends with a failure within a minute (else it is stopped: it should not have kept running).
    private func exits(_ p: DataflowProcess) async throws -> Bool {
        for _ in 0..<600 where p.process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        guard !p.process.isRunning else { p.terminate(); p.process.waitUntilExit(); return false }
        return p.process.terminationStatus != 0
    }

    /// Connects, sends `bytes`, and reports whether the peer closed the connection (rather than waiting for more).
    private func sendAndExpectClose(port: Int, _ bytes: [UInt8], authenticated: Bool = false) throws -> Bool {
        let socket = try FramedSocket.connect(host: "127.0.0.1", port: port)
        defer { socket.close() }
        if authenticated { try ClusterAuthentication(secret: Self.clusterSecret).connect(socket, maxFrameLength: 1 << 20) }
        var payload = bytes
        _ = payload.withUnsafeMutableBytes { send(socket.fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        // Generous: the peer answers within its handshake timeout (10 s) at the latest, even on a loaded machine.
        socket.setReceiveTimeout(60)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress!, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    @Test("garbage and oversized length prefixes on the RPC port and a data port are cut off and logged; the cluster keeps running jobs")
    func garbageAndOversizedFrames() async throws {
        let cluster = try await MultiProcessCluster(settings: ["security.cluster.secret": Self.clusterSecret])
        defer { cluster.stop() }
        for _ in 0..<2 { try await cluster.addTaskManager(slots: 1) }
        try await cluster.waitUntil("2 TaskManagers", timeout: .seconds(30)) { try await cluster.get("/overview")["slots-total"] as? Int == 2 }
        let announced = cluster.taskManagers[0].process.output.split(separator: "data port ").dropFirst().first?.prefix { $0.isNumber }
        let dataPort = try #require(announced.flatMap { Int($0) }, "\(cluster.taskManagers[0].process.output)")
        let http = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let oversized: [UInt8] = [0, 0, 0x40, 0x06, 1, 0, 0, 0]            // announces 100 MiB, sends 3 bytes
        let afterHandshake: [UInt8] = [0, 0, 0x80, 0x0C, 1, 0, 0, 0]       // 200 MiB from a member: over the RPC limit
        for port in [cluster.rpcPort, dataPort] {
            #expect(try sendAndExpectClose(port: port, http), "port \(port) kept an HTTP request's connection open")
            #expect(try sendAndExpectClose(port: port, oversized), "port \(port) waited for a 100 MiB frame")
            #expect(try sendAndExpectClose(port: port, [UInt8](repeating: 0xFF, count: 64)))
        }
        #expect(try sendAndExpectClose(port: cluster.rpcPort, afterHandshake, authenticated: true))
        // A member's hello, then a data frame of 80 MiB: over the data plane's 64 MiB limit.
        let hello: [UInt8] = [33, 0, 0, 0, 1] + Array(String(repeating: "f", count: 32).utf8)
        #expect(try sendAndExpectClose(port: dataPort, hello + [0, 0, 0, 0x05, 2, 0, 0, 0], authenticated: true))
        try await cluster.waitUntil("the refusals logged with the peer's address", timeout: .seconds(30)) {
            let jm = cluster.jobManager.errors, tm = cluster.taskManagers[0].process.errors
            return jm.contains("JobManager RPC endpoint refused a connection from 127.0.0.1:")
                && jm.contains("exceeds the limit of 1024 bytes")
                && jm.contains("JobManager RPC endpoint closed the connection from 127.0.0.1:")
                && jm.contains("exceeds the limit of \(FramedSocket.maxControlFrame) bytes")
                && tm.contains("data port refused a connection from 127.0.0.1:")
                && tm.contains("data port closed the connection from TaskManager ffffffffffffffffffffffffffffffff: frame of 83886080 bytes exceeds the limit of \(FramedSocket.maxDataFrame) bytes")
        }
        // Still serving: both TaskManagers are registered and a job across them (over the data port) finishes.
        #expect(try await cluster.get("/overview")["taskmanagers"] as? Int == 2)
        let id = try await cluster.submit("clip-detector-replay", parallelism: 2,
                                          parameters: ["input": golden.appendingPathComponent("chat-d1.jsonl.zst").path,
                                                       "output": "\(cluster.directory)/out"])
        try await cluster.waitUntil("FINISHED", timeout: .seconds(300)) { ["FINISHED", "FAILED"].contains(try await cluster.state(id)) }
        let exceptions = try await cluster.get("/jobs/\(id)/exceptions")
        #expect(try await cluster.state(id) == "FINISHED", "\(exceptions)")
        #expect(try await cluster.taskManagersRunning(id).count == 2)
    }

    @Test("a REST body over the 64 MiB limit gets 413 with Flink's error body; the REST API keeps answering")
    func oversizedRESTBody() async throws {
        let cluster = try await MultiProcessCluster(settings: ["security.cluster.secret": Self.clusterSecret])
        defer { cluster.stop() }
        let response = try await cluster.http.execute(HTTPRequest(
            method: .post, url: cluster.restURL + "/jobs/submit-by-name", headers: ["Content-Type": "application/json"],
            body: [UInt8](repeating: UInt8(ascii: " "), count: (64 << 20) + 1)))
        #expect(response.status == 413, "\(response.status) \(response.text)")
        #expect(response.text.contains("Request body exceeds the limit of \(64 << 20) bytes."), "\(response.text)")
        #expect(try await cluster.get("/overview")["taskmanagers"] as? Int == 0)
    }

    @Test("a JobManager that would bind its RPC port to all interfaces without a secret refuses to start, saying why")
    func nonLoopbackWithoutSecret() async throws {
        let directory = try temporaryDirectory()
        let jm = try DataflowProcess(["jobmanager", "-D", "jobmanager.rpc.address=0.0.0.0", "-D", "jobmanager.rpc.port=0", "-D", "rest.port=0",
                                      "-D", "metrics.reporter.prom.port=0"], directory: directory)
        #expect(try await exits(jm), "the JobManager started")
        #expect(jm.errors.contains("binds 0.0.0.0, which other hosts can reach, but no security.cluster.secret"), "\(jm.errors)")
    }
}

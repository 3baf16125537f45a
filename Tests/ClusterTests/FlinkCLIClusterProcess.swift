import Dataflow
import Foundation
import HTTPConnector
#if canImport(Glibc)
import Glibc
#endif

/// The built `dataflow cluster` as a child process on free ports, with a catalog of one job that runs until it is
/// cancelled (`chat-stream`: the clip detector reading chat from a named pipe that a Python writer keeps feeding).
/// Shared by the tests that drive the cluster from outside: the real Flink CLI and the browser.
final class ClusterProcess: @unchecked Sendable {
    let directory: String
    let restPort: Int
    let address: String
    var restURL: String { "http://\(address)" }
    private let cluster: Foundation.Process
    private let writer: Foundation.Process
    let http: HTTPClient

    static let jobName = "chat-stream"

    /// `quiet`: the writer opens the pipe and keeps it open without writing a line (a source blocked on its input).
    static func start(quiet: Bool = false) async throws -> ClusterProcess {
        let directory = try temporaryDirectory()
        let fifo = directory + "/chat.jsonl"
        guard mkfifo(fifo, 0o600) == 0 else { throw TestFailure("mkfifo \(fifo) failed: errno \(errno)") }
        let jobs = """
            jobs:
              \(jobName):
                job: clip-detector-replay
                parallelism: 2
                parameters:
                  input: \(fifo)
                  output: \(directory)/out
            """
        try jobs.write(toFile: directory + "/jobs.yaml", atomically: true, encoding: .utf8)
        // Chat for as long as the cluster runs: 1000 messages of event time every 0.2 s. A savepoint that keeps the
        // job running (a rescale too) closes the pipe and the next attempt reopens it, so a broken pipe means: open
        // it again once there is a reader — and end after two minutes without one (the test's SIGTERM may be masked).
        let writer = Foundation.Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        writer.arguments = ["python3", "-c", """
            import errno, json, os, sys, time
            ts = 1_700_000_000_000

            def open_when_read(path, patience=120):
                deadline = time.monotonic() + patience
                while True:
                    try:
                        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
                        os.set_blocking(fd, True)
                        return os.fdopen(fd, "w")
                    except OSError as e:
                        if e.errno != errno.ENXIO or time.monotonic() > deadline:
                            sys.exit(0)
                        time.sleep(0.05)

            try:
                while True:
                    try:
                        with open_when_read(sys.argv[1]) as pipe:
                            while len(sys.argv) > 2:   # quiet: open, silent
                                time.sleep(1)
                            while True:
                                for i in range(1000):
                                    ts += 7
                                    pipe.write(json.dumps({"broadcaster_id": str(100 + i % 5), "broadcaster_login": "c%d" % (i % 5),
                                        "user_id": str(i), "user_login": "u%d" % i, "text": "hello", "ts": ts, "message_id": "m%d" % ts}) + "\\n")
                                pipe.flush()
                                time.sleep(0.2)
                    except BrokenPipeError:
                        time.sleep(0.05)
            except KeyboardInterrupt:
                pass
            """, fifo] + (quiet ? ["quiet"] : [])
        try writer.run()

        let restPort = try freePort(), promPort = try freePort()
        let cluster = Foundation.Process()
        cluster.executableURL = URL(fileURLWithPath: try dataflowBinary())
        cluster.arguments = ["cluster", "--jobs", directory + "/jobs.yaml", "-D", "rest.port=\(restPort)",
                             "-D", "metrics.reporter.prom.port=\(promPort)"]
        cluster.currentDirectoryURL = URL(fileURLWithPath: directory)
        cluster.environment = ProcessInfo.processInfo.environment.merging(["DATAFLOW_EXIT_WITH_PARENT": "1"]) { _, new in new }
        FileManager.default.createFile(atPath: directory + "/cluster.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/cluster.log"))
        cluster.standardOutput = log
        cluster.standardError = log
        try cluster.run()
        let process = try ClusterProcess(directory: directory, restPort: restPort, cluster: cluster, writer: writer)
        do {
            try await process.waitUntil("the cluster answers /overview with its slots") {
                (try? await process.get("/overview"))?.contains("\"slots-total\":") ?? false
            }
        } catch {
            let log = (try? String(contentsOfFile: directory + "/cluster.log", encoding: .utf8)) ?? ""
            process.stop()
            throw TestFailure("\(error); cluster log:\n\(log)")
        }
        return process
    }

    private init(directory: String, restPort: Int, cluster: Foundation.Process, writer: Foundation.Process) throws {
        self.directory = directory
        self.restPort = restPort
        address = "127.0.0.1:\(restPort)"
        self.cluster = cluster
        self.writer = writer
        http = try HTTPClient()
    }

    /// Submits the catalog's job with `dataflow run NAME -m … -d` and returns its id.
    func submitJob(parallelism: Int = 2) async throws -> JobID {
        let r = try await dataflow(["run", Self.jobName, "-m", address, "-p", "\(parallelism)", "-d"])
        guard r.status == 0, let last = r.out.split(separator: " ").last, let id = JobID(hex: last.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("dataflow run -d failed (\(r.status)): \(r.out) \(r.err)")
        }
        return id
    }

    func get(_ path: String) async throws -> String {
        try await http.execute(HTTPRequest(url: restURL + path)).text
    }

    func jobStatus(_ id: JobID) async throws -> String {
        let text = try await get("/jobs/\(id)/status")
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return json?["status"] as? String ?? "?"
    }

    func waitUntil(timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    var log: String { (try? String(contentsOfFile: directory + "/cluster.log", encoding: .utf8)) ?? "" }

    /// SIGTERM to the cluster (it cancels its jobs and exits), then the writer; waits for both off the test pool.
    func stop() {
        if cluster.isRunning { cluster.terminate() }
        // SIGKILL: the writer inherits the test process's signal mask, where SIGTERM can be blocked.
        if writer.isRunning { kill(writer.processIdentifier, SIGKILL) }
        let processes = UncheckedSendable((cluster, writer))
        Thread { processes.value.0.waitUntilExit(); processes.value.1.waitUntilExit() }.start()
        http.shutdown()
    }
}

/// A TCP port nobody listens on right now (bound to 0 and released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard bound else { throw TestFailure("bind() failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Runs a program to its end on its own thread (never one of the cooperative pool's), with a time limit.
func runProgram(_ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120,
                directory: URL = repositoryRoot) async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            do {
                let p = Foundation.Process()
                p.executableURL = URL(fileURLWithPath: executable)
                p.arguments = arguments
                p.currentDirectoryURL = directory
                p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
                let out = Pipe()
                p.standardOutput = out
                p.standardError = out
                try p.run()
                let process = UncheckedSendable(p)
                let killer = DispatchWorkItem { if process.value.isRunning { process.value.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
                let data = out.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                killer.cancel()
                continuation.resume(returning: (p.terminationStatus, String(decoding: data, as: UTF8.self)))
            } catch {
                continuation.resume(throwing: error)
            }
        }.start()
    }
}

/// Hands a value that is only touched in a safe order (a child process: started here, waited on there) across threads.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

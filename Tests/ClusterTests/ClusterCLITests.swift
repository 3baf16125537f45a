import Cluster
import Dataflow
import Foundation
import Testing

/// The `dataflow` binary built beside the test bundle (`swift build --build-tests` builds both).
func dataflowBinary() throws -> String {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir, dir.deletingLastPathComponent()] {
        let path = candidate.appendingPathComponent("dataflow").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    throw TestFailure("no dataflow binary beside \(dir.path): build it with `swift build --build-tests`")
}

/// Runs `dataflow` from the repository root on its own thread (not one of the cooperative pool's few).
func dataflow(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
    let binary = try dataflowBinary()
    return try await withCheckedThrowingContinuation { continuation in
        Thread {
            do {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: binary)
                p.arguments = arguments
                p.currentDirectoryURL = repositoryRoot
                let out = Pipe(), err = Pipe()
                p.standardOutput = out
                p.standardError = err
                try p.run()
                let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                continuation.resume(returning: (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self)))
            } catch {
                continuation.resume(throwing: error)
            }
        }.start()
    }
}

@Suite("The dataflow CLI against a JobManager: run, list and cancel as Flink's")
struct ClusterCLITests {
    @Test("with DATAFLOW_EXIT_WITH_PARENT=1 a cluster stops once the process that started it is gone")
    func exitsWithParent() async throws {
        let binary = try dataflowBinary()
        // A shell starts the cluster in the background, prints its pid and exits: the cluster is orphaned.
        let shell = try await runProgram("/bin/sh", ["-c", "DATAFLOW_EXIT_WITH_PARENT=1 '\(binary)' cluster -D rest.port=0 "
            + "-D metrics.reporter.prom.port=0 >/dev/null 2>&1 & echo $!; sleep 1"])
        let pid = try #require(Int32(shell.output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(shell.output)")
        let deadline = Date().addingTimeInterval(15)
        while kill(pid, 0) == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(kill(pid, 0) != 0, "the orphaned cluster (pid \(pid)) is still running")
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    @Test("list, cancel and run -d talk to a running JobManager through its REST API")
    func listAndCancel() async throws {
        try await TestCluster.with { c in
            let address = c.restURL.replacingOccurrences(of: "http://", with: "")
            let id = try await c.submit("endless", parallelism: 2)
            _ = try await c.waitForState(id, [.running])

            let list = try await dataflow(["list", "-m", address])
            #expect(list.status == 0, "\(list.err)")
            #expect(list.out.hasPrefix("Waiting for response...\n------------------ Running/Restarting Jobs -------------------\n"))
            #expect(list.out.contains(" : \(id) : endless (RUNNING)"))
            #expect(list.out.contains("No scheduled jobs."))

            let cancel = try await dataflow(["cancel", "-m", address, id.description])
            #expect(cancel.status == 0, "\(cancel.err)")
            #expect(cancel.out == "Cancelling job \(id).\nCancelled job \(id).\n")
            _ = try await c.waitForState(id, [.canceled])

            let running = try await dataflow(["list", "-r", "-m", address])
            #expect(running.out.contains("No running jobs."))
            #expect(!running.out.contains("Scheduled"))
            let all = try await dataflow(["list", "-a", "-m", address])
            #expect(all.out.contains("---------------------- Terminated Jobs -----------------------"))
            #expect(all.out.contains(" : \(id) : endless (CANCELED)"))

            let detached = try await dataflow(["run", "endless", "-m", address, "-p", "1", "-d"])
            #expect(detached.status == 0, "\(detached.err)")
            let submitted = try #require(detached.out.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
            #expect(detached.out.hasPrefix("Job has been submitted with JobID "))
            let newID = try #require(JobID(hex: submitted))
            #expect(try await c.waitForState(newID, [.running]) == .running)

            let unknown = try await dataflow(["cancel", "-m", address, "00000000000000000000000000000000"])
            #expect(unknown.status != 0)
            #expect(unknown.err.contains("not found"))
            let malformed = try await dataflow(["cancel", "-m", address, "xyz"])
            #expect(malformed.status != 0)
            #expect(malformed.err.contains("32 hexadecimal digits"))
        }
    }

    @Test("run without -d waits for the end and prints Flink's lines and the job's counts")
    func attachedRun() async throws {
        try await TestCluster.with { c in
            let address = c.restURL.replacingOccurrences(of: "http://", with: "")
            let r = try await dataflow(["run", "clip-detector-replay", "-m", address, "-p", "2"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.contains("Program execution finished"))
            #expect(r.out.contains("Job Runtime: "))
            let summary = try #require(r.out.split(separator: "\n").last.map(String.init))
            #expect(summary.hasPrefix("FINISHED clip-detector-replay ("))
            for part in ["records in 19832", "late 8", "windows 2548", "anomalies 8"] {
                #expect(summary.contains(part), "summary lacks '\(part)': \(summary)")
            }

            let failing = try await dataflow(["run", "failing", "-m", address])
            #expect(failing.status != 0)
            #expect(failing.out.contains("FAILED failing"))
            #expect(failing.err.contains("boom at record 100"))
        }
    }

    @Test("an unreachable JobManager gets a clear error that names the ways out")
    func unreachable() async throws {
        let r = try await dataflow(["list", "-m", "127.0.0.1:1"])
        #expect(r.status != 0)
        #expect(r.err.contains("cannot reach the JobManager at http://127.0.0.1:1"))
        #expect(r.err.contains("dataflow cluster"))
    }

    @Test("list output reads like flink list: sections by state, oldest first, Flink's date format")
    func listFormat() {
        func job(_ id: UInt64, _ name: String, _ state: JobState, start: Int64) -> JobDetails {
            JobDetails(jid: JobID(raw: HexID(upper: 0, lower: id)), name: name, jobType: "STREAMING", schedulerType: "Default", startTime: start,
                       endTime: -1, duration: 0, state: state, lastModification: start, tasks: [:], pendingOperators: 0)
        }
        let jobs = [job(2, "b", .running, start: 1_795_907_461_023), job(1, "a", .running, start: 1_795_907_407_826),
                    job(3, "c", .finished, start: 1_795_907_339_246), job(4, "d", .created, start: 1_795_907_500_000)]
        let utc = TimeZone(identifier: "UTC")!
        #expect(FlinkCLIOutput.list(jobs, selection: .init(running: false, scheduled: false, all: false), timeZone: utc) == """
            ------------------ Running/Restarting Jobs -------------------
            28.11.2026 23:10:07 : 00000000000000000000000000000001 : a (RUNNING)
            28.11.2026 23:11:01 : 00000000000000000000000000000002 : b (RUNNING)
            --------------------------------------------------------------
            ----------------------- Scheduled Jobs -----------------------
            28.11.2026 23:11:40 : 00000000000000000000000000000004 : d (CREATED)
            --------------------------------------------------------------
            """)
        let terminated = FlinkCLIOutput.list(jobs, selection: .init(running: false, scheduled: false, all: true), timeZone: utc)
        #expect(terminated.contains("---------------------- Terminated Jobs -----------------------\n28.11.2026 23:08:59 : 00000000000000000000000000000003 : c (FINISHED)"))
        #expect(FlinkCLIOutput.list([], selection: .init(running: true, scheduled: false, all: false)) == "No running jobs.")
    }
}

import Dataflow
import FileConnector
import Foundation
import Runtime
import Testing

/// A job reading a named pipe whose writer keeps it open and writes nothing: cancel and stop still end it at
/// once (the reader waits at most 50 ms per poll, then hands back to the subtask's loop).
@Suite struct PipeCancelTests {
    /// A FIFO with one record written and the write end held open (O_RDWR does not wait for a reader).
    final class QuietPipe {
        let path: String
        private var fd: Int32
        init() throws {
            path = try makeTempDir() + "/in.jsonl"
            guard mkfifo(path, 0o600) == 0 else { throw FileSourceError("mkfifo: \(String(cString: strerror(errno)))") }
            fd = open(path, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { throw FileSourceError("open: \(String(cString: strerror(errno)))") }
            let line = Array(#"{"id":1,"name":"a"}"#.utf8) + [0x0a]
            _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
        /// Ends the input, so that a job still stuck in a read (before the fix) ends too.
        func close() { if fd >= 0 { Glibc.close(fd); fd = -1 } }
        deinit { close() }
    }

    /// Waits (event: the first record reached the sink) until the job is reading the quiet pipe.
    func started(_ pipe: QuietPipe, _ sink: CollectingSink<Rec>) async throws -> JobExecution {
        let job = try Job("quiet-pipe") {
            Source("pipe", JSONLinesSource<Rec>(path: pipe.path))
            Sink("out", sink)
        }
        let execution = try LocalExecutor().submit(job, parallelism: 1)
        while sink.values.isEmpty && !execution.status.isTerminal { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sink.values == [Rec(id: 1, name: "a")])
        return execution
    }

    /// Seconds until the job ends; the pipe is closed after 10 s so that a job that ignores the request ends too.
    func secondsToEnd(_ execution: JobExecution, _ pipe: QuietPipe) async throws -> Double {
        let start = ContinuousClock.now
        while !execution.status.isTerminal && ContinuousClock.now - start < .seconds(10) { try await Task.sleep(for: .milliseconds(5)) }
        let elapsed = ContinuousClock.now - start
        pipe.close()
        _ = await execution.completion()
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test("cancel on a quiet named pipe reaches CANCELED within 2 s")
    func cancelQuietPipe() async throws {
        let pipe = try QuietPipe()
        let execution = try await started(pipe, CollectingSink<Rec>())
        #expect(execution.status == .running)
        execution.cancel()
        let seconds = try await secondsToEnd(execution, pipe)
        #expect(seconds < 2, "cancel took \(seconds) s")
        #expect(execution.status == .canceled)
        #expect(execution.subtaskStatuses().allSatisfy { $0.state == .canceled })
    }

    @Test("stop-with-savepoint on a quiet named pipe completes, with the source's position")
    func stopQuietPipe() async throws {
        let pipe = try QuietPipe()
        let execution = try await started(pipe, CollectingSink<Rec>())
        #expect(execution.stopWithSavepoint(.suspend))
        let seconds = try await secondsToEnd(execution, pipe)
        #expect(seconds < 2, "stop took \(seconds) s")
        #expect(execution.status == .finished)
        let source = execution.subtaskStates().filter { $0.stage == "pipe" }
        #expect(source.count == 1)
    }

    @Test("a pipe's lines are read as they arrive, and its end (every writer gone) ends the source")
    func linesArriveThenEnd() async throws {
        let pipe = try QuietPipe()
        let sink = CollectingSink<Rec>()
        let execution = try await started(pipe, sink)
        pipe.close()
        let result = await execution.completion()
        #expect(result.status == .finished)
        #expect(sink.values == [Rec(id: 1, name: "a")])
    }
}

import Foundation
import RedisConnector
import Testing

/// Every test that talks to Redis lives under this suite, and runs one at a time: one of them restarts the
/// server, which would break the others mid-flight.
@Suite("Redis connector against a real server (scripts/servers.sh start redis)", .serialized)
struct RedisServerTests {}

enum TestRedis {
    /// REDIS_URL, or the port `scripts/servers.sh` uses.
    static func configuration() throws -> RedisConfiguration {
        try RedisConfiguration.fromEnvironment(default: "redis://127.0.0.1:56379")
    }

    /// A connected client. The test fails — it does not skip — when the server is not there.
    static func client() throws -> RedisClient {
        let configuration = try configuration()
        let client = RedisClient(configuration: configuration)
        do {
            try client.ping()
        } catch {
            Issue.record("Redis is not reachable at \(configuration.endpoint) (REDIS_URL=\(ProcessInfo.processInfo.environment["REDIS_URL"] ?? "unset")): \(error). Start it with `scripts/servers.sh start redis`.")
            throw error
        }
        return client
    }

    /// Keys of this run only: tests never see each other's (or an earlier run's) keys.
    static func prefix(_ test: String) -> String { "dataflow-test:\(runID):\(test):" }
    private static let runID = String(UUID().uuidString.prefix(8))

    /// The package root, for `scripts/servers.sh`.
    static var packageRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { url.deleteLastPathComponent() }   // Tests, Redis, Connectors, Sources, file
        return url
    }

    /// Runs `scripts/servers.sh <arguments>` and returns its exit status.
    @discardableResult
    static func servers(_ arguments: String..., port: Int) throws -> Int32 {
        let process = Process()
        // Foundation notices the child's exit when the last holder of a socket it hands the child closes it; a
        // redis-server daemonized by the script would inherit it and keep waitUntilExit() waiting for as long as
        // the server runs. So a shell closes every descriptor above stderr, then runs the script.
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", #"for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$0" "$@""#,
                             packageRoot.appendingPathComponent("scripts/servers.sh").path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["REDIS_PORT"] = String(port)
        process.environment = environment
        // Process spawns from this thread and the child inherits its signal mask. Under the test runner a Dispatch
        // worker blocks nearly every signal, so a redis-server daemonized from here would ignore the SIGTERM of
        // every later `servers.sh stop`. Unblock SIGTERM/SIGINT for the spawn only: unblocking everything (or for
        // longer) lets this thread swallow the SIGCHLD that Dispatch needs, and waitUntilExit() hangs.
        var shutdownSignals = sigset_t(), previous = sigset_t()
        sigemptyset(&shutdownSignals)
        sigaddset(&shutdownSignals, SIGTERM)
        sigaddset(&shutdownSignals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &shutdownSignals, &previous)
        do {
            try process.run()
        } catch {
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            throw error
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func waitUntil(_ timeout: Duration, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try condition()
}

/// The first element of `stream` that matches, or nil after `timeout` (the stream is finished either way).
func first<T: Sendable>(_ stream: AsyncStream<T>, within timeout: Duration,
                        where match: @escaping @Sendable (T) -> Bool = { _ in true }) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask {
            for await element in stream where match(element) { return element }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let result = await group.next() ?? nil
        group.cancelAll()
        return result
    }
}

/// Collects callback events from another thread.
final class Recorder<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.lock(); items.append(item); lock.unlock() }
    var all: [T] { lock.lock(); defer { lock.unlock() }; return items }
}

/// The server's `run_id`: it changes when the server restarts.
func serverRunID(_ client: RedisClient) throws -> String? {
    try client.command("INFO", "server").text?.split(whereSeparator: \.isNewline)
        .first { $0.hasPrefix("run_id:") }.map { String($0.dropFirst("run_id:".count)) }
}

/// A port nothing listens on.
let unreachableConfiguration = RedisConfiguration(host: "127.0.0.1", port: 1, connectTimeout: .milliseconds(500))

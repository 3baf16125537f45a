import Foundation

/// A PostgreSQL server of the test's own, started with the project's `scripts/servers.sh` on another port and
/// data folder (`PG_PORT`, `DATAFLOW_LOCAL`), so that stopping it mid-test disturbs nobody else's tests.
struct PrivatePostgres {
    let port: Int
    let folder: URL
    var url: String { "postgresql://postgres@127.0.0.1:\(port)/highlights_test" }

    static let repository = URL(fileURLWithPath: #filePath)   // …/Sources/Connectors/Postgres/Tests/PrivatePostgres.swift
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    init() {
        port = unusedPort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pgtest-restart-\(getpid())-\(port)")
    }

    func start() throws { try servers("start") }
    func stop() throws { try servers("stop") }

    /// Stops the server and deletes its data.
    func destroy() {
        try? stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `scripts/servers.sh COMMAND postgres` and waits for it. Through posix_spawn and waitpid rather than
    /// Foundation's Process, whose exit monitoring hung here when the script left the server running behind it.
    private func servers(_ command: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = Self.repository.appendingPathComponent("scripts/servers.sh").path
        let log = folder.appendingPathComponent("servers.log").path
        var environment = ProcessInfo.processInfo.environment
        environment["PG_PORT"] = String(port)
        environment["DATAFLOW_LOCAL"] = folder.path
        let arguments: [String] = [script, command, "postgres"]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, script, &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure(description: "cannot run \(script): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure(description: "scripts/servers.sh \(command) postgres (port \(port)) failed (status \(status)): \(output)")
        }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }
}

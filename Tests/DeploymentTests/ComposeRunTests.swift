import Foundation
import KafkaConnector
import Testing

/// docker/docker-compose.yml run without Docker: each of our services' command, with exactly the environment compose
/// gives it (the image's ENV from docker/Dockerfile, then the service's `environment` and `env_file`, interpolated
/// from an operator's `.env` made from docker/.env.example), started in `depends_on` order, each condition checked
/// (the services' own health checks are run). What stands in for Docker, and only that:
/// - the compose network: service host names become 127.0.0.1 and their ports the local servers' (Kafka, Redis) or
///   free ones; a container's fixed listening ports (8081, 9249, 6123, 9100, 8080, 5000) become free ports, through
///   the variables that set them (FLINK_PROPERTIES for the cluster, the port variables for the rest);
/// - the image's file system: /app is the repository (jobs.yaml, configs/, init.sql), /app/bin the built binaries;
/// - `postgres` is a PostgreSQL started here the way the postgres image starts it: POSTGRES_USER as the only role,
///   with POSTGRES_PASSWORD (scram), POSTGRES_DB, init.sql; so a process that ignores the credentials cannot log in;
/// - `kafka-init` (the Kafka image's shell tools) creates its topics through librdkafka's admin API;
/// - LD_LIBRARY_PATH is passed on: the local broker (Tansu) needs a newer librdkafka than the image's (docker/README.md).
/// Prometheus, Loki, Promtail and Grafana are images we do not run; ConfigFilesTests checks their files.
@Suite("Compose services run as compose runs them", .serialized)
struct ComposeRunTests {
    @Test("every service of ours starts, reaches its dependencies, and the detector runs at FLINK_PARALLELISM (4)",
          .timeLimit(.minutes(8)))
    func composeServicesRun() async throws {
        let run = try ComposeRun()
        defer { run.stopAll() }
        try await run.startInfrastructure()

        // jobmanager → taskmanager → submit-clip-detector, then monitor and api, each once its conditions hold.
        for name in ["jobmanager", "taskmanager", "submit-clip-detector", "monitor", "api"] {
            try await run.start(name)
        }

        // The detector: submitted (the one-shot service exited 0 and printed the id), RUNNING, 4 wide.
        let submitLog = try run.log("submit-clip-detector")
        // Docker restarts it while the TaskManager registers (the JobManager refuses a job with no TaskManager).
        print("submit-clip-detector restarts: \(run.restartCount["submit-clip-detector", default: 0])")
        let jobID = try #require(submitLog.firstMatch(of: /JobID ([0-9a-f]{32})/)?.output.1, "no job id in: \(submitLog)")
        let rest = try run.hostPort("jobmanager", 8081)
        let job = try await run.waitForJSON("the detector RUNNING on the JobManager", "http://127.0.0.1:\(rest)/jobs/\(jobID)") {
            $0["state"] as? String == "RUNNING"
        }
        // The job runs at 4; the stages the job itself pins to one subtask stay at 1.
        let widths = ((job["vertices"] as? [[String: Any]]) ?? []).map { "\($0["name"] ?? "?"): \($0["parallelism"] ?? "?")" }
        #expect(widths.filter { !$0.hasSuffix(": 1") }.count >= 3 && widths.allSatisfy { $0.hasSuffix(": 4") || $0.hasSuffix(": 1") },
                "vertex parallelism \(widths); the seed's FLINK_PARALLELISM is 4")
        let config = try await run.waitForJSON("the detector's config", "http://127.0.0.1:\(rest)/jobs/\(jobID)/config") { _ in true }
        #expect((config["execution-config"] as? [String: Any])?["job-parallelism"] as? Int == 4, "\(config)")

        // The monitor: healthy (PostgreSQL, Redis, Kafka, Twitch all up), a streamers row, a liveness key.
        let health = try await run.waitForJSON("the monitor's /health", "http://127.0.0.1:\(try run.hostPort("monitor", 8080))/health") { _ in true }
        let dependencies = (health["dependencies"] as? [String: [String: Any]]) ?? [:]
        #expect(health["status"] as? String == "ok" && !dependencies.isEmpty && dependencies.values.allSatisfy { $0["status"] as? String == "up" },
                "\(health)")
        try await run.waitFor("a streamers row written by the monitor as \(run.postgresUser)") {
            try await run.psql("SELECT count(*) FROM streamers WHERE broadcaster_login = 'pixelpioneer'") == "1"
        }
        try await run.waitFor("the liveness key in Redis") {
            try await run.command(["redis-cli", "-h", "127.0.0.1", "-p", String(run.redisPort), "EXISTS", "highlights:live:41000001"]).output
                .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        }

        // The clips API answers from the database.
        let api = try run.hostPort("api", 5000)
        let clips = try await run.command(["curl", "-fsS", "-m", "10", "http://127.0.0.1:\(api)/v1.0/clip?limit=5"])
        #expect(clips.status == 0, "GET /v1.0/clip: \(clips.output)")

        // Every process logged in as the compose role, none as `postgres` (which this server does not have).
        let users = try await run.psql("SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity WHERE datname = 'highlights'")
        #expect(users == run.postgresUser, "sessions on highlights: \(users)")
        for name in run.started { #expect(run.isRunning(name) || name == "submit-clip-detector", "\(name) exited: \((try? run.log(name))?.suffix(1500) ?? "")") }
    }
}

/// The compose file turned into local processes; see ComposeRunTests.
final class ComposeRun: @unchecked Sendable {
    let compose: ComposeFile
    let id = UUID().uuidString.prefix(8).lowercased()
    let binaries: URL
    let artifacts: URL
    /// The operator's docker/.env: .env.example with the blanks filled for a run against the Twitch fake.
    var dotEnv: [String: String] = [:]
    /// (service, container port) → port on 127.0.0.1.
    var ports: [String: [Int: Int]] = [:]
    let kafkaServers: String
    let redisPort: Int
    var postgresPort = 0
    var postgresUser = ""
    var postgresPassword = ""
    let postgresData: URL
    var processes: [String: Process] = [:]
    var exited: Set<String> = []
    /// Restarts of one-shot services (`restart: on-failure:N`), reported by the test.
    var restartCount: [String: Int] = [:]
    var started: [String] = []
    var fake: Process?

    init() throws {
        compose = try ComposeFile()
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        binaries = try [beside, beside.deletingLastPathComponent()].first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("highlights").path)
                && FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("dataflow").path)
        }.unwrap("no highlights/dataflow binaries beside \(beside.path): build with `swift build --build-tests`")
        artifacts = Repository.url("out/test-artifacts/compose-run")
        try? FileManager.default.removeItem(at: artifacts)
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let environment = ProcessInfo.processInfo.environment
        kafkaServers = try environment["KAFKA_BOOTSTRAP_SERVERS"].unwrap("KAFKA_BOOTSTRAP_SERVERS is not set: eval \"$(scripts/servers.sh env)\"")
        redisPort = try (environment["REDIS_URL"]?.firstMatch(of: /:(\d+)/).flatMap { Int($0.output.1) })
            .unwrap("REDIS_URL is not set: eval \"$(scripts/servers.sh env)\"")
        postgresData = URL(fileURLWithPath: "/tmp/compose-run-pg-\(id)")
    }

    // MARK: - The operator's side: .env and interpolation

    func makeDotEnv(fakeHTTP: Int, fakeIRC: Int) throws {
        for line in try Repository.text("docker/.env.example").split(separator: "\n") where !line.hasPrefix("#") {
            let pair = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if pair.count == 2 { dotEnv[pair[0]] = pair[1] }
        }
        // The blanks the operator fills in, and the three variables docker/README.md says point at a Twitch fake.
        dotEnv["TWITCH_CLIENT_ID"] = "fake-client-id-highlights-0001"
        dotEnv["TWITCH_CLIENT_SECRET"] = "fake-client-secret"
        dotEnv["TWITCH_USER_REFRESH_TOKEN"] = "fake-refresh-token"
        dotEnv["TRACKED_CHANNELS"] = "pixelpioneer,speedrunsam"
        dotEnv["POSTGRES_PASSWORD"] = "pw-\(UUID().uuidString.prefix(12))"
        // As docker/.env.example asks (openssl rand -hex 32): the JobManager and TaskManagers authenticate each other.
        dotEnv["DATAFLOW_CLUSTER_SECRET"] = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: .min ... .max)) }.joined()
        dotEnv["TWITCH_API_BASE_URL"] = "http://127.0.0.1:\(fakeHTTP)/helix"
        dotEnv["TWITCH_AUTH_BASE_URL"] = "http://127.0.0.1:\(fakeHTTP)/oauth2"
        dotEnv["TWITCH_IRC_URL"] = "irc://127.0.0.1:\(fakeIRC)"
    }

    /// Compose's interpolation: `${V}`, `${V:-default}`, `${V-default}`, `${V:?error}` (an error when unset), `$$`.
    func interpolate(_ text: String) throws -> String {
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.hasPrefix("$") { out += "$"; rest = rest.dropFirst(); continue }
            if rest.first.map({ $0.isLetter || $0 == "_" }) == true {   // $NAME
                let name = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                out += dotEnv[name] ?? ""
                rest = rest.dropFirst(name.count)
                continue
            }
            guard rest.hasPrefix("{"), let close = rest.firstIndex(of: "}") else { out += "$"; continue }
            let body = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            let name = String(body.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            let op = body.dropFirst(name.count)
            let value = dotEnv[name]
            if op.hasPrefix(":-") { out += (value?.isEmpty ?? true) ? String(op.dropFirst(2)) : value! }
            else if op.hasPrefix("-") { out += value ?? String(op.dropFirst()) }
            else if op.hasPrefix(":?") {
                guard let value, !value.isEmpty else { throw DeploymentCheckError("compose refuses to start: \(name): \(op.dropFirst(2))") }
                out += value
            } else { out += value ?? "" }
        }
        return out + rest
    }

    // MARK: - The compose network on loopback

    func hostPort(_ service: String, _ containerPort: Int) throws -> Int {
        try (ports[service]?[containerPort]).unwrap("\(service) has no port \(containerPort) mapped")
    }

    /// `host:port`, `//host:port`, `@host`, `=host` naming a compose service → 127.0.0.1 and the mapped port. A bare
    /// word (the `jobmanager` subcommand) is left alone.
    func network(_ text: String) -> String {
        var out = text
        out.replace(/(^|[=\/@,])(kafka|postgres|redis|jobmanager)(:\d+)?(?=$|[\s\/,?])/) { match in
            let (lead, host, port) = (match.output.1, String(match.output.2), match.output.3.flatMap { Int($0.dropFirst()) })
            if lead.isEmpty && port == nil { return String(match.output.0) }
            if host == "kafka" { return lead + kafkaServers }
            guard let port else { return lead + "127.0.0.1" }
            return lead + "127.0.0.1:\(ports[host]?[port] ?? port)"
        }
        return out
    }

    /// The image's ENV (the runtime stage of docker/Dockerfile), with /app mapped to the repository.
    func imageEnvironment() throws -> [String: String] {
        let dockerfile = try Repository.text("docker/Dockerfile").replacingOccurrences(of: "\\\n", with: " ")
        let runtime = try dockerfile.range(of: "AS runtime").unwrap("no runtime stage in docker/Dockerfile")
        var env: [String: String] = [:]
        for line in dockerfile[runtime.upperBound...].split(separator: "\n") where line.hasPrefix("ENV ") {
            for pair in line.dropFirst(4).split(separator: " ") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { env[kv[0]] = kv[1] }
            }
        }
        env["PATH"] = env["PATH"]?.replacingOccurrences(of: "/app/bin", with: binaries.path)
            .replacingOccurrences(of: "$PATH", with: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        return env
    }

    /// What the service's process sees: image ENV, then env_file, then environment; interpolated; then the network.
    func environment(of service: ComposeFile.Service) throws -> [String: String] {
        var env = try imageEnvironment()
        let files: [String] = (service.definition["env_file"] as? [Any])?.map { "\($0)" } ?? (service.definition["env_file"] as? String).map { [$0] } ?? []
        for file in files {
            for line in try Repository.text(ComposeFile.repositoryPath(file)).split(separator: "\n") where !line.hasPrefix("#") {
                let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { env[kv[0]] = try interpolate(kv[1]) }
            }
        }
        for (key, value) in service.environment { env[key] = try interpolate(value) }
        for (key, value) in env {
            var mapped = network(value)
            if value.hasPrefix("/app/") { mapped = Repository.root.path + value.dropFirst(4) }
            // A listening port the service is given as a variable (PROMETHEUS_PORT=9100): its mapped port.
            if let port = Int(value), let host = ports[service.name]?[port] { mapped = String(host) }
            env[key] = mapped
        }
        if env["FLINK_PROPERTIES"] != nil {
            // The cluster's fixed ports come from configs/flink-conf.yaml; FLINK_PROPERTIES (the compose file's own
            // way to override it) moves them for this "container". A TaskManager also serves metrics on 9249.
            let jm = ports["jobmanager"] ?? [:]
            let own = ports[service.name]?[9249] ?? 0
            let lines = ["rest.port: \(jm[8081] ?? 0)", "jobmanager.rpc.port: \(jm[6123] ?? 0)", "metrics.reporter.prom.port: \(own)"]
            env["FLINK_PROPERTIES"] = ((env["FLINK_PROPERTIES"] ?? "") + "\n" + lines.joined(separator: "\n"))
        }
        env["HOME"] = artifacts.path
        if let path = ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"] { env["LD_LIBRARY_PATH"] = path }
        return env
    }

    // MARK: - Infrastructure: Twitch fake, postgres, kafka-init

    func startInfrastructure() async throws {
        // Ports the kernel says are free now (bound to port 0 together, then released).
        let picked = try await command(["python3", "-c", "import socket\nss = [socket.socket() for _ in range(16)]\n"
            + "for s in ss: s.bind(('127.0.0.1', 0))\nprint(' '.join(str(s.getsockname()[1]) for s in ss))"])
        let free = picked.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard picked.status == 0, free.count == 16 else { throw DeploymentCheckError("cannot pick free ports: \(picked.output)") }
        var next = free.makeIterator()
        for name in ["jobmanager", "taskmanager", "monitor", "api"] {
            let service = try compose.service(name)
            // A TaskManager publishes nothing but listens on 9249 (its metrics) in its container.
            let listening = service.listeningPorts.union(name == "taskmanager" ? [9249] : [])
            ports[name] = Dictionary(uniqueKeysWithValues: listening.map { ($0, next.next()!) })
        }
        postgresPort = next.next()!
        ports["postgres"] = [5432: postgresPort]
        ports["redis"] = [6379: redisPort]
        let (fakeHTTP, fakeIRC) = (next.next()!, next.next()!)
        try makeDotEnv(fakeHTTP: fakeHTTP, fakeIRC: fakeIRC)

        var fakeEnvironment = ProcessInfo.processInfo.environment
        fakeEnvironment["LOG_FORMAT"] = "json"
        fake = try spawn("twitch-fake", [binaries.appendingPathComponent("highlights").path, "twitch-fake", "--scenario",
                                         "configs/scenarios/demo.yaml", "--http-port", String(fakeHTTP), "--irc-port", String(fakeIRC)],
                         environment: fakeEnvironment)
        try await waitFor("the Twitch fake") { try await self.command(["curl", "-fsS", "-m", "5", "http://127.0.0.1:\(fakeHTTP)/_fake/state"]).status == 0 }

        try await startPostgres()
        try createTopics()
        // The monitor's liveness key from an earlier run must not pass for this one's.
        _ = try await command(["redis-cli", "-h", "127.0.0.1", "-p", String(redisPort), "DEL", "highlights:live:41000001"])
    }

    /// The postgres image's start: initdb with POSTGRES_USER as the superuser (no `postgres` role), its password,
    /// scram authentication over TCP, POSTGRES_DB, then docker-entrypoint-initdb.d (init.sql).
    func startPostgres() async throws {
        let service = try compose.service("postgres")
        var env: [String: String] = [:]
        for (key, value) in service.environment { env[key] = try interpolate(value) }
        postgresUser = try env["POSTGRES_USER"].unwrap("postgres: no POSTGRES_USER")
        postgresPassword = try env["POSTGRES_PASSWORD"].unwrap("postgres: no POSTGRES_PASSWORD")
        let database = try env["POSTGRES_DB"].unwrap("postgres: no POSTGRES_DB")
        let bin = try (try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")).sorted {
            $0.compare($1, options: .numeric) == .orderedAscending
        }.last.map { "/usr/lib/postgresql/\($0)/bin" }.unwrap("PostgreSQL is not installed")
        try FileManager.default.createDirectory(at: postgresData, withIntermediateDirectories: true)
        let passwordFile = postgresData.appendingPathComponent("pwfile")
        try postgresPassword.write(to: passwordFile, atomically: true, encoding: .utf8)
        let data = postgresData.appendingPathComponent("data").path
        let asPostgres: [String] = getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : []
        if getuid() == 0 { _ = try await command(["chown", "-R", "postgres:postgres", postgresData.path]) }
        let initdb = try await command(asPostgres + ["\(bin)/initdb", "-D", data, "-U", postgresUser, "--pwfile=\(passwordFile.path)",
                                                     "--auth=scram-sha-256", "-E", "UTF8", "--no-sync"])
        guard initdb.status == 0 else { throw DeploymentCheckError("initdb: \(initdb.output)") }
        // The server runs as our child (setpriv execs it, no daemon outliving us), stopped with the rest.
        let asPostgresExec: [String] = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"] : ["/usr/bin/env"]
        processes["postgres"] = try spawn("postgres", asPostgresExec + ["\(bin)/postgres", "-D", data, "-p", String(postgresPort), "-k", postgresData.path,
                                                                      "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"], environment: [:])
        try await waitFor("postgres accepting connections") {
            guard self.isRunning("postgres") else { throw DeploymentCheckError("postgres exited: \((try? self.log("postgres")) ?? "")") }
            return try await self.command(["pg_isready", "-h", "127.0.0.1", "-p", String(self.postgresPort)]).status == 0
        }
        _ = try await psql("CREATE DATABASE \(database)", database: "postgres")
        let schema = try await command(["psql", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(postgresPort), "-U", postgresUser,
                                        "-d", database, "-q", "-f", Repository.url("infrastructure/postgres/init.sql").path],
                                       environment: ["PGPASSWORD": postgresPassword])
        guard schema.status == 0 else { throw DeploymentCheckError("init.sql: \(schema.output)") }
        // As in the image: there is no `postgres` role to fall back on.
        let anonymous = try await command(["psql", "-h", "127.0.0.1", "-p", String(postgresPort), "-U", "postgres", "-d", database, "-c", "SELECT 1"],
                                          environment: ["PGPASSWORD": ""])
        #expect(anonymous.status != 0, "the compose postgres must not let `postgres` in: \(anonymous.output)")
    }

    /// kafka-init's script: each `--topic NAME --partitions N` it creates.
    func createTopics() throws {
        let script = try compose.service("kafka-init").command.joined(separator: " ")
        let topics = script.matches(of: /--topic ([a-z-]+)\s+\\?\s*--partitions (\d+)/).map { (String($0.output.1), Int($0.output.2)!) }
        #expect(topics.count == 2, "kafka-init creates \(topics)")
        let admin = try KafkaAdmin(bootstrapServers: kafkaServers, timeout: .seconds(60))
        for (topic, partitions) in topics { try admin.createTopic(topic, partitions: partitions, ifNotExists: true) }
        exited.insert("kafka-init")
    }

    // MARK: - Our services

    func start(_ name: String) async throws {
        let service = try compose.service(name)
        // depends_on conditions, as compose checks them before starting the service.
        if let conditions = service.definition["depends_on"] as? [String: Any] {
            for (dependency, spec) in conditions {
                let condition = (spec as? [String: Any])?["condition"] as? String ?? "service_started"
                switch (condition, dependency) {
                case (_, "kafka"), (_, "redis"), (_, "postgres"), ("service_completed_successfully", "kafka-init"):
                    continue   // started (and checked) above
                case ("service_healthy", _): try await waitHealthy(dependency)
                case ("service_started", _): #expect(isRunning(dependency), "\(name) needs \(dependency) started")
                case ("service_completed_successfully", _): #expect(exited.contains(dependency), "\(name) needs \(dependency) done")
                default: Issue.record("\(name): unknown depends_on condition \(condition)")
                }
            }
        }
        let entrypoint = ((service.definition["entrypoint"] as? [Any]) ?? []).map { "\($0)" }
        var argv = try (entrypoint + service.command).map { network(try interpolate($0)) }
        if argv.first == "sh" || argv.first == "/bin/sh" { argv[0] = "/bin/sh" }
        else if let first = argv.first, !first.hasPrefix("/") { argv[0] = binaries.appendingPathComponent(first).path }
        let environment = try environment(of: service)
        processes[name] = try spawn(name, argv, environment: environment)
        started.append(name)
        if let policy = service.definition["restart"] as? String, policy.hasPrefix("on-failure") {
            // A one-shot job: compose waits for it only through service_completed_successfully; we wait here, and
            // restart it as Docker does (`on-failure:N`: up to N more runs, 100 ms apart, doubling).
            let restarts = Int(policy.split(separator: ":").last ?? "") ?? 0
            var delay = Duration.milliseconds(100)
            for attempt in 0...restarts {
                let process = processes[name]!
                try await waitFor("\(name) to exit") { !process.isRunning }
                if process.terminationStatus == 0 || attempt == restarts { break }
                restartCount[name, default: 0] += 1
                try await Task.sleep(for: delay)
                delay *= 2
                processes[name] = try spawn(name, argv, environment: environment, append: true)
            }
            #expect(processes[name]!.terminationStatus == 0, "\(name) exited \(processes[name]!.terminationStatus): \((try? log(name)) ?? "")")
            exited.insert(name)
        } else if service.healthcheck != nil {
            try await waitHealthy(name)
        }
    }

    /// Runs the service's own health check (its `localhost:PORT` mapped) until it passes.
    func waitHealthy(_ name: String) async throws {
        let test = ((try compose.service(name).healthcheck?["test"] as? [Any]) ?? []).map { "\($0)" }
        guard let kind = test.first else { return }
        try await waitFor("\(name) healthy (\(test.dropFirst().joined(separator: " ")))") {
            guard self.isRunning(name) else { throw DeploymentCheckError("\(name) exited: \((try? self.log(name))?.suffix(3000) ?? "")") }
            if test == ["CMD-SHELL", "kill -0 1"] { return true }   // PID 1 of the container is the process, alive
            var words = Array(test.dropFirst())
            words = words.map { word in
                var w = word
                w.replace(/localhost:(\d+)/) { "127.0.0.1:\(self.ports[name]?[Int($0.output.1)!] ?? 0)" }
                return w
            }
            let argv = kind == "CMD-SHELL" ? ["/bin/sh", "-c"] + words : words
            return try await self.command(argv).status == 0
        }
    }

    func isRunning(_ name: String) -> Bool { processes[name]?.isRunning ?? false }

    func log(_ name: String) throws -> String {
        try String(contentsOf: artifacts.appendingPathComponent("\(name).log"), encoding: .utf8)
    }

    func spawn(_ name: String, _ argv: [String], environment: [String: String], append: Bool = false) throws -> Process {
        let output = artifacts.appendingPathComponent("\(name).log")
        if !append { FileManager.default.createFile(atPath: output.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: output)
        if append { try handle.seekToEnd() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        process.currentDirectoryURL = Repository.root   // the image's WORKDIR /app
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// SIGTERM to every process (the database last, once its clients are gone), waiting for each to exit.
    func stopAll() {
        let clients = processes.filter { $0.key != "postgres" }.map(\.value) + [fake].compactMap { $0 }
        for process in clients where process.isRunning { process.terminate() }
        for process in clients { process.waitUntilExit() }
        if let postgres = processes["postgres"] {
            if postgres.isRunning { kill(postgres.processIdentifier, SIGINT) }   // PostgreSQL's fast shutdown
            postgres.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: postgresData)
    }

    // MARK: - Tools

    /// Runs a command to its end, off the cooperative pool, with its output in a file.
    func command(_ argv: [String], environment extra: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("compose-run-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try? handle.close()
        return (status, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    /// One value from the compose database, as the compose role.
    func psql(_ sql: String, database: String = "highlights") async throws -> String {
        let result = try await command(["psql", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(postgresPort), "-U", postgresUser,
                                        "-d", database, "-tAc", sql], environment: ["PGPASSWORD": postgresPassword])
        guard result.status == 0 else { throw DeploymentCheckError("psql \(sql): \(result.output)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits for a condition: polled every half second, with a bound only a broken run reaches.
    func waitFor(_ what: String, within: Duration = .seconds(180), _ condition: @escaping () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + within
        while true {
            if try await condition() { return }
            guard ContinuousClock.now < deadline else { throw DeploymentCheckError("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    func waitForJSON(_ what: String, _ url: String, _ condition: @escaping ([String: Any]) -> Bool) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        try await waitFor(what) {
            let result = try await self.command(["curl", "-fsS", "-m", "10", url])
            guard result.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] else { return false }
            last = object
            return condition(object)
        }
        return last
    }
}

extension Optional {
    func unwrap(_ message: String) throws -> Wrapped {
        guard let value = self else { throw DeploymentCheckError(message) }
        return value
    }
}

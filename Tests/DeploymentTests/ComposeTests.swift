import Foundation
import Testing

/// docker/docker-compose.yml checked statically (no Docker engine runs here): it parses, references files that
/// exist, and its ports, variables, commands and URLs agree with the code.
@Suite("docker-compose.yml")
struct ComposeTests {
    let compose: ComposeFile
    init() throws { compose = try ComposeFile() }

    @Test("it has every service of the production shape")
    func services() {
        let expected: Set<String> = ["kafka", "kafka-init", "postgres", "redis", "jobmanager", "taskmanager",
                                     "submit-clip-detector", "monitor", "api", "prometheus", "grafana", "loki", "promtail"]
        #expect(expected.subtracting(compose.services.keys).isEmpty, "missing: \(expected.subtracting(compose.services.keys).sorted())")
    }

    @Test("every build context, Dockerfile, bind mount and env_file exists in the repository")
    func referencedFilesExist() throws {
        var checked = 0
        for service in compose.services.values.sorted(by: { $0.name < $1.name }) {
            if let build = service.definition["build"] as? [String: Any] {
                let context = ComposeFile.repositoryPath(build["context"] as? String ?? ".")
                let dockerfile = (context.isEmpty ? "" : context + "/") + (build["dockerfile"] as? String ?? "Dockerfile")
                #expect(Repository.exists(context.isEmpty ? "." : context), "\(service.name): build context \(context) is missing")
                #expect(Repository.exists(dockerfile), "\(service.name): \(dockerfile) is missing")
                checked += 2
            }
            for source in service.bindMountSources {
                #expect(Repository.exists(source), "\(service.name) mounts \(source), which does not exist")
                checked += 1
            }
            let envFiles: [String] = (service.definition["env_file"] as? [String]) ?? ((service.definition["env_file"] as? String).map { [$0] } ?? [])
            for file in envFiles {
                #expect(Repository.exists(ComposeFile.repositoryPath(file)), "\(service.name): env_file \(file) is missing")
                checked += 1
            }
        }
        #expect(checked >= 10, "expected the compose file to reference the Dockerfile and the configs (\(checked) references)")
        #expect(Repository.exists("docker/.env.example"), "docker/.env.example documents the variables compose substitutes")
    }

    /// Each port a service of ours listens on, with the source file and the constant that defines it there.
    static let portDefinitions: [(service: String, port: Int, file: String, pattern: String)] = [
        ("jobmanager", 8081, "Sources/Cluster/Configuration/ClusterOptions.swift", #""rest.port", default: 8081"#),
        ("jobmanager", 9249, "Sources/Cluster/Configuration/ClusterOptions.swift", #""metrics.reporter.prom.port", default: 9249"#),
        ("jobmanager", 6123, "Sources/Cluster/Configuration/ClusterOptions.swift", #""jobmanager.rpc.port", default: 6123"#),
        ("monitor", 9100, "Sources/StreamMonitor/MonitorConfiguration.swift", "prometheusPort = 9100"),
        ("monitor", 8080, "Sources/StreamMonitor/MonitorConfiguration.swift", "healthCheckPort = 8080"),
        ("api", 5000, "Sources/ClipsAPI/ClipsAPIConfiguration.swift", "port = 5000"),
    ]

    @Test("every port of our services is the code's default, and every default the code has is in the compose file")
    func portsMatchTheCode() throws {
        for definition in Self.portDefinitions {
            let service = try compose.service(definition.service)
            #expect(service.listeningPorts.contains(definition.port),
                    "\(definition.service) does not publish or expose \(definition.port) (\(definition.file) defines it)")
            guard let text = Repository.productSources[definition.file] else {
                Issue.record("\(definition.file) is missing: it should define `\(definition.pattern)` for \(definition.service)")
                continue
            }
            #expect(text.contains(definition.pattern),
                    "\(definition.file) no longer contains `\(definition.pattern)`: the compose port \(definition.port) of \(definition.service) has drifted")
        }
        for service in compose.services.values where service.isOurs {
            for port in service.listeningPorts {
                #expect(Self.portDefinitions.contains { $0.service == service.name && $0.port == port },
                        "\(service.name) listens on \(port), which no entry of portDefinitions ties to the code")
            }
            for published in service.ports where published.host != nil {
                #expect(published.host == published.container, "\(service.name) publishes \(published.container) as \(published.host!)")
            }
        }
    }

    @Test("every variable our services get is read somewhere in Sources/")
    func environmentVariablesAreRead() throws {
        var unread: [String] = []
        var count = 0
        for service in compose.services.values.sorted(by: { $0.name < $1.name }) where service.isOurs {
            for name in service.environment.keys.sorted() {
                count += 1
                if !Repository.stringLiterals.contains(name) { unread.append("\(service.name): \(name)") }
            }
        }
        #expect(count >= 20)
        #expect(unread.isEmpty, "set in the compose file but read nowhere in Sources/ (misspelt, or the code changed): \(unread)")
    }

    @Test("port variables agree with the ports the services publish")
    func portVariables() throws {
        for service in compose.services.values where service.isOurs {
            for variable in ["PROMETHEUS_PORT", "HEALTH_CHECK_PORT", "HTTP_PORT"] {
                guard let value = service.environment[variable] else { continue }
                let port = try #require(Int(value), "\(service.name): \(variable)=\(value) is not a port")
                #expect(service.listeningPorts.contains(port), "\(service.name): \(variable)=\(port) but the service listens on \(service.listeningPorts.sorted())")
            }
        }
        #expect(try compose.service("monitor").environment["PROMETHEUS_PORT"] == "9100")
        #expect(try compose.service("monitor").environment["HEALTH_CHECK_PORT"] == "8080")
        #expect(try compose.service("api").environment["HTTP_PORT"] == "5000")
    }

    @Test("connection URLs name compose services and the ports they listen on")
    func connectionURLs() throws {
        let servicePorts: [String: Int] = ["kafka": 9092, "postgres": 5432, "redis": 6379]
        for (name, port) in servicePorts {
            #expect(try compose.service(name).listeningPorts.contains(port), "\(name) should listen on \(port)")
        }
        for service in compose.services.values where service.isOurs {
            let env = service.environment
            if let kafka = env["KAFKA_BOOTSTRAP_SERVERS"] { #expect(kafka == "kafka:9092", "\(service.name): \(kafka)") }
            if let postgres = env["POSTGRES_URL"] {
                #expect(postgres.hasPrefix("postgresql://") && postgres.contains("postgres:5432/highlights"), "\(service.name): \(postgres)")
            }
            if let redis = env["REDIS_URL"] { #expect(redis.hasPrefix("redis://redis:6379"), "\(service.name): \(redis)") }
        }
        #expect(try compose.service("postgres").environment["POSTGRES_DB"] == "highlights")
    }

    @Test("each process runs the command the executables define")
    func commands() throws {
        #expect(try compose.service("jobmanager").command == ["dataflow", "jobmanager", "-D", "jobmanager.rpc.address=jobmanager"])
        let taskManager = try compose.service("taskmanager").command.joined(separator: " ")
        #expect(taskManager.contains("dataflow taskmanager"))
        #expect(taskManager.contains("-D jobmanager.rpc.address=jobmanager"))
        #expect(taskManager.contains("-D taskmanager.numberOfTaskSlots=4"))
        #expect(try compose.service("submit-clip-detector").command
            == ["dataflow", "run", "clip-detector", "-m", "jobmanager:8081", "-d", "-p", "${FLINK_PARALLELISM:-4}"])
        #expect(try compose.service("monitor").command == ["highlights", "monitor"])
        #expect(try compose.service("api").command == ["highlights", "api"])
        // The subcommands exist in the executables' sources.
        for (literal, what) in [("jobmanager", "dataflow jobmanager"), ("taskmanager", "dataflow taskmanager"),
                                ("monitor", "highlights monitor"), ("api", "highlights api")] {
            let defined = Repository.productSources.contains { path, text in
                (path.hasPrefix("Sources/DataflowCLI/") || path.hasPrefix("Sources/HighlightsCLI/")) && text.contains("commandName: \"\(literal)\"")
            }
            #expect(defined, "no command named \(literal) in Sources/DataflowCLI or Sources/HighlightsCLI (\(what))")
        }
        // The submitted job is declared in jobs.yaml, which the image carries.
        let jobs = try Repository.yaml("jobs.yaml")["jobs"] as? [String: Any]
        #expect(jobs?["clip-detector"] != nil, "jobs.yaml has no clip-detector entry for the submitter to run")
    }

    @Test("the TaskManager scales: no fixed name, no host ports, a restart policy")
    func taskManagerScales() throws {
        let taskManager = try compose.service("taskmanager")
        #expect(taskManager.definition["container_name"] == nil)
        #expect(taskManager.ports.isEmpty, "host ports would collide with --scale taskmanager=N")
        #expect(taskManager.definition["hostname"] == nil)
        #expect(taskManager.restart == "unless-stopped")
    }

    @Test("long-running services have health checks and restart policies; one-shot jobs do not restart forever")
    func healthAndRestart() throws {
        let oneShot: Set<String> = ["kafka-init", "submit-clip-detector"]
        for service in compose.services.values {
            if oneShot.contains(service.name) {
                #expect(service.restart == "no" || service.restart?.hasPrefix("on-failure") == true, "\(service.name): restart \(service.restart ?? "unset")")
                continue
            }
            #expect(["unless-stopped", "always"].contains(service.restart ?? ""), "\(service.name) has no restart policy")
            if service.name != "promtail" {
                let test = service.healthcheck?["test"]
                #expect(test != nil, "\(service.name) has no health check")
            }
        }
        // HTTP health checks hit routes the code serves.
        for (name, route) in [("jobmanager", "/overview"), ("monitor", "/health"), ("api", "/health")] {
            let test = (try compose.service(name).healthcheck?["test"] as? [Any])?.map { "\($0)" }.joined(separator: " ") ?? ""
            #expect(test.contains(route), "\(name)'s health check should request \(route)")
            let served = Repository.stringLiterals.contains(route) || Repository.stringLiterals.contains(String(route.dropFirst()))
            #expect(served, "no route \(route) in Sources/ for \(name)'s health check")
        }
    }

    @Test("depends_on names services that exist")
    func dependencies() {
        for service in compose.services.values {
            for dependency in service.dependsOn {
                #expect(compose.services[dependency] != nil, "\(service.name) depends on unknown \(dependency)")
            }
        }
    }

    @Test("the topic init job creates DESIGN.md §7's topics; Redis notifies expiries")
    func topicsAndKeyspaceNotifications() throws {
        let script = try compose.service("kafka-init").command.joined(separator: " ")
        func creation(of topic: String) -> String? {
            script.components(separatedBy: "--create").first { $0.contains("--topic \(topic) ") }
        }
        let chat = try #require(creation(of: "chat-messages"), "chat-messages is not created")
        #expect(chat.contains("--partitions 20") && chat.contains("retention.ms=3600000"))
        let lifecycle = try #require(creation(of: "stream-lifecycle"), "stream-lifecycle is not created")
        #expect(lifecycle.contains("--partitions 10") && lifecycle.contains("retention.ms=604800000"))
        let redis = try compose.service("redis").command
        let flag = try #require(redis.firstIndex(of: "--notify-keyspace-events"))
        #expect(redis[flag + 1].contains("E") && redis[flag + 1].contains("x"))
        // The topic names are the ones the code uses.
        for topic in ["chat-messages", "stream-lifecycle"] {
            let used = Repository.stringLiterals.contains(topic)
            #expect(used, "no code in Sources/ names the topic \(topic)")
        }
    }
}

import Cluster
import Foundation
import Logging
@testable import Observability
import Testing

/// configs/ (Flink, Prometheus, Loki, Promtail, Grafana) and docker/Dockerfile, checked against the compose file
/// and the code.
@Suite("configs/ and the Dockerfile")
struct ConfigFilesTests {
    let compose: ComposeFile
    init() throws { compose = try ComposeFile() }

    @Test("configs/flink-conf.yaml is safe for a developer's machine and matches the code's defaults")
    func flinkConfigurationFile() throws {
        let configuration = try ConfigurationLoader.load(file: Repository.url("configs/flink-conf.yaml").path, environment: [:],
                                                         dynamicProperties: [:])
        // `dataflow cluster` at the repository root (and the tests) reads this file: it must not change the defaults
        // that matter there (loopback only, no restarts of a failing job, parallelism 1).
        #expect(configuration.restBindAddress == ClusterOptions.restBindAddress.defaultValue)
        #expect(configuration.restartStrategy == ClusterConfiguration().restartStrategy)
        #expect(configuration.defaultParallelism == ClusterOptions.defaultParallelism.defaultValue)
        #expect(configuration.taskSlots == 4)
        let known = Set(ClusterOptions.all.map(\.key))
        let keys = Set(try ConfigurationLoader.parseYAML(try Repository.text("configs/flink-conf.yaml")).keys)
        #expect(keys.subtracting(known).isEmpty, "keys the cluster does not read: \(keys.subtracting(known).sorted())")
    }

    @Test("the JobManager's and TaskManagers' configuration in compose loads with the cluster's loader and matches their ports",
          arguments: ["jobmanager", "taskmanager"])
    func flinkConfigurationInCompose(serviceName: String) throws {
        let service = try compose.service(serviceName)
        let environment = service.interpolatedEnvironment
        #expect(environment["FLINK_CONF_DIR"] == "/app/configs", "the image copies configs/ to /app/configs")
        // Exactly what the container's process does: the file, then FLINK_PROPERTIES and FLINK_PARALLELISM, then -D.
        let configuration = try ConfigurationLoader.load(file: Repository.url("configs/flink-conf.yaml").path, environment: environment,
                                                         dynamicProperties: service.dynamicProperties)
        #expect(configuration[ClusterOptions.jobManagerAddress] == "jobmanager")
        #expect(configuration.taskSlots == 4)
        #expect(configuration.defaultParallelism == 4)
        #expect(configuration.restBindAddress == "0.0.0.0", "the REST API must listen on all interfaces in a container")
        #expect(configuration.restartStrategy != ClusterConfiguration().restartStrategy, "production restarts failed jobs")
        let jobManager = try compose.service("jobmanager")
        #expect(jobManager.listeningPorts.contains(configuration.restPort))
        #expect(jobManager.listeningPorts.contains(configuration.prometheusPorts.lowerBound))
        #expect(jobManager.listeningPorts.contains(configuration[ClusterOptions.jobManagerPort]))
        let known = Set(ClusterOptions.all.map(\.key))
        let keys = Set(try ConfigurationLoader.environmentSettings(environment).keys).union(service.dynamicProperties.keys)
        #expect(keys.subtracting(known).isEmpty, "keys the cluster does not read: \(keys.subtracting(known).sorted())")
    }

    @Test("Prometheus scrapes compose services on ports they listen on, and every metrics port is scraped")
    func prometheusTargets() throws {
        let config = try Repository.yaml("configs/prometheus.yml")
        let jobs = try #require(config["scrape_configs"] as? [[String: Any]])
        var scraped: Set<String> = []
        for job in jobs {
            let name = job["job_name"] as? String ?? "?"
            for staticConfig in (job["static_configs"] as? [[String: Any]]) ?? [] {
                for target in (staticConfig["targets"] as? [String]) ?? [] {
                    let parts = target.split(separator: ":").map(String.init)
                    try #require(parts.count == 2, "\(name): target \(target) is not host:port")
                    let service = try compose.service(parts[0])
                    #expect(service.listeningPorts.contains(Int(parts[1]) ?? -1), "\(name): \(service.name) does not listen on \(parts[1])")
                    scraped.insert(target)
                }
            }
        }
        #expect(scraped.contains("jobmanager:9249"))
        #expect(scraped.contains("monitor:9100"))
        let prometheus = try compose.service("prometheus")
        #expect(prometheus.bindMounts.contains { $0.source == "configs/prometheus.yml" && prometheus.command.contains("--config.file=\($0.target)") })
    }

    @Test("Loki and Promtail configs parse and point at each other; Promtail reads the fields our JSON lines have")
    func lokiAndPromtail() throws {
        let loki = try Repository.yaml("configs/loki-config.yml")
        let lokiPort = try #require((loki["server"] as? [String: Any])?["http_listen_port"] as? Int)
        #expect(try compose.service("loki").listeningPorts.contains(lokiPort))

        let promtail = try Repository.yaml("configs/promtail-config.yml")
        let clients = try #require(promtail["clients"] as? [[String: Any]])
        let push = try #require(URL(string: clients.first?["url"] as? String ?? ""))
        #expect(push.host == "loki" && push.port == lokiPort && push.path == "/loki/api/v1/push")

        // The JSON stage extracts fields the handler writes, and the timestamp stage parses the handler's `ts`.
        let scrape = try #require((promtail["scrape_configs"] as? [[String: Any]])?.first)
        let stages = try #require(scrape["pipeline_stages"] as? [[String: Any]])
        let json = try #require(stages.compactMap { $0["json"] as? [String: Any] }.first)
        let expressions = try #require(json["expressions"] as? [String: Any])
        let collector = CollectingWriter()
        Logger(label: "deploy.check") { JSONLogHandler(label: $0, service: "api", writer: collector.writer) }.info("hello")
        let line = try #require(try JSONSerialization.jsonObject(with: Data(collector.lines.first ?? [])) as? [String: Any])
        for (_, field) in expressions { #expect(line[field as? String ?? ""] != nil, "Promtail extracts \(field), which our log lines lack") }
        let timestamp = try #require(stages.compactMap { $0["timestamp"] as? [String: Any] }.first)
        #expect(timestamp["format"] as? String == "RFC3339Nano")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(formatter.date(from: line["ts"] as? String ?? "") != nil, "ts is not RFC 3339: \(line["ts"] ?? "")")

        // Compose mounts the files where the commands look for them.
        for (name, file) in [("loki", "configs/loki-config.yml"), ("promtail", "configs/promtail-config.yml")] {
            let service = try compose.service(name)
            let mount = try #require(service.bindMounts.first { $0.source == file }, "\(name) does not mount \(file)")
            #expect(service.command.contains("-config.file=\(mount.target)"))
        }
        #expect(try compose.service("promtail").definition["volumes"].map { "\($0)" }?.contains("/var/run/docker.sock") == true)
    }

    @Test("Grafana's data sources and dashboard provider point at compose services and mounted folders")
    func grafanaProvisioning() throws {
        let grafana = try compose.service("grafana")
        let datasources = try #require(try Repository.yaml("configs/grafana/provisioning/datasources/datasources.yml")["datasources"] as? [[String: Any]])
        for source in datasources {
            let url = try #require(URL(string: source["url"] as? String ?? ""))
            let service = try compose.service(url.host ?? "")
            #expect(service.listeningPorts.contains(url.port ?? -1), "\(source["name"] ?? "?"): \(url) is not a port \(service.name) listens on")
        }
        #expect(Set(datasources.compactMap { $0["uid"] as? String }) == ["prometheus", "loki"])
        let providers = try #require(try Repository.yaml("configs/grafana/provisioning/dashboards/dashboards.yml")["providers"] as? [[String: Any]])
        let path = try #require((providers.first?["options"] as? [String: Any])?["path"] as? String)
        #expect(grafana.bindMounts.contains { $0.source == "configs/grafana/dashboards" && $0.target == path })
        #expect(grafana.bindMounts.contains { $0.source == "configs/grafana/provisioning" && $0.target == "/etc/grafana/provisioning" })
    }

    static let dashboards = ["configs/grafana/dashboards/dataflow-job.json", "configs/grafana/dashboards/highlights-services.json"]

    @Test("the dashboards parse and their PromQL names only metrics the code exports", arguments: dashboards)
    func dashboardMetrics(path: String) throws {
        let dashboard = try Repository.json(path)
        #expect(dashboard["uid"] is String && dashboard["title"] is String)
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(panels.count >= 5)
        var metrics: Set<String> = []
        for panel in panels {
            for target in (panel["targets"] as? [[String: Any]]) ?? [] {
                let uid = (target["datasource"] as? [String: Any])?["uid"] as? String
                #expect(["prometheus", "loki"].contains(uid ?? ""), "\(panel["title"] ?? "?"): unknown data source \(uid ?? "nil")")
                guard uid == "prometheus", let expr = target["expr"] as? String else { continue }
                metrics.formUnion(PromQL.metricNames(in: expr))
            }
        }
        #expect(!metrics.isEmpty)
        let unknown = metrics.filter { !MetricCatalog.isExported($0) }
        #expect(unknown.isEmpty, "\(path) queries metrics no code exports: \(unknown.sorted())")
    }

    @Test("the metric-name check itself tells exported names from made-up ones")
    func metricCheckWorks() {
        #expect(PromQL.metricNames(in: #"sum by (task_name) (rate(flink_taskmanager_job_task_numRecordsIn{job_name=~"$job"}[$__rate_interval]))"#)
                == ["flink_taskmanager_job_task_numRecordsIn"])
        #expect(PromQL.metricNames(in: "time() * 1000 - min(a_b > 0) + max(c)") == ["a_b", "c"])
        #expect(MetricCatalog.isExported("flink_taskmanager_job_task_numRecordsIn"))
        #expect(MetricCatalog.isExported("flink_jobmanager_taskSlotsTotal"))
        #expect(!MetricCatalog.isExported("flink_taskmanager_job_task_numRecordsTeleported"))
        #expect(!MetricCatalog.isExported("made_up_metric_total"))
        #expect(MetricCatalog.isExported("flink_taskmanager_job_task_operator_broadcaster_id_anomalies_detected"))
        #expect(!MetricCatalog.isExported("flink_taskmanager_job_task_operator_broadcaster_id_anomalies_teleported"))
    }

    @Test("the Dockerfile copies files that exist, builds both executables and runs as a non-root user")
    func dockerfile() throws {
        let text = try Repository.text("docker/Dockerfile")
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for line in lines where line.hasPrefix("COPY ") && !line.contains("--from=") {
            let words = line.split(separator: " ").map(String.init).dropFirst()
            for source in words.dropLast() where !source.hasPrefix("--") {
                if source.contains("[") { continue }    // an optional file (glob), e.g. Package.resolve[d]
                #expect(Repository.exists(source), "Dockerfile copies \(source), which does not exist")
            }
        }
        #expect(text.contains("--product dataflow") && text.contains("--product highlights"))
        #expect(text.contains(".resources"), "the resource bundles (dashboard, clips page) must ship next to the binaries")
        for package in ["librdkafka1", "libpq5", "libhiredis0.14", "libcurl4", "libzstd1"] {
            #expect(text.contains(package), "the runtime image lacks \(package)")
        }
        for package in ["librdkafka-dev", "libpq-dev", "libhiredis-dev", "libcurl4-openssl-dev", "libzstd-dev"] {
            #expect(text.contains(package), "the builder lacks \(package)")
        }
        #expect(lines.contains { $0.hasPrefix("FROM debian:bookworm-slim") })
        #expect(lines.contains { $0.hasPrefix("USER ") && !$0.hasSuffix(" root") })
        // Each systemLibrary target's apt provider is in the builder.
        let manifest = try Repository.text("Package.swift")
        for match in manifest.matches(of: /\.apt\(\["([^"]+)"\]\)/) {
            #expect(text.contains(String(match.output.1)), "Package.swift needs \(match.output.1), the Dockerfile does not install it")
        }
        #expect(Repository.exists(".dockerignore"))
    }
}

/// A `LogLineWriter` that keeps lines in memory.
final class CollectingWriter: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [[UInt8]] = []
    var lines: [[UInt8]] { lock.withLock { stored } }
    var writer: LogLineWriter { LogLineWriter { line in self.lock.withLock { self.stored.append(line) } } }
}

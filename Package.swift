// swift-tools-version:6.0
import PackageDescription

// Dependencies run one way (DESIGN.md §3): Dataflow is the vocabulary and imports none of ours; Runtime and the
// connectors stand on Dataflow but not on each other; Jobs declares; only the executable assembles everything.
let package = Package(
    name: "highlights",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Dataflow", targets: ["Dataflow"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        .library(name: "FileConnector", targets: ["FileConnector"]),
        .library(name: "KafkaConnector", targets: ["KafkaConnector"]),
        .library(name: "PostgresConnector", targets: ["PostgresConnector"]),
        .library(name: "HTTPConnector", targets: ["HTTPConnector"]),
        .library(name: "RedisConnector", targets: ["RedisConnector"]),
        .library(name: "Twitch", targets: ["Twitch"]),
        // The fuzz targets' bodies, for the libFuzzer package under Fuzz/ (built apart, with sanitizers).
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
        .executable(name: "dataflow", targets: ["DataflowCLI"]),
        .executable(name: "highlights", targets: ["HighlightsCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // The five C libraries, each behind a module map and a shim header.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "Dataflow"),
        .target(name: "Runtime", dependencies: ["Dataflow", "CZstd"]),
        // A connector is a self-contained folder: its options, source, sink — and its tests, in Tests/.
        .target(name: "FileConnector", dependencies: ["Dataflow", "CZstd"], path: "Sources/Connectors/Files", exclude: ["Tests"]),
        .target(name: "KafkaConnector", dependencies: ["Dataflow", "CRdKafka"], path: "Sources/Connectors/Kafka", exclude: ["Tests", "README.md"]),
        .target(name: "PostgresConnector", dependencies: ["Dataflow", "CLibPQ"], path: "Sources/Connectors/Postgres", exclude: ["Tests", "README.md"]),
        .target(name: "HTTPConnector", dependencies: ["Dataflow", "CCurl"], path: "Sources/Connectors/HTTP", exclude: ["Tests", "README.md"]),
        .target(name: "RedisConnector", dependencies: ["Dataflow", "CHiredis"], path: "Sources/Connectors/Redis", exclude: ["Tests", "README.md"]),
        // Structured JSON logs and the Prometheus endpoint every Highlights process shares.
        .target(name: "Observability", dependencies: [
            "Dataflow",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Twitch's interfaces as a client sees them: OAuth, Helix, IRC chat. Stands on the HTTP connector.
        .target(name: "Twitch", dependencies: [
            "HTTPConnector",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // A faithful Twitch (OAuth, Helix, IRC) that plays a scenario: tests and the demo run against it.
        .target(name: "TwitchFake", dependencies: [
            "Twitch", "Observability",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ], exclude: ["README.md"]),
        .target(name: "Jobs", dependencies: ["Dataflow", "FileConnector", "KafkaConnector", "PostgresConnector", "Twitch",
                                             .product(name: "Metrics", package: "swift-metrics"),
                                             .product(name: "Logging", package: "swift-log")]),
        // The stream monitoring service: Twitch → Redis, Kafka, PostgreSQL.
        .target(name: "StreamMonitor", dependencies: [
            "Dataflow", "Jobs", "Twitch", "KafkaConnector", "PostgresConnector", "RedisConnector", "Observability",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], exclude: ["README.md"]),
        // The clips API and the viewers' web page.
        .target(name: "ClipsAPI", dependencies: [
            "Dataflow", "PostgresConnector", "Observability",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["README.md"], resources: [.copy("Static"), .copy("openapi.yaml")]),
        // JobManager, TaskManagers, the Flink-compatible REST API and dashboard, Prometheus metrics.
        .target(name: "Cluster", dependencies: [
            "Dataflow", "Runtime", "HTTPConnector", "Observability",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ], resources: [.copy("Dashboard")]),
        .executableTarget(name: "DataflowCLI", dependencies: [
            "Dataflow", "Runtime", "Jobs", "Cluster", "HTTPConnector", "Observability",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "HighlightsCLI", dependencies: [
            "Twitch", "TwitchFake", "StreamMonitor", "ClipsAPI", "Observability", "KafkaConnector", "PostgresConnector",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // One function per place where outside bytes become values; Tests/FuzzRegressionTests runs the corpus through them.
        .target(name: "FuzzTargets", dependencies: [
            "Dataflow", "Runtime", "Jobs", "KafkaConnector", "Twitch", "TwitchFake", "Cluster", "ClipsAPI",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
        ]),
        .testTarget(name: "DataflowTests", dependencies: ["Dataflow"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "TwitchTests", dependencies: ["Twitch", "TwitchFake", "HTTPConnector"]),
        .testTarget(name: "StreamMonitorTests", dependencies: [
            "StreamMonitor", "Twitch", "TwitchFake", "KafkaConnector", "PostgresConnector", "RedisConnector",
            "Dataflow", "Runtime", "Jobs", "HTTPConnector", "Cluster", .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus")]),
        .testTarget(name: "ClipsAPITests", dependencies: ["ClipsAPI", "PostgresConnector", "HTTPConnector"], exclude: ["Browser"]),
        // The README's demo, end to end (runs scripts/demo.sh with the built binaries).
        .testTarget(name: "DemoTests"),
        // Static checks of docker/ and configs/ against the code (no Docker engine runs here).
        .testTarget(name: "DeploymentTests", dependencies: ["Cluster", "Observability", "KafkaConnector", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "ObservabilityTests", dependencies: [
            "Observability",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "ClusterTests", dependencies: ["Dataflow", "Runtime", "Cluster", "Jobs", "HTTPConnector", "FileConnector", "KafkaConnector"],
                    exclude: ["flink-cli-check.sh"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Dataflow", "Runtime"]),
        .testTarget(name: "FileConnectorTests", dependencies: ["Dataflow", "Runtime", "FileConnector"], path: "Sources/Connectors/Files/Tests"),
        .testTarget(name: "JobsTests", dependencies: ["Dataflow", "Runtime", "Jobs", "FileConnector", "KafkaConnector", "PostgresConnector",
                                                      "Twitch", "TwitchFake", "Observability", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "KafkaConnectorTests", dependencies: ["Dataflow", "Runtime", "KafkaConnector"], path: "Sources/Connectors/Kafka/Tests"),
        .testTarget(name: "PostgresConnectorTests", dependencies: ["Dataflow", "Runtime", "PostgresConnector"], path: "Sources/Connectors/Postgres/Tests"),
        .testTarget(name: "HTTPConnectorTests", dependencies: ["Dataflow", "Runtime", "HTTPConnector"], path: "Sources/Connectors/HTTP/Tests", exclude: ["Fixtures"]),
        .testTarget(name: "RedisConnectorTests", dependencies: ["Dataflow", "Runtime", "RedisConnector"], path: "Sources/Connectors/Redis/Tests"),
    ]
)

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
        .executable(name: "dataflow", targets: ["DataflowCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "Dataflow"),
        .target(name: "Runtime", dependencies: ["Dataflow"]),
        .target(name: "FileConnector", dependencies: ["Dataflow", "CZstd"], path: "Sources/Connectors/Files"),
        .target(name: "Jobs", dependencies: ["Dataflow", "FileConnector"]),
        .executableTarget(name: "DataflowCLI", dependencies: [
            "Dataflow", "Runtime", "Jobs",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "DataflowTests", dependencies: ["Dataflow"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Dataflow", "Runtime"]),
        .testTarget(name: "FileConnectorTests", dependencies: ["Dataflow", "Runtime", "FileConnector"]),
        .testTarget(name: "JobsTests", dependencies: ["Dataflow", "Runtime", "Jobs", "FileConnector"]),
    ]
)

// swift-tools-version:6.0
import PackageDescription

// The libFuzzer executable, built apart from the main package (scripts/fuzz.sh: `--sanitize fuzzer --sanitize
// address` in .build-fuzz) so that the main build never sees sanitizer flags. One binary for every target: the
// target is chosen by FUZZ_TARGET; the bodies live in the main package's FuzzTargets library.
let package = Package(
    name: "highlights-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "highlights", path: "..")],
    targets: [
        // No main: libFuzzer's main drives LLVMFuzzerTestOneInput (hence -parse-as-library).
        .executableTarget(name: "FuzzMain", dependencies: [.product(name: "FuzzTargets", package: "highlights")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)

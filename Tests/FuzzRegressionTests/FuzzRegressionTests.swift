import Foundation
import FuzzTargets
import Testing

/// Every committed fuzz input — the corpus (`Fuzz/Corpus/<target>/`) and the crashers found so far
/// (`Fuzz/Regressions/<target>/`, each fixed) — through its target's function, as libFuzzer would run it: a trap
/// or a broken invariant fails (crashes) this test. Long fuzzing runs are `scripts/fuzz.sh`.
@Suite("Fuzz regression inputs")
struct FuzzRegressionTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ kind: String, _ target: String) -> [URL] {
        let dir = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0) }
    }

    @Test("every target has a seed corpus", arguments: FuzzTargets.names)
    func corpusPresent(_ target: String) {
        #expect(Self.inputs("Corpus", target).count >= 3, "Fuzz/Corpus/\(target) holds too few inputs")
    }

    @Test("the corpus and the crashers run through their target", arguments: FuzzTargets.names)
    func replay(_ target: String) throws {
        let run = try #require(FuzzTargets.named(target)).run
        let files = Self.inputs("Corpus", target) + Self.inputs("Regressions", target)
        for file in files {
            let data = try Data(contentsOf: file)
            data.withUnsafeBytes { run($0) }
        }
    }

    /// `FUZZ_WRITE_SEEDS=DIR swift test --filter writeSeeds` writes the generated seeds without the sanitizer build
    /// (`scripts/fuzz.sh --seed` does the same with it).
    @Test("write the generated seeds", .enabled(if: ProcessInfo.processInfo.environment["FUZZ_WRITE_SEEDS"] != nil))
    func writeSeeds() throws {
        try FuzzSeeds.write(into: try #require(ProcessInfo.processInfo.environment["FUZZ_WRITE_SEEDS"]))
    }

    @Test("a target directory under Fuzz/ names a target")
    func noStrayDirectories() {
        let known = Set(FuzzTargets.names)
        for kind in ["Corpus", "Regressions"] {
            let dirs = (try? FileManager.default.contentsOfDirectory(atPath: Self.fuzzDirectory.appendingPathComponent(kind).path)) ?? []
            for dir in dirs where !dir.hasPrefix(".") { #expect(known.contains(dir), "Fuzz/\(kind)/\(dir) is no target") }
        }
    }
}

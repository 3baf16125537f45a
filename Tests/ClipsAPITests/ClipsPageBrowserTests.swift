import ClipsAPI
import Foundation
import Testing

/// The viewers' page in headless Chromium: a Python selenium script (Browser/clips_page.py) drives the page served
/// by a real API over a real PostgreSQL; this side seeds the clips and inserts one while the page is open.
/// Screenshots: .build/artifacts/clips-page/.
@Suite(.serialized) struct ClipsPageBrowserTests {
    static let python = APITestEnvironment.repositoryRoot.appendingPathComponent(".local/venv-browser/bin/python").path
    static let script = APITestEnvironment.repositoryRoot.appendingPathComponent("Tests/ClipsAPITests/Browser/clips_page.py").path
    static let artifacts = APITestEnvironment.repositoryRoot.appendingPathComponent(".build/artifacts/clips-page").path

    static let titles = ["Unbelievable clutch in overtime", "Chat loses it over the boss fight", "That jump scare",
                         "Speedrun world record pace!", "The donation goal is met", "Pentakill", "Raid incoming",
                         "Wait, what just happened?"]

    @Test func pageRendersFiltersPagesAndShowsNewClipsLive() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            Issue.record("no selenium Python at \(Self.python): run scripts/install-browser.sh")
            return
        }
        let env = try APITestEnvironment()
        try env.insertStreamer(id: "1001", login: "pixelqueen", displayName: "PixelQueen")
        try env.insertStreamer(id: "2002", login: "speedy_runs", displayName: "Speedy_Runs")
        try env.insertStreamer(id: "3003", login: "cozycorner", displayName: "CozyCorner")
        try await env.withAPI { base in
            // 60 clips over the last two days, newest first by construction; every third thumbnail is unreachable.
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            var generator = SeededGenerator(seed: 7)
            var clips: [APITestEnvironment.SeedClip] = []
            for i in 0..<60 {
                let channel = ["1001", "2002", "3003"][i % 3 == 1 ? 1 : (i % 5 == 0 ? 2 : 0)]
                let login = ["1001": "pixelqueen", "2002": "speedy_runs", "3003": "cozycorner"][channel]!
                let baseline = (0..<(20 + i % 40)).map { _ in Int64.random(in: 3...9, using: &generator) }
                let peak = Int64.random(in: 25...90, using: &generator)
                clips.append(.init(broadcasterID: channel, login: login,
                                   createdAtMillis: now - 2 * 3_600_000 - Int64(i) * 45 * 60_000, messageCount: peak,
                                   chatCounts: baseline + [peak], title: Self.titles[i % Self.titles.count],
                                   thumbnailURL: i % 3 == 2 ? "http://127.0.0.1:9/missing-\(i).jpg" : "\(base)/static/favicon.svg"))
            }
            try env.insert(clips)
            let all = clips.map(\.anomalyID)
            let newClip = APITestEnvironment.SeedClip(broadcasterID: "2002", login: "speedy_runs", createdAtMillis: now - 90 * 60_000,
                                                      messageCount: 77, chatCounts: [4, 5, 6, 5, 4, 77], title: "Brand new highlight",
                                                      thumbnailURL: nil)
            let expected: [String: Any] = [
                "all": all, "page_size": 24,
                "channel": "2002", "channel_name": "Speedy_Runs", "channel_ids": clips.filter { $0.broadcasterID == "2002" }.map(\.anomalyID),
                "new_id": newClip.anomalyID,
                "chart_points": Dictionary(uniqueKeysWithValues: clips.map { ($0.anomalyID, $0.chatCounts.count) }),
                "first_title": clips[0].title!, "first_channel": ["1001": "PixelQueen", "2002": "Speedy_Runs", "3003": "CozyCorner"][clips[0].broadcasterID]!, "first_count": clips[0].messageCount,
            ]
            let handshake = FileManager.default.temporaryDirectory.appendingPathComponent("clips-page-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: handshake, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: handshake) }
            try? FileManager.default.removeItem(atPath: Self.artifacts)   // no stale screenshots from an earlier run
            try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)

            let json = String(decoding: try JSONSerialization.data(withJSONObject: expected), as: UTF8.self)
            let run = ScriptRun(executable: Self.python, arguments: [Self.script, base, Self.artifacts, handshake.path, json],
                                timeout: 240)
            // Insert the new clip once the page says it is watching.
            let inserter = Task {
                let marker = handshake.appendingPathComponent("ready-for-insert").path
                while !Task.isCancelled {
                    if FileManager.default.fileExists(atPath: marker) { try env.insert([newClip]); return }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { inserter.cancel() }
            let outcome = await run.result()
            let failure = (try? String(contentsOfFile: "\(Self.artifacts)/failure.txt", encoding: .utf8)) ?? ""
            #expect(outcome.status == 0, "browser check failed: \(failure)\n\(outcome.stderr)\n\(outcome.stdout)")
            #expect(outcome.stdout.contains("\"ok\": true"))
            for name in ["clips-desktop.png", "clips-filtered.png", "clips-live-insert.png", "clips-empty.png", "clips-phone.png"] {
                #expect(FileManager.default.fileExists(atPath: "\(Self.artifacts)/\(name)"), "screenshot \(name)")
            }
        }
    }
}

/// A child process awaited without blocking the cooperative pool; killed after `timeout` seconds.
struct ScriptRun: Sendable {
    let executable: String
    let arguments: [String]
    let timeout: Double

    func result() async -> (status: Int32, stdout: String, stderr: String) {
        await withCheckedContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("script-\(UUID().uuidString).out")
            let err = FileManager.default.temporaryDirectory.appendingPathComponent("script-\(UUID().uuidString).err")
            FileManager.default.createFile(atPath: out.path, contents: nil)
            FileManager.default.createFile(atPath: err.path, contents: nil)
            guard let outHandle = try? FileHandle(forWritingTo: out), let errHandle = try? FileHandle(forWritingTo: err) else {
                continuation.resume(returning: (-1, "", "cannot create output files")); return
            }
            process.standardOutput = outHandle
            process.standardError = errHandle
            process.terminationHandler = { p in
                try? outHandle.close(); try? errHandle.close()
                let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
                let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
                try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err)
                continuation.resume(returning: (p.terminationStatus, stdout, stderr))
            }
            do { try process.run() } catch {
                continuation.resume(returning: (-1, "", "cannot start \(executable): \(error)")); return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { process.terminate() } }
        }
    }
}

/// Repeatable random numbers for the seeded clips (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

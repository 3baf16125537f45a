import Foundation
import Testing

/// The README's first command, end to end: `scripts/demo.sh` starts the Twitch fake with the demo scenario, a Dataflow
/// cluster running the clip detector, the monitor and the clips API (on free ports, with the debug binaries), and
/// exits once the API lists two clips. The scenario's first bursts are pixelpioneer's (35 s) and speedrunsam's (55 s).
@Suite("The demo end to end: chat bursts become clips listed by the API")
struct DemoTests {
    @Test("scripts/demo.sh finds the first two bursts' clips through the API, for the right channels", .timeLimit(.minutes(6)))
    func demoFindsClips() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let dir = try [binaries, binaries.deletingLastPathComponent()].first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("highlights").path)
                && FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("dataflow").path)
        }.unwrap(or: "no highlights/dataflow binaries beside \(binaries.path): build with `swift build --build-tests`")
        let out = root.appendingPathComponent("out/test-artifacts/demo")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)

        var environment = ProcessInfo.processInfo.environment
        let names = ["TWITCH_FAKE_HTTP_PORT", "TWITCH_FAKE_IRC_PORT", "REST_PORT", "JOB_PROMETHEUS_PORT",
                     "MONITOR_PROMETHEUS_PORT", "HEALTH_CHECK_PORT", "HTTP_PORT"]
        for (name, port) in zip(names, try freePorts(names.count)) { environment[name] = String(port) }
        environment["DEMO_BIN"] = dir.path
        environment["DEMO_OUT"] = out.path
        environment["DEMO_EXIT_AFTER_CLIPS"] = "4"   // room for an early clip on a noisy baseline before the two asserted ones
        environment["DEMO_TIMEOUT"] = "150"

        let transcript = out.appendingPathComponent("demo.out")
        let status = try await run(root.appendingPathComponent("scripts/demo.sh").path, in: root, environment: environment, output: transcript)
        let text = (try? String(contentsOf: transcript, encoding: .utf8)) ?? ""
        #expect(status == 0, "demo.sh exited \(status):\n\(text.suffix(3000))")
        let clips = text.split(separator: "\n").filter { $0.contains("new clip") }
        #expect(clips.count >= 2, "\(text.suffix(2000))")
        #expect(clips.contains { $0.contains("pixelpioneer") }, "pixelpioneer's burst at 35 s makes a clip")
        #expect(clips.contains { $0.contains("speedrunsam") }, "speedrunsam's burst at 55 s makes a clip")
        #expect(!clips.contains { $0.contains("cozycassie") }, "the quiet channel gets no clip")
        #expect(text.contains("stopped; logs in"), "Ctrl-C/exit path stops every process")
        // How to rescale the running detector, with its job id filled in.
        #expect(text.range(of: #"dataflow modify [0-9a-f]{32} -p 3 -m 127\.0\.0\.1:[0-9]+"#, options: .regularExpression) != nil)
    }
}

/// Ports the kernel says are free now (bound to port 0, then released).
func freePorts(_ count: Int) throws -> [Int] {
    var sockets: [Int32] = [], ports: [Int] = []
    defer { sockets.forEach { close($0) } }
    for _ in 0..<count {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw DemoTestError("cannot find a free port") }
        sockets.append(fd)
        ports.append(Int(UInt16(bigEndian: address.sin_port)))
    }
    return ports
}

/// Runs a script with its output in a file (a pipe could be held open by a server it starts) and waits for it off the
/// cooperative pool.
func run(_ script: String, in directory: URL, environment: [String: String], output: URL) async throws -> Int32 {
    FileManager.default.createFile(atPath: output.path, contents: nil)
    let handle = try FileHandle(forWritingTo: output)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [script]
    process.currentDirectoryURL = directory
    process.environment = environment
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    return try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { p in
            try? handle.close()
            continuation.resume(returning: p.terminationStatus)
        }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
}

struct DemoTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Optional {
    func unwrap(or message: String) throws -> Wrapped {
        guard let value = self else { throw DemoTestError(message) }
        return value
    }
}

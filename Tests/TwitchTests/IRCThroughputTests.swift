import Foundation
import Synchronization
import Testing
import Twitch
@testable import TwitchFake

/// One client reading a channel at `rate: 100000`: nothing lost, nothing doubled, and the receive rate is printed.
/// `scripts/bench-irc.sh` runs this in a release build (three runs, median) for the throughput figure.
@Suite("IRC throughput", .serialized)
struct IRCThroughputTests {
    @Test func clientKeepsUpWithAMaxRateChannel() async throws {
        let scenario = IRCTestBed.scenario(seed: 3, rate: 100_000)
        let bed = try await IRCTestBed.start(scenario)
        let received = Atomic<Int>(0)
        let ids = Mutex(Set<String>())
        let duplicates = Atomic<Int>(0)
        let client = IRCChatClient(configuration: bed.clientConfiguration()) { batch in
            received.add(batch.count, ordering: .relaxed)
            ids.withLock { seen in
                for message in batch where !seen.insert(message.messageID).inserted { duplicates.add(1, ordering: .relaxed) }
            }
        }
        client.join("chan0")
        let task = Task { try await client.run() }
        #expect(await eventually { received.load(ordering: .relaxed) > 1_000 })
        let start = ContinuousClock.now, startCount = received.load(ordering: .relaxed)
        try await Task.sleep(for: .seconds(3))
        let elapsed = ContinuousClock.now - start
        let count = received.load(ordering: .relaxed) - startCount
        client.part("chan0")
        // Let everything in flight arrive (the PART and the last lines race on a loaded machine), then compare.
        let settled = await eventually(timeout: .seconds(30)) {
            let sent = bed.server.statistics.chatLinesSent
            return received.load(ordering: .relaxed) == sent
        }
        #expect(settled, "every line the fake wrote reaches the client")
        client.shutdown()
        _ = await task.result
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = Double(count) / seconds
        print("irc-throughput messages_per_second=\(Int(rate)) received=\(count) seconds=\(String(format: "%.2f", seconds))")
        let stats = bed.server.statistics
        #expect(duplicates.load(ordering: .relaxed) == 0)
        #expect(received.load(ordering: .relaxed) == stats.chatLinesSent, "fake sent \(stats.chatLinesSent), dropped \(stats.chatLinesDroppedForSlowReaders)")
        #expect(rate > 2_000)  // a debug build on a loaded machine; the release figure comes from the script
        await bed.stop()
    }
}

import Dataflow
import Foundation
import Synchronization
import Testing
@testable import Runtime

/// Two TaskManagers' data planes in one process, connected over loopback TCP.
private func connectedPair() throws -> (producer: NetworkEnvironment, consumer: NetworkEnvironment) {
    let a = try NetworkEnvironment(localID: "0000000000000000000000000000000a", host: "127.0.0.1")
    let b = try NetworkEnvironment(localID: "0000000000000000000000000000000b", host: "127.0.0.1")
    try a.connect(to: [b.address])   // the smaller id dials
    return (a, b)
}

/// Runs `body` on its own thread (it blocks on credits and gates), resolving with its result.
private func onThread<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<R, Error>) in
        Thread { do { c.resume(returning: try body()) } catch { c.resume(throwing: error) } }.start()
    }
}

/// What the consumer saw.
private struct Received: Sendable {
    var records: [String] = [], timestamps: [Int64] = [], watermarks: [Int64] = []
    var maxQueued = 0
    /// Where each watermark sits in the record stream (records before it).
    var watermarkPositions: [Int] = []
    var unexpected = 0
}

@Suite("Network channels between TaskManagers: credit-based flow control and the wire encoding")
struct NetworkChannelTests {
    @Test("a slow consumer: the sender stops at zero credit, memory stays bounded, order, watermarks and end arrive intact")
    func creditBackpressure() async throws {
        let (a, b) = try connectedPair()
        defer { a.shutdown(); b.shutdown() }
        let credits = 2
        let key = ChannelKey(jobID: .random(), attempt: 0, edge: 0, producer: 0, consumer: 0)
        // The consumer side: a gate with one network channel and room for exactly its credits.
        let gate = InputGate<String>(channelCount: 1, capacity: 1, networkReserve: credits)
        let codec = try #require(WireCodec<String>())
        let failures = Atomic<Int>(0)
        gate.setOnTaken(channel: 0) { [weak b] in b?.announceCredit(key, 1, to: a.localID) }
        b.registerInbound(key, InboundChannel(peer: a.localID, deliver: { r in
            gate.putCredited(try BatchEncoding.decode(channel: 0, codec: codec, from: &r))
        }, fail: { _ in failures.add(1, ordering: .relaxed) }), initialCredits: credits)

        // The producer side: batches of 10 records, a watermark after every batch, then the end of the partition.
        let sent = Atomic<Int>(0)
        let batches = 50
        let sender = RemoteChannelSender(network: a, key: key, peer: b.localID, codec: codec, isCancelled: { false })
        let producing = Task {
            try await onThread {
                let writer = ChannelWriter(gate: sender, channel: 0, bufferSize: 10)
                for i in 0..<(batches * 10) {
                    try writer.record("r\(i)-é", Int64(i))
                    if i % 10 == 9 { try writer.watermark(Int64(i)); sent.add(1, ordering: .relaxed) }
                }
                try writer.end()
            }
        }
        // Nobody takes: the producer must stall with the credits used up and the gate holding no more than them.
        let deadline = Date().addingTimeInterval(20)
        while gate.queuedBatches < credits && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(gate.queuedBatches == credits, "the gate holds exactly the credited batches")
        #expect(sent.load(ordering: .relaxed) <= credits + 1, "the sender waits at zero credit (sent \(sent.load(ordering: .relaxed)))")
        #expect(b.availableCredit(key) == 0 && a.availableCredit(key) == 0)

        // Now consume everything, slowly at first: order preserved, every watermark in line, end last.
        let got = try await onThread { () throws -> Received in
            var r = Received()
            var ended = false
            while !ended {
                r.maxQueued = max(r.maxQueued, gate.queuedBatches)
                guard let batch = try gate.take(until: Date().addingTimeInterval(10)) else { throw NetworkError("no batch within 10 s") }
                let before = r.records.count
                r.records += batch.values
                r.timestamps += batch.timestamps
                for mark in batch.controls {
                    switch mark.kind {
                    case .watermark:
                        r.watermarkPositions.append(before + mark.position)
                        r.watermarks.append(mark.watermark)
                    case .end: ended = true
                    default: r.unexpected += 1
                    }
                }
            }
            return r
        }
        try await producing.value
        let expectedRecords: [String] = (0..<(batches * 10)).map { "r\($0)-é" }
        let expectedTimestamps: [Int64] = (0..<Int64(batches * 10)).map { $0 }
        let expectedWatermarks: [Int64] = (0..<batches).map { Int64($0 * 10 + 9) }
        #expect(got.records == expectedRecords)
        #expect(got.timestamps == expectedTimestamps)
        #expect(got.watermarks == expectedWatermarks)
        #expect(got.watermarkPositions == (1...batches).map { $0 * 10 }, "each watermark right after the records it follows")
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(got.unexpected == 0)
        #expect(got.maxQueued <= credits, "memory bounded by the credits")
        #expect(b.staleFrames.load(ordering: .relaxed) == 0)
    }

    @Test("a sender waiting for credit stops when its job is cancelled")
    func cancelWhileBlocked() async throws {
        let (a, b) = try connectedPair()
        defer { a.shutdown(); b.shutdown() }
        let key = ChannelKey(jobID: .random(), attempt: 1, edge: 2, producer: 3, consumer: 4)
        let cancelled = Atomic<Bool>(false)
        let sender = RemoteChannelSender(network: a, key: key, peer: b.localID, codec: WireCodec<Int>()!,
                                         isCancelled: { cancelled.load(ordering: .relaxed) })
        let blocked = Task {
            try await onThread { try sender.put(ChannelBatch(channel: 0, values: [1], timestamps: [1], controls: [])) }
        }
        try await Task.sleep(for: .milliseconds(200))
        cancelled.store(true, ordering: .relaxed)
        await #expect(throws: CancelledError.self) { try await blocked.value }
    }

    @Test("a lost peer fails the sender with a clear error instead of hanging")
    func lostPeer() async throws {
        let (a, b) = try connectedPair()
        defer { a.shutdown() }
        let key = ChannelKey(jobID: .random(), attempt: 0, edge: 0, producer: 0, consumer: 0)
        let sender = RemoteChannelSender(network: a, key: key, peer: b.localID, codec: WireCodec<Int>()!, isCancelled: { false })
        let blocked = Task { try await onThread { try sender.put(ChannelBatch(channel: 0, values: [1], timestamps: [1], controls: [])) } }
        try await Task.sleep(for: .milliseconds(100))
        b.shutdown()
        do {
            try await blocked.value
            Issue.record("the send should fail")
        } catch {
            #expect("\(error)".contains("lost"), "\(error)")
        }
    }

    @Test("wire encoding round trips: keyed window results, dead letters, batches with controls; truncation is an error")
    func wireRoundTrip() throws {
        let keyed = Keyed(key: "ch-é🎉", value: WindowResult(key: "ch-é🎉", window: TimeWindow(start: -5, end: 1_700_000_000_000), value: Int.max))
        var w = WireWriter()
        keyed.encode(to: &w)
        DeadLetter(origin: "f.jsonl", position: 7, reason: "bad", raw: String(repeating: "x", count: 2000)).encode(to: &w)
        var r = WireReader(w.bytes)
        let back = try Keyed<String, WindowResult<String, Int>>.decode(from: &r)
        #expect(back == keyed)
        let dead = try DeadLetter.decode(from: &r)
        #expect(dead.position == 7 && dead.raw.count == 1025)
        #expect(r.remaining == 0)
        var truncated = WireReader(Array(w.bytes.prefix(w.bytes.count - 3)))
        _ = try Keyed<String, WindowResult<String, Int>>.decode(from: &truncated)
        #expect(throws: WireError.self) { try DeadLetter.decode(from: &truncated) }

        let codec = try #require(WireCodec<Keyed<String, Int>>())
        let batch = ChannelBatch(channel: 3, values: [Keyed(key: "a", value: 1), Keyed(key: "b", value: 2)], timestamps: [10, 20],
                                 controls: [ControlMark(position: 1, kind: .watermark, watermark: 15), ControlMark(position: 2, kind: .end, watermark: 0)])
        var bw = WireWriter()
        BatchEncoding.encode(batch, codec: codec, into: &bw)
        var br = WireReader(bw.bytes)
        let decoded = try BatchEncoding.decode(channel: 3, codec: codec, from: &br)
        #expect(decoded.values == batch.values && decoded.timestamps == batch.timestamps)
        #expect(decoded.controls.map { "\($0.position)/\($0.kind)/\($0.watermark)" } == ["1/watermark/15", "2/end/0"])
        #expect(WireCodec<Ev>() == nil, "a type without WireCodable has no codec")
    }

    /// Found while writing the data-frame fuzz target (its first crasher): counts and positions are varints up to 2^64 - 1, and converting one above
    /// Int.max to Int trapped — a peer's bad frame took the TaskManager down instead of failing the channel.
    @Test("a batch claiming more records or a later control position than Int holds is an error, not a trap")
    func hugeVarintsInABatch() throws {
        let codec = try #require(WireCodec<String>())
        let huge: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]   // 2^63
        var records = WireReader(huge)
        #expect(throws: WireError.self) { try BatchEncoding.decode(channel: 0, codec: codec, from: &records) }
        // No records, one control element at position 2^63.
        var control = WireReader([0, 1] + huge + [0] + [UInt8](repeating: 0, count: 8))
        #expect(throws: WireError.self) { try BatchEncoding.decode(channel: 0, codec: codec, from: &control) }
        var controls = WireReader([0] + huge)
        #expect(throws: WireError.self) { try BatchEncoding.decode(channel: 0, codec: codec, from: &controls) }
    }

    @Test("a channel key whose consumer index does not fit 16 bits is a wire error, not a trap")
    func consumerAboveUInt16() throws {
        var w = WireWriter()
        ChannelKey(jobID: .random(), attempt: 1, edge: 2, producer: 3, consumer: 4).encode(to: &w)
        var bytes = w.bytes
        for i in bytes.count - 4 ..< bytes.count { bytes[i] = 0xff }   // the consumer's 32 bits
        var r = WireReader(bytes)
        #expect(throws: WireError.self) { try ChannelKey.decode(from: &r) }
    }
}

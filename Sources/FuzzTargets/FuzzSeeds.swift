import ClipsAPI
import Cluster
import Dataflow
import Foundation
import Jobs
import Runtime

/// Seed inputs that exist only in binary or generated form (data-plane frames, RPC frames, savepoints, clip
/// cursors), written the way the running system writes them. `scripts/fuzz.sh --seed` calls this once; the
/// result, minimized, is what Fuzz/Corpus holds. Text seeds (chat lines, IRC lines, YAML) are copied from files.
public enum FuzzSeeds {
    public static func write(into root: String) throws {
        for (target, seeds) in [("data-frame", dataFrames()), ("rpc-message", try rpcMessages()),
                                ("savepoint", try savepoints()), ("clips-query", clipQueries())] {
            let dir = (root as NSString).appendingPathComponent(target)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (index, seed) in seeds.enumerated() {
                try Data(seed).write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("seed-\(index)")))
            }
        }
    }

    static let chat = ChatMessage(broadcasterID: "1001", broadcasterLogin: "streamer", userID: "77", userLogin: "viewer",
                                  text: "PogChamp \u{1F600}", ts: 1_700_000_000_123, messageID: "m-1")

    /// `[length][kind][payload]` frames as `FramedSocket.send` writes them, payloads as the network layer encodes them.
    static func dataFrames() -> [[UInt8]] {
        func frame(_ kind: UInt8, _ payload: [UInt8]) -> [UInt8] {
            var w = WireWriter()
            w.write(UInt32(payload.count + 1))
            return w.bytes + [kind] + payload
        }
        func data(edge: Int, records: Int, _ encode: (inout WireWriter) -> Void) -> [UInt8] {
            var w = WireWriter()
            let key = ChannelKey(jobID: JobID(raw: HexID(upper: 0x1234, lower: 0x5678)), attempt: 1, edge: edge, producer: 0, consumer: 1)
            w.write(key.jobID.raw.upper); w.write(key.jobID.raw.lower); w.write(key.attempt)
            w.write(UInt32(key.edge) << 16 | UInt32(key.producer)); w.write(UInt32(key.consumer))
            w.writeVarint(UInt64(records))
            for i in 0..<records { w.write(Int64(1_700_000_000_000 + i)) }
            encode(&w)
            // One watermark after the records, then end of partition (ControlMark kinds 0 and 3).
            w.writeVarint(2)
            w.writeVarint(UInt64(records)); w.write(UInt8(0)); w.write(Int64(1_700_000_000_000))
            w.writeVarint(UInt64(records)); w.write(UInt8(3)); w.write(Int64.max)
            return w.bytes
        }
        var credit = WireWriter()
        credit.write(UInt64(0x1234)); credit.write(UInt64(0x5678)); credit.write(UInt32(1)); credit.write(UInt32(3)); credit.write(UInt32(1))
        credit.write(UInt32(4))
        let strings = data(edge: 0, records: 2) { w in w.write("a"); w.write("bc") }
        let chats = data(edge: 1, records: 1) { w in chat.encode(to: &w) }
        let windows = data(edge: 2, records: 1) { w in
            WindowResult(key: "1001", window: TimeWindow(start: 0, end: 5000), value: 42).encode(to: &w)
        }
        let keyed = data(edge: 3, records: 1) { w in Keyed(key: "1001", value: chat).encode(to: &w) }
        return [frame(2, strings), frame(2, chats), frame(2, windows), frame(2, keyed), frame(3, credit.bytes),
                frame(3, credit.bytes) + frame(2, strings)]
    }

    static func rpcMessages() throws -> [[UInt8]] {
        let id = HexID(upper: 0xabcdef, lower: 0x123456).description
        let texts = [
            #"{"register":{"_0":{"id":"\#(id)","host":"127.0.0.1","dataPort":40000,"slots":4,"cpuCores":2,"physicalMemory":8000000000}}}"#,
            #"{"heartbeat":{"timestamp":1700000000000,"process":{"residentBytes":1,"virtualBytes":2,"threads":3,"openFileDescriptors":4,"maxFileDescriptors":5,"cpuTimeNanos":6,"cpuLoad":0.5,"cpuCores":2,"physicalMemory":7,"availableMemory":8}}}"#,
        ]
        var seeds = texts.map { Array($0.utf8) }
        seeds.append(try ControlMessage.registered(jobManager: "127.0.0.1").frame())
        seeds.append(try ControlMessage.cancel(jobID: JobID(raw: HexID(upper: 1, lower: 2)), attempt: 3).frame())
        seeds.append(try ControlMessage.stop(jobID: JobID(raw: HexID(upper: 1, lower: 2)), attempt: 3, mode: .suspend).frame())
        for seed in seeds where (try? ControlMessage.parse(seed)) == nil {
            fatalError("RPC seed does not parse: \(String(decoding: seed, as: UTF8.self))")
        }
        return seeds
    }

    /// Savepoints of the fuzz job (`SavepointFuzz.graph`) as a stop would write them: keyed window state, a
    /// source position, watermarks.
    static func savepoints() throws -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for parallelism in [1, 2] {
            let graph = SavepointFuzz.graph(parallelism: parallelism)
            var states: [SubtaskState] = []
            for node in graph.stream.nodes {
                for subtask in 0..<graph.parallelism[node.id] {
                    var snapshot = OperatorSnapshot(watermark: 1_700_000_000_000)
                    if node.name == "rate" {
                        snapshot.keyed = [KeyedStateEntry(keyGroup: 5 + subtask * 64, key: Data("k\(subtask)".utf8),
                                                          values: ["window-contents": Data(#"{"w":[0,1000],"n":3}"#.utf8)])]
                    } else if node.name == "src" {
                        snapshot.list = [Data(#"{"split":0,"offset":17}"#.utf8)]
                    }
                    states.append(SubtaskState(stage: node.name, subtask: subtask, state: snapshot))
                }
            }
            let savepoint = try Savepoint(jobID: JobID(raw: HexID(upper: 9, lower: 9)), graph: graph, states: states, createdAt: 1_700_000_000_000)
            seeds.append(Array(try savepoint.encoded()))
            seeds.append(Array(try JSONEncoder().encode(savepoint)))
        }
        return seeds
    }

    static func clipQueries() -> [[UInt8]] {
        let cursor = ClipCursor(createdAt: "2024-05-01 12:34:56.789123+00", anomalyID: AnomalyID("a-1")).encoded
        return [
            "start=2024-05-01T00:00:00Z&end=2024-05-02T00:00:00Z&limit=50",
            "channel=streamer&status=all",
            "channel=1001&cursor=\(cursor)",
            "start=2024-05-01T12:00:00.123456+02:00&limit=1",
            "start=2024-05-01%2012:00:00-0130&status=failed",
            "end=2024-02-29&limit=100&x=1",
        ].map { Array($0.utf8) }
    }
}

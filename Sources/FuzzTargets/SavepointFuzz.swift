import Dataflow
import Foundation
import Runtime

/// Savepoint files (`_metadata`: zstd-compressed JSON, or the JSON alone): decoded as `Savepoint.read` does, checked against a job as
/// a restore does, and when accepted, split into every subtask's share at parallelism 1 to 4 (key groups moved).
public enum SavepointFuzz: FuzzTarget {
    public static let name = "savepoint"

    /// A keyed job with the stage names the seed savepoints use.
    static func graph(parallelism: Int) -> JobGraph {
        do {
            let job = try Job("fuzz") {
                Source("src", CollectionSource<String>([]))
                KeyBy(\String.self).window("rate", .tumbling(size: .seconds(1)), aggregate: Count())
                Sink("out", CollectingSink<WindowResult<String, Int>>())
            }
            return try JobGraph(job: job, configuration: DataflowConfiguration(), parallelism: parallelism)
        } catch {
            fatalError("the savepoint fuzz job does not build: \(error)")
        }
    }
    private static let graphs = (1...4).map { graph(parallelism: $0) }

    public static func run(_ data: UnsafeRawBufferPointer) {
        // A zstd frame is a whole file; anything else is taken as the JSON inside one, so that mutations reach the
        // JSON decoder and the restore logic rather than dying in zstd's checksum.
        let isZstd = data.count >= 4 && data[0] == 0x28 && data[1] == 0xB5 && data[2] == 0x2F && data[3] == 0xFD
        guard let savepoint = try? (isZstd ? Savepoint.decode(Data(data)) : Savepoint.decode(json: Data(data))) else { return }
        for (index, graph) in graphs.enumerated() {
            guard (try? savepoint.validate(against: graph, allowNonRestoredState: true)) != nil else { continue }
            let parallelism = index + 1
            for stage in graph.stream.nodes.map(\.name) {
                for subtask in 0..<parallelism { _ = savepoint.state(of: stage, subtask: subtask, parallelism: parallelism) }
            }
        }
    }
}

import CZstd
import Dataflow
import Foundation

/// One subtask's state of one stage, as a stopping job reports it.
public struct SubtaskState: Codable, Sendable, Equatable {
    public let stage: String
    public let subtask: Int
    public let state: OperatorSnapshot

    public init(stage: String, subtask: Int, state: OperatorSnapshot) {
        self.stage = stage; self.subtask = subtask; self.state = state
    }
}

/// A savepoint: every stage's state by its stable name, per old subtask. Written as zstd-compressed JSON in
/// `<dir>/savepoint-<job>-<random>/_metadata` (Flink's layout); read back at any parallelism up to the max
/// parallelism, since keyed state moves in key groups.
public struct Savepoint: Codable, Sendable, Equatable {
    public static let formatVersion = 1
    public static let metadataFile = "_metadata"

    public var version: Int
    public var jobID: String
    public var jobName: String
    public var maxParallelism: Int
    /// Epoch milliseconds.
    public var createdAt: Int64
    public var stages: [String: StageState]

    public struct StageState: Codable, Sendable, Equatable {
        public var parallelism: Int
        /// Indexed by the old subtask.
        public var subtasks: [OperatorSnapshot]
    }

    /// Assembles the reports of every subtask of `graph`; fails when one is missing (a share of the job that did
    /// not report).
    public init(jobID: JobID, graph: JobGraph, states: [SubtaskState], createdAt: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) throws {
        version = Self.formatVersion
        self.jobID = jobID.description
        jobName = graph.jobName
        maxParallelism = graph.maxParallelism
        self.createdAt = createdAt
        var byStage: [String: [Int: OperatorSnapshot]] = [:]
        for s in states { byStage[s.stage, default: [:]][s.subtask] = s.state }
        stages = [:]
        for node in graph.stream.nodes {
            let p = graph.parallelism[node.id]
            let got = byStage[node.name] ?? [:]
            let missing = (0..<p).filter { got[$0] == nil }
            guard missing.isEmpty else {
                throw StateSnapshotError("the savepoint has no state from subtask(s) \(missing.map { "\($0 + 1)" }.joined(separator: ", "))/\(p) of '\(node.name)'")
            }
            stages[node.name] = StageState(parallelism: p, subtasks: (0..<p).map { got[$0]! })
        }
    }

    /// Refuses a savepoint that cannot be mapped onto `graph`: another max parallelism (key groups would not line
    /// up), or state for a stage the job no longer has (unless `allowNonRestoredState`, Flink's `-n`).
    public func validate(against graph: JobGraph, allowNonRestoredState: Bool) throws {
        guard version == Self.formatVersion else {
            throw StateSnapshotError("savepoint format version \(version) is not supported (this build reads \(Self.formatVersion))")
        }
        let names = Set(graph.stream.nodes.map(\.name))
        let orphans = stages.filter { !names.contains($0.key) && $0.value.subtasks.contains { !$0.isEmpty } }.keys.sorted()
        if !orphans.isEmpty && !allowNonRestoredState {
            throw StateSnapshotError("the savepoint has state for \(orphans.map { "'\($0)'" }.joined(separator: ", ")), which job "
                + "'\(graph.jobName)' does not have; allow non-restored state (-n / allowNonRestoredState) to skip it")
        }
        let keyed = stages.contains { names.contains($0.key) && $0.value.subtasks.contains { !$0.keyed.isEmpty } }
        if keyed && maxParallelism != graph.maxParallelism {
            throw StateSnapshotError("the savepoint's max parallelism is \(maxParallelism) but the job's is \(graph.maxParallelism): "
                + "keyed state cannot be redistributed across a different number of key groups")
        }
        for node in graph.stream.nodes where graph.parallelism[node.id] > maxParallelism {
            throw StateSnapshotError("'\(node.name)' cannot run at parallelism \(graph.parallelism[node.id]) above the max parallelism \(maxParallelism)")
        }
    }

    /// Subtask `subtask` of `parallelism`'s share of a stage's state: the key groups it owns now, its round-robin
    /// part of list state, all of union state, the lowest old watermark. Nil when the savepoint has nothing.
    public func state(of stage: String, subtask: Int, parallelism: Int) -> OperatorSnapshot? {
        guard let old = stages[stage], old.subtasks.contains(where: { !$0.isEmpty }) else { return nil }
        var out = OperatorSnapshot()
        var listIndex = 0
        for s in old.subtasks {
            for e in s.keyed where KeyGroups.operatorIndex(keyGroup: e.keyGroup, parallelism: parallelism, maxParallelism: maxParallelism) == subtask {
                out.keyed.append(e)
            }
            for item in s.list {
                if listIndex % parallelism == subtask { out.list.append(item) }
                listIndex += 1
            }
            out.union += s.union
            if let wm = s.watermark { out.watermark = min(out.watermark ?? wm, wm) }
        }
        return out
    }

    // MARK: Files

    /// Writes `<directory>/savepoint-<job id prefix>-<random>/_metadata`; returns the savepoint's directory.
    public func write(into directory: String) throws -> String {
        let dir = (directory as NSString).expandingTildeInPath
        let name = "savepoint-\(jobID.prefix(6))-\(JobID.random().description.prefix(12))"
        let path = (dir as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let compressed = try encoded()
        let file = (path as NSString).appendingPathComponent(Self.metadataFile)
        let tmp = file + ".inprogress"
        try compressed.write(to: URL(fileURLWithPath: tmp))
        guard rename(tmp, file) == 0 else { throw StateSnapshotError("cannot write \(file): \(String(cString: strerror(errno)))") }
        return path
    }

    /// The local path of a location as Flink prints it (`file:/dir`, `file:///dir`) or as a plain path.
    public static func path(of location: String) -> String {
        let path = location.hasPrefix("file://") ? String(location.dropFirst(7))
            : location.hasPrefix("file:") ? String(location.dropFirst(5)) : location
        return (path as NSString).expandingTildeInPath
    }

    /// Reads a savepoint from its directory or its `_metadata` file (a `file:` URI as Flink prints it works too).
    public static func read(_ location: String) throws -> Savepoint {
        var path = Self.path(of: location)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw StateSnapshotError("no savepoint at \(location)")
        }
        if isDir.boolValue { path = (path as NSString).appendingPathComponent(metadataFile) }
        guard let data = FileManager.default.contents(atPath: path) else { throw StateSnapshotError("cannot read \(path)") }
        do {
            return try decode(data)
        } catch {
            throw StateSnapshotError("\(path) is not a savepoint: \(error)")
        }
    }

    /// A `_metadata` file's bytes (zstd-compressed JSON) as a savepoint.
    public static func decode(_ data: Data) throws -> Savepoint { try decode(json: try Zstd.decompress(data)) }

    /// The JSON inside a `_metadata` file.
    public static func decode(json: Data) throws -> Savepoint { try JSONDecoder().decode(Savepoint.self, from: json) }

    /// The bytes `write(into:)` puts in `_metadata`.
    public func encoded() throws -> Data { try Zstd.compress(try JSONEncoder().encode(self)) }
}

/// A savepoint to start a job from.
public struct SavepointRestore: Sendable {
    public let savepoint: Savepoint
    /// Skip state of stages the job no longer has (Flink's `--allowNonRestoredState`).
    public let allowNonRestoredState: Bool

    public init(savepoint: Savepoint, allowNonRestoredState: Bool = false) {
        self.savepoint = savepoint
        self.allowNonRestoredState = allowNonRestoredState
    }
}

/// One-shot zstd frames for savepoint files.
enum Zstd {
    static func compress(_ data: Data, level: Int32 = 3) throws -> Data {
        let bound = ZSTD_compressBound(data.count)
        var out = Data(count: bound)
        let n = out.withUnsafeMutableBytes { dst in
            data.withUnsafeBytes { src in ZSTD_compress(dst.baseAddress, bound, src.baseAddress, data.count, level) }
        }
        if ZSTD_isError(n) != 0 { throw StateSnapshotError("zstd: \(String(cString: ZSTD_getErrorName(n)))") }
        out.count = n
        return out
    }

    static func decompress(_ data: Data) throws -> Data {
        let size = data.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, data.count) }
        // ZSTD_CONTENTSIZE_UNKNOWN / _ERROR are the two highest values.
        guard size < UInt64.max - 1, size < 1 << 34 else { throw StateSnapshotError("not a zstd frame with a known size") }
        var out = Data(count: Int(size))
        let n = out.withUnsafeMutableBytes { dst in
            data.withUnsafeBytes { src in ZSTD_decompress(dst.baseAddress, Int(size), src.baseAddress, data.count) }
        }
        if ZSTD_isError(n) != 0 { throw StateSnapshotError("zstd: \(String(cString: ZSTD_getErrorName(n)))") }
        out.count = n
        return out
    }
}

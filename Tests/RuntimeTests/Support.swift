import Dataflow
@testable import Runtime

/// A chat-like event for operator tests.
struct Ev: Sendable, Equatable {
    var key: String
    var ts: Int64
    var n: Int = 1
}

/// (key, start, end, value) of window results, sorted — the order across keys is not part of the contract.
func rows<V: Comparable>(_ results: [WindowResult<String, V>]) -> [String] {
    results.map { "\($0.key) \($0.window.start) \($0.window.end) \($0.value)" }.sorted()
}

/// A brute-force model of Flink's event-time sliding windows with per-window lateness (DESIGN.md §8), written
/// independently of the operator: the oracle for randomized tests.
struct SlidingWindowModel {
    let size: Int64, slide: Int64
    var watermark = Int64.min
    var counts: [String: Int] = [:]          // "key|start" → count
    var fired: Set<String> = []
    var late = 0
    var output: [String] = []

    mutating func record(_ key: String, _ ts: Int64) {
        var added = false
        // Every window [s, s+size) with s a multiple of slide containing ts.
        var s = ts - ((ts % slide) + slide) % slide
        while s > ts - size {
            if s + size - 1 > watermark { counts["\(key)|\(s)", default: 0] += 1; added = true }
            s -= slide
        }
        if !added { late += 1 }
    }

    mutating func advance(to wm: Int64) {
        guard wm > watermark else { return }
        watermark = wm
        for (id, c) in counts where !fired.contains(id) {
            let parts = id.split(separator: "|")
            let start = Int64(parts[1])!
            if start + size - 1 <= wm {
                fired.insert(id)
                output.append("\(parts[0]) \(start) \(start + size) \(c)")
            }
        }
    }
}

/// Resident set size of this process, in bytes (Linux).
func residentBytes() -> Int {
    guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = s.split(separator: " ")
    return (Int(fields[1]) ?? 0) * 4096
}

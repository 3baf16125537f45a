import Foundation
import Synchronization

/// The last known state of each dependency, reported by the parts that use them and by the health probe;
/// `/health` shows it.
public final class DependencyHealth: Sendable {
    public enum Dependency: String, CaseIterable, Sendable, Hashable {
        case postgres, redis, kafka, twitch
    }

    public struct State: Sendable, Equatable {
        /// nil: not checked yet.
        public var up: Bool?
        public var detail: String
        /// Epoch ms of the last report.
        public var checkedAt: Int64?
    }

    private let states = Mutex<[Dependency: State]>(
        Dictionary(uniqueKeysWithValues: Dependency.allCases.map { ($0, State(up: nil, detail: "not checked yet", checkedAt: nil)) }))
    private let onChange: @Sendable (Dependency, Bool) -> Void

    public init(onChange: @escaping @Sendable (Dependency, Bool) -> Void = { _, _ in }) { self.onChange = onChange }

    public func report(_ dependency: Dependency, up: Bool, detail: String) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        states.withLock { $0[dependency] = State(up: up, detail: detail, checkedAt: now) }
        onChange(dependency, up)
    }

    public func state(_ dependency: Dependency) -> State { states.withLock { $0[dependency]! } }

    /// Every dependency checked and up.
    public var isHealthy: Bool { states.withLock { $0.values.allSatisfy { $0.up == true } } }

    /// `{"status":"ok"|"degraded","dependencies":{"postgres":{"status":"up","detail":…,"checked_at":…},…}}`
    public func json() -> String {
        let snapshot = states.withLock { $0 }
        var out = "{\"status\":\"\(snapshot.values.allSatisfy { $0.up == true } ? "ok" : "degraded")\",\"dependencies\":{"
        out += Dependency.allCases.map { d in
            let s = snapshot[d]!
            let status = s.up.map { $0 ? "up" : "down" } ?? "unknown"
            let checked = s.checkedAt.map { "\"\(RFC3339.format(epochMillis: $0))\"" } ?? "null"
            return "\"\(d.rawValue)\":{\"status\":\"\(status)\",\"detail\":\(JSONText.quote(s.detail)),\"checked_at\":\(checked)}"
        }.joined(separator: ",")
        return out + "}}"
    }
}

enum JSONText {
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

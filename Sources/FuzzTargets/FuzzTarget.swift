/// A fuzz target: one place where bytes from outside become values. `run` must return for every input; a trap,
/// a sanitizer report or a broken invariant (`fuzzCheck`) is a finding.
public protocol FuzzTarget {
    /// The name of its corpus directory (`Fuzz/Corpus/<name>`) and of `scripts/fuzz.sh TARGET`.
    static var name: String { get }
    static func run(_ data: UnsafeRawBufferPointer)
}

public enum FuzzTargets {
    public static let all: [any FuzzTarget.Type] = [
        ChatJSONFuzz.self, KafkaPayloadFuzz.self, IRCLineFuzz.self, IRCStreamFuzz.self, DataFrameFuzz.self,
        RPCMessageFuzz.self, SavepointFuzz.self, ScenarioYAMLFuzz.self, ConfigYAMLFuzz.self, RESTRequestFuzz.self,
        ClipsQueryFuzz.self,
    ]

    /// (A closure, not `\.name`: a key path on the existential metatype crashes Swift 6.3's SILGen.)
    public static let names: [String] = all.map { $0.name }

    public static func named(_ name: String) -> (any FuzzTarget.Type)? { all.first { $0.name == name } }
}

/// An invariant the code under test promises (a round trip, a bound): breaking it is a finding like a crash.
@inline(__always)
func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("fuzz invariant broken: \(message())", file: file, line: line) }
}

extension UnsafeRawBufferPointer {
    /// The input as text the way a reader of files or sockets sees it (invalid UTF-8 repaired).
    var text: String { String(decoding: self, as: UTF8.self) }

    /// The input cut at its first `separator` bytes: lets one input drive two parameters (e.g. query and body).
    func split(_ separator: UInt8, maxParts: Int) -> [UnsafeRawBufferPointer] {
        var parts: [UnsafeRawBufferPointer] = []
        var start = 0
        for i in 0..<count where self[i] == separator && parts.count < maxParts - 1 {
            parts.append(UnsafeRawBufferPointer(rebasing: self[start..<i]))
            start = i + 1
        }
        parts.append(UnsafeRawBufferPointer(rebasing: self[start..<count]))
        return parts
    }
}

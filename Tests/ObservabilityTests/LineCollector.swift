import Foundation
import Synchronization
@testable import Observability

/// Collects the lines a `LogLineWriter` receives, for assertions.
final class LineCollector: Sendable {
    private let lines = Mutex<[[UInt8]]>([])
    var writer: LogLineWriter { LogLineWriter { line in self.lines.withLock { $0.append(line) } } }
    var all: [[UInt8]] { lines.withLock { $0 } }
    var texts: [String] { all.map { String(decoding: $0, as: UTF8.self) } }

    /// Each line parsed as a JSON object; fails the caller's expectation by throwing.
    func objects() throws -> [[String: Any]] {
        try all.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw CollectorError("not a JSON object: \(String(decoding: line, as: UTF8.self))")
            }
            return object
        }
    }
}

struct CollectorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

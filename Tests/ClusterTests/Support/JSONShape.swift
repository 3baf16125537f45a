import Foundation

/// A parsed JSON value, strict about types (a bool is not a number), for comparing our answers with Flink's.
indirect enum JSONValue: Decodable, Equatable {
    case object([String: JSONValue]), array([JSONValue]), string(String), number(Double), bool(Bool), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else { self = .array(try c.decode([JSONValue].self)) }
    }

    static func parse(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

    var kind: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        }
    }

    subscript(key: String) -> JSONValue? { if case .object(let o) = self { o[key] } else { nil } }
    var array: [JSONValue] { if case .array(let a) = self { a } else { [] } }
    var object: [String: JSONValue] { if case .object(let o) = self { o } else { [:] } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var number: Double? { if case .number(let n) = self { n } else { nil } }
}

/// Compares the structure of our JSON with Flink's sample: the same keys at every level, the same JSON types, and
/// every element of an array shaped like the sample's first element.
enum JSONShape {
    /// - Parameter optional: keys Flink sends that we may leave out, as `path.key` (e.g. `$.subtasks[].x`).
    static func differences(ours: JSONValue, flink: JSONValue, path: String = "$", optional: Set<String> = []) -> [String] {
        if case .null = flink { return [] }          // Flink's null says nothing about the type
        guard ours.kind == flink.kind else { return ["\(path): \(ours.kind) where Flink has \(flink.kind)"] }
        switch (ours, flink) {
        case let (.object(a), .object(b)):
            var out: [String] = []
            for key in Set(b.keys).subtracting(a.keys).sorted() where !optional.contains("\(path).\(key)") {
                out.append("\(path): missing key '\(key)'")
            }
            for key in Set(a.keys).subtracting(b.keys).sorted() { out.append("\(path): extra key '\(key)'") }
            for key in Set(a.keys).intersection(b.keys).sorted() {
                out += differences(ours: a[key]!, flink: b[key]!, path: "\(path).\(key)", optional: optional)
            }
            return out
        case let (.array(a), .array(b)):
            guard let model = b.first else { return [] }
            return a.flatMap { differences(ours: $0, flink: model, path: "\(path)[]", optional: optional) }
        default:
            return []
        }
    }

    /// Same keys and types, where object keys are data (state names, metric names) rather than fields: compares
    /// the key sets only at `path` and the values' types.
    static func sameKeys(_ ours: JSONValue?, _ flink: JSONValue?) -> Bool {
        Set((ours?.object ?? [:]).keys) == Set((flink?.object ?? [:]).keys)
    }
}

/// 32 lowercase hex digits: Flink's JobID, JobVertexID, ResourceID.
func isFlinkID(_ s: String?) -> Bool {
    guard let s, s.utf8.count == 32 else { return false }
    return s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
}

import Foundation
import Jobs
import Runtime
import Yams

/// `jobs.yaml`: the jobs this installation can run, each a compiled job with its parallelism and parameters.
struct JobsFile {
    struct Entry {
        let name: String
        let job: String
        let description: String?
        let parallelism: Int?
        let parameters: [String: String]
    }
    let path: String
    let entries: [String: Entry]

    static let defaultPath = "jobs.yaml"

    init(path: String) throws {
        self.path = path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError("cannot read the jobs file \(path) (pass --jobs FILE)")
        }
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch { throw CLIError("\(path) is not valid YAML: \(error)") }
        guard let top = root as? [String: Any], let jobs = top["jobs"] as? [String: Any] else {
            throw CLIError("\(path) must have a top-level 'jobs:' mapping")
        }
        var entries: [String: Entry] = [:]
        for (name, raw) in jobs {
            guard let spec = raw as? [String: Any] else { throw CLIError("\(path): job '\(name)' must be a mapping") }
            let known: Set = ["job", "description", "parallelism", "parameters"]
            if let bad = spec.keys.first(where: { !known.contains($0) }) {
                throw CLIError("\(path): job '\(name)' has an unknown key '\(bad)' (known: \(known.sorted().joined(separator: ", ")))")
            }
            let job = (spec["job"] as? String) ?? name
            var parallelism: Int? = nil
            if let p = spec["parallelism"] {
                guard let v = p as? Int, v >= 1 else { throw CLIError("\(path): job '\(name)': parallelism must be a positive integer") }
                parallelism = v
            }
            var params: [String: String] = [:]
            if let raw = spec["parameters"] {
                guard let map = raw as? [String: Any] else { throw CLIError("\(path): job '\(name)': parameters must be a mapping") }
                for (k, v) in map { params[k] = "\(v)" }
            }
            entries[name] = Entry(name: name, job: job, description: spec["description"] as? String, parallelism: parallelism, parameters: params)
        }
        self.entries = entries
    }

    /// A compiled job with no preset parameters (when there is no jobs file).
    static func compiledEntry(_ name: String) throws -> Entry {
        guard JobCatalog.named(name) != nil else {
            throw CLIError("no job named '\(name)' (compiled: \(JobCatalog.all.map(\.name).joined(separator: ", ")))")
        }
        return Entry(name: name, job: name, description: nil, parallelism: nil, parameters: [:])
    }

    /// The named entry, or a compiled job of that name with no preset parameters.
    func entry(_ name: String) throws -> Entry {
        if let e = entries[name] { return e }
        if JobCatalog.named(name) != nil { return Entry(name: name, job: name, description: nil, parallelism: nil, parameters: [:]) }
        let known = (entries.keys.sorted() + JobCatalog.all.map(\.name)).joined(separator: ", ")
        throw CLIError("no job named '\(name)' in \(path) (known: \(known))")
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Splits `-D key=value` settings into runtime configuration (Flink's dotted keys) and job parameters.
func splitDynamicProperties(_ properties: [String]) throws -> (config: [String: String], parameters: [String: String]) {
    var config: [String: String] = [:], parameters: [String: String] = [:]
    for p in properties {
        guard let eq = p.firstIndex(of: "="), eq != p.startIndex else { throw CLIError("-D expects key=value, not '\(p)'") }
        let key = String(p[..<eq]), value = String(p[p.index(after: eq)...])
        if key.contains(".") { config[key] = value } else { parameters[key] = value }
    }
    return (config, parameters)
}

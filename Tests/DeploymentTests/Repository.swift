import Foundation
import Yams

/// The repository on disk, as the deployment files see it: paths resolve from its root, and `Sources/` is indexed
/// once for the string literals the code uses (environment variable names, metric names, routes).
enum Repository {
    static let root: URL = {
        // DEPLOYMENT_TESTS_ROOT checks another checkout with this build (e.g. branches merged in a scratch folder).
        if let override = ProcessInfo.processInfo.environment["DEPLOYMENT_TESTS_ROOT"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    static func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).standardizedFileURL.path)
    }

    static func text(_ relativePath: String) throws -> String {
        do { return try String(contentsOf: url(relativePath), encoding: .utf8) } catch {
            throw DeploymentCheckError("cannot read \(relativePath): \(error)")
        }
    }

    /// A YAML file as plain dictionaries and arrays (merge keys `<<:` resolved, as Docker Compose does).
    static func yaml(_ relativePath: String) throws -> [String: Any] {
        let text = try text(relativePath)
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch { throw DeploymentCheckError("\(relativePath) is not valid YAML: \(error)") }
        guard let root = loaded as? [String: Any] else { throw DeploymentCheckError("\(relativePath) is not a YAML mapping") }
        return root
    }

    static func json(_ relativePath: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url(relativePath))
        let loaded: Any
        do { loaded = try JSONSerialization.jsonObject(with: data) } catch {
            throw DeploymentCheckError("\(relativePath) is not valid JSON: \(error)")
        }
        guard let root = loaded as? [String: Any] else { throw DeploymentCheckError("\(relativePath) is not a JSON object") }
        return root
    }

    /// Every Swift file of the products (`Sources/**`, connector tests excluded): path → text.
    static let productSources: [String: String] = {
        var out: [String: String] = [:]
        let sources = url("Sources")
        guard let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return out }
        for case let file as URL in walker where file.pathExtension == "swift" && !file.path.contains("/Tests/") {
            let relative = String(file.path.dropFirst(root.path.count + 1))
            out[relative] = try? String(contentsOf: file, encoding: .utf8)
        }
        return out
    }()

    /// The string literals in the product sources (`"KAFKA_BOOTSTRAP_SERVERS"`, `"anomalies_detected"`, `"/health"`).
    static let stringLiterals: Set<String> = {
        var out: Set<String> = []
        let literal = /"((?:[^"\\\n]|\\.)*)"/
        for text in productSources.values {
            for match in text.matches(of: literal) { out.insert(String(match.output.1)) }
        }
        return out
    }()
}

struct DeploymentCheckError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

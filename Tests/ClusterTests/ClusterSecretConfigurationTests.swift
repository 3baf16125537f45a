import Cluster
import Foundation
import Testing

@Suite("security.cluster.secret and security.cluster.secret-file")
struct ClusterSecretConfigurationTests {
    @Test("the secret comes from the key, else from the file; without one only loopback addresses may be bound")
    func secretSources() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-secret-\(UUID().uuidString)").path
        try "from-the-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let fromFile = try ClusterConfiguration(settings: ["security.cluster.secret-file": file])
        #expect(try fromFile.clusterAuthentication(bindHost: "0.0.0.0", port: "RPC").isEnabled)
        let fromKey = try ClusterConfiguration(settings: ["security.cluster.secret": "from-the-key"])
        #expect(try fromKey.clusterAuthentication(bindHost: "10.0.0.5", port: "RPC").isEnabled)

        let none = ClusterConfiguration()
        #expect(try !none.clusterAuthentication(bindHost: "127.0.0.1", port: "RPC").isEnabled)
        #expect(try !none.clusterAuthentication(bindHost: "localhost", port: "RPC").isEnabled)
        #expect(throws: ClusterConfigurationError.self) { try none.clusterAuthentication(bindHost: "0.0.0.0", port: "RPC") }
        #expect(throws: ClusterConfigurationError.self) { try none.clusterAuthentication(bindHost: "jobmanager", port: "RPC") }

        let missing = try ClusterConfiguration(settings: ["security.cluster.secret-file": file + ".missing"])
        #expect(throws: ClusterConfigurationError("security.cluster.secret-file: cannot read '\(file).missing'")) {
            try missing.clusterAuthentication(bindHost: "127.0.0.1", port: "RPC")
        }
    }

    @Test("--print-example-config lists both keys with their descriptions")
    func documented() throws {
        #expect(ExampleConfiguration.yaml.contains("# security.cluster.secret:"))
        #expect(ExampleConfiguration.yaml.contains("# security.cluster.secret-file:"))
    }
}

import Cluster
import Foundation
import Testing

@Suite("Cluster configuration: Flink's keys from YAML, environment and -D")
struct ConfigurationTests {
    @Test("defaults")
    func defaults() {
        let c = ClusterConfiguration()
        #expect(c.restPort == 8081)
        #expect(c.restBindAddress == "127.0.0.1")
        #expect(c.restAddress == "localhost")
        #expect(c.taskSlots == 4)
        #expect(c.defaultParallelism == 1)
        #expect(c.prometheusPorts == 9249...9249)
        #expect(c[ClusterOptions.jobManagerPort] == 6123)
        #expect(c.restartStrategy == .none)
        #expect(c.runtime.taskSlots == 4)
        #expect(c.runtime.bufferTimeoutMillis == 50)
    }

    @Test("flat and nested YAML keys, environment over the file, -D over both")
    func layering() throws {
        let dir = try temporaryDirectory()
        let file = "\(dir)/config.yaml"
        try """
            rest:
              port: 9081
              bind-address: 0.0.0.0
            taskmanager.numberOfTaskSlots: 8
            parallelism.default: 2
            metrics.reporter.prom.port: 9250-9260
            restart-strategy.type: fixed-delay
            restart-strategy.fixed-delay.attempts: 3
            restart-strategy.fixed-delay.delay: 10 s
            state.backend.type: hashmap
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let c = try ConfigurationLoader.load(file: file, environment: ["FLINK_PARALLELISM": "3", "FLINK_PROPERTIES": "rest.address: jm.example\n"],
                                             dynamicProperties: ["rest.port": "9999"])
        #expect(c.restPort == 9999)
        #expect(c.restBindAddress == "0.0.0.0")
        #expect(c.restAddress == "jm.example")
        #expect(c.taskSlots == 8)
        #expect(c.defaultParallelism == 3)
        #expect(c.prometheusPorts == 9250...9260)
        #expect(c.restartStrategy == .fixedDelay(attempts: 3, delay: .seconds(10)))
        #expect(c.effectiveEntries.contains { $0.key == "state.backend.type" && $0.value == "hashmap" }, "unknown keys are kept and shown")
        #expect(c.effectiveEntries.contains { $0.key == "restart-strategy.fixed-delay.delay" && $0.value == "10 s" })
    }

    @Test("restart strategies with Flink's spellings and defaults")
    func restartStrategies() throws {
        let exponential = try ClusterConfiguration(settings: ["restart-strategy.type": "exponentialdelay",
                                                              "restart-strategy.exponential-delay.max-backoff": "2 min"]).restartStrategy
        guard case let .exponentialDelay(initial, max, multiplier, _, jitter, _) = exponential else {
            Issue.record("not exponential: \(exponential)"); return
        }
        #expect(initial == .seconds(1) && max == .seconds(120) && multiplier == 1.5 && jitter == 0.1)
        #expect(try ClusterConfiguration(settings: ["restart-strategy.type": "failure-rate"]).restartStrategy
            == .failureRate(maxFailuresPerInterval: 1, interval: .seconds(60), delay: .seconds(1)))
        #expect(try ClusterConfiguration(settings: ["restart-strategy.type": "off"]).restartStrategy == .none)
    }

    @Test("a bad value names its key")
    func errors() {
        #expect(throws: ClusterConfigurationError.self) { try ClusterConfiguration(settings: ["rest.port": "eighty"]) }
        do {
            _ = try ClusterConfiguration(settings: ["taskmanager.numberOfTaskSlots": "0"])
            Issue.record("0 slots accepted")
        } catch {
            #expect(error.description.contains("taskmanager.numberOfTaskSlots"))
        }
        #expect(throws: ClusterConfigurationError.self) { try ClusterConfiguration(settings: ["restart-strategy.type": "sometimes"]) }
        #expect(throws: ClusterConfigurationError.self) { try ClusterConfiguration(settings: ["restart-strategy.fixed-delay.delay": "soon"]) }
        #expect(throws: ClusterConfigurationError.self) { try ClusterConfiguration(settings: ["metrics.reporter.prom.port": "9260-9250"]) }
        #expect(throws: ClusterConfigurationError.self) { try ConfigurationLoader.parseDynamicProperties(["no-equals-sign"]) }
    }

    @Test("the example file lists every key and reads back as the defaults")
    func exampleFile() throws {
        let yaml = ExampleConfiguration.yaml
        for option in ClusterOptions.all { #expect(yaml.contains(option.key), "example lacks \(option.key)") }
        let parsed = try ConfigurationLoader.parseYAML(yaml)
        let c = try ClusterConfiguration(settings: parsed)
        #expect(c.restPort == 8081 && c.taskSlots == 4 && c.prometheusPorts == 9249...9249 && c.restartStrategy == .none)
    }

    @Test("Flink durations")
    func durations() {
        #expect(FlinkDuration.parse("10 s") == .seconds(10))
        #expect(FlinkDuration.parse("500ms") == .milliseconds(500))
        #expect(FlinkDuration.parse("1 min") == .seconds(60))
        #expect(FlinkDuration.parse("250") == .milliseconds(250))
        #expect(FlinkDuration.parse("2 fortnights") == nil)
    }

    /// Found while writing the config-yaml fuzz target (its first crasher): the unit's multiplication overflowed Int64 and trapped while the
    /// configuration was being validated, so a typo in a config file crashed the process instead of naming the key.
    @Test("a duration too long for Int64 milliseconds is refused, not a crash")
    func durationOverflow() {
        #expect(FlinkDuration.parse("9223372036854775807 d") == nil)
        #expect(FlinkDuration.parse("9223372036854775807 s") == nil)
        #expect(FlinkDuration.parse("106751991168 d") == nil)            // one day more than Int64.max ms
        #expect(FlinkDuration.parse("106751991 d") == .seconds(106_751_991 * 86_400))
        #expect(FlinkDuration.parse("9223372036854775807") == .milliseconds(Int64.max))
        #expect(throws: ClusterConfigurationError.self) {
            try ClusterConfiguration(settings: ["execution.buffer-timeout": "9223372036854775807 min"])
        }
    }
}

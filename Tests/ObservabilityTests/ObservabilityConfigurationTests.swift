import Logging
import Testing
import Observability

@Suite("Observability configuration from the environment")
struct ObservabilityConfigurationTests {
    @Test("defaults with an empty environment")
    func defaults() {
        let (configuration, warnings) = ObservabilityConfiguration.fromEnvironment([:])
        #expect(configuration == ObservabilityConfiguration())
        #expect(configuration.logLevel == .info)
        #expect(configuration.metricsPort == 9100)
        #expect(warnings.isEmpty)
    }

    @Test("LOG_LEVEL accepts swift-log names and common aliases in any case", arguments: [
        ("trace", Logger.Level.trace), ("DEBUG", .debug), ("Info", .info), ("notice", .notice),
        ("WARNING", .warning), ("warn", .warning), ("error", .error), ("critical", .critical), ("FATAL", .critical),
    ])
    func levels(text: String, level: Logger.Level) {
        let (configuration, warnings) = ObservabilityConfiguration.fromEnvironment(["LOG_LEVEL": text])
        #expect(configuration.logLevel == level)
        #expect(warnings.isEmpty)
    }

    @Test("invalid values keep the defaults and come back as warnings naming the variable")
    func invalidValues() {
        let (configuration, warnings) = ObservabilityConfiguration.fromEnvironment(
            ["LOG_LEVEL": "loud", "LOG_FORMAT": "xml", "PROMETHEUS_PORT": "99999", "LOG_SOURCE_LOCATION": "maybe"])
        #expect(configuration == ObservabilityConfiguration())
        #expect(Set(warnings.map(\.variable)) == ["LOG_LEVEL", "LOG_FORMAT", "PROMETHEUS_PORT", "LOG_SOURCE_LOCATION"])
        #expect(warnings.first { $0.variable == "LOG_LEVEL" }?.description.contains("LOG_LEVEL=loud") == true)
    }

    @Test("valid overrides apply")
    func overrides() {
        let (configuration, warnings) = ObservabilityConfiguration.fromEnvironment(
            ["LOG_FORMAT": "TEXT", "PROMETHEUS_PORT": "9200", "LOG_SOURCE_LOCATION": "1"])
        #expect(warnings.isEmpty)
        #expect(configuration.logFormat == .text)
        #expect(configuration.metricsPort == 9200)
        #expect(configuration.includeSourceLocation)
    }

    @Test("without LOG_FORMAT: text on a terminal, JSON otherwise; LOG_FORMAT wins either way")
    func formatResolution() {
        var configuration = ObservabilityConfiguration()
        #expect(configuration.resolvedLogFormat(stderrIsTerminal: true) == .text)
        #expect(configuration.resolvedLogFormat(stderrIsTerminal: false) == .json)
        configuration.logFormat = .json
        #expect(configuration.resolvedLogFormat(stderrIsTerminal: true) == .json)
        configuration.logFormat = .text
        #expect(configuration.resolvedLogFormat(stderrIsTerminal: false) == .text)
    }
}

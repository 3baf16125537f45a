import Foundation
import Logging

/// How log lines are written.
public enum LogFormat: String, Sendable, CaseIterable {
    /// One JSON object per line: what Promtail/Loki and `jq` read.
    case json
    /// swift-log's human-readable line, for a developer at a terminal.
    case text
}

/// Every default of the logging and metrics setup, and how the environment overrides them.
public struct ObservabilityConfiguration: Sendable, Equatable {
    /// `LOG_LEVEL`: trace, debug, info, notice, warning (warn), error, critical (fatal); case-insensitive.
    public var logLevel: Logger.Level = .info
    /// `LOG_FORMAT`: json or text. `nil` picks per process: text when stderr is a terminal, JSON otherwise —
    /// a container, a pipe or a file is read by a machine (Promtail), a terminal by a person.
    public var logFormat: LogFormat? = nil
    /// `LOG_SOURCE_LOCATION=1` adds `"file":"Module/File.swift:42"` to each JSON line. Off by default: it costs
    /// bytes on every line and the logger label usually says enough.
    public var includeSourceLocation = false
    /// The interface the Prometheus endpoint binds; all interfaces, so a scraper in another container reaches it.
    public var metricsHost = "0.0.0.0"
    /// `PROMETHEUS_PORT`: the Prometheus endpoint's port (the stream monitor's 9100 unless a command says otherwise).
    public var metricsPort = 9100

    public init() {}

    /// Problems found while reading the environment; the caller logs them once logging is up.
    public struct EnvironmentWarning: Sendable, Equatable, CustomStringConvertible {
        public var variable: String
        public var value: String
        public var expected: String
        public var description: String { "\(variable)=\(value) is not valid (expected \(expected)); using the default" }
    }

    /// The defaults overridden by `LOG_LEVEL`, `LOG_FORMAT`, `LOG_SOURCE_LOCATION` and `PROMETHEUS_PORT`.
    /// Invalid values keep the default and come back as warnings rather than stopping the process.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (configuration: ObservabilityConfiguration, warnings: [EnvironmentWarning]) {
        var configuration = ObservabilityConfiguration()
        var warnings: [EnvironmentWarning] = []
        if let value = environment["LOG_LEVEL"], !value.isEmpty {
            if let level = parseLogLevel(value) { configuration.logLevel = level } else {
                warnings.append(.init(variable: "LOG_LEVEL", value: value,
                                      expected: "trace, debug, info, notice, warning, error or critical"))
            }
        }
        if let value = environment["LOG_FORMAT"], !value.isEmpty {
            if let format = LogFormat(rawValue: value.lowercased()) { configuration.logFormat = format } else {
                warnings.append(.init(variable: "LOG_FORMAT", value: value, expected: "json or text"))
            }
        }
        if let value = environment["LOG_SOURCE_LOCATION"], !value.isEmpty {
            switch value.lowercased() {
            case "1", "true", "yes": configuration.includeSourceLocation = true
            case "0", "false", "no": configuration.includeSourceLocation = false
            default: warnings.append(.init(variable: "LOG_SOURCE_LOCATION", value: value, expected: "1 or 0"))
            }
        }
        if let value = environment["PROMETHEUS_PORT"], !value.isEmpty {
            if let port = Int(value), (0...65535).contains(port) { configuration.metricsPort = port } else {
                warnings.append(.init(variable: "PROMETHEUS_PORT", value: value, expected: "a port number 0-65535"))
            }
        }
        return (configuration, warnings)
    }

    /// Accepts swift-log's names and the common aliases other ecosystems use (Python's WARN/FATAL, upper case).
    public static func parseLogLevel(_ text: String) -> Logger.Level? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "trace": .trace
        case "debug": .debug
        case "info": .info
        case "notice": .notice
        case "warning", "warn": .warning
        case "error": .error
        case "critical", "fatal": .critical
        default: nil
        }
    }

    /// The format to use when none was configured: text on a terminal, JSON everywhere else.
    public func resolvedLogFormat(stderrIsTerminal: Bool = isatty(STDERR_FILENO) == 1) -> LogFormat {
        logFormat ?? (stderrIsTerminal ? .text : .json)
    }
}

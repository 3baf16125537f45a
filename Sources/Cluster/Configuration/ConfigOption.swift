import Foundation

/// One configuration key as Flink declares it (`ConfigOptions.key("rest.port").intType().defaultValue(8081)`):
/// its key, default, how a string value is read, and what it means. The options themselves are listed in
/// `ClusterOptions`, so every default lives in one place.
public struct ConfigOption<Value: Sendable>: Sendable {
    public let key: String
    public let defaultValue: Value
    public let summary: String
    let parse: @Sendable (String) throws(ClusterConfigurationError) -> Value
    let render: @Sendable (Value) -> String

    init(_ key: String, default defaultValue: Value, _ summary: String,
         parse: @escaping @Sendable (String) throws(ClusterConfigurationError) -> Value, render: @escaping @Sendable (Value) -> String) {
        self.key = key
        self.defaultValue = defaultValue
        self.summary = summary
        self.parse = parse
        self.render = render
    }

    /// The default as it would be written in the config file.
    public var defaultText: String { render(defaultValue) }
}

/// A type-erased option, for listing and validating them all.
public struct AnyConfigOption: Sendable {
    public let key: String
    public let defaultText: String
    public let summary: String
    let validate: @Sendable (String) throws(ClusterConfigurationError) -> Void

    init<V>(_ option: ConfigOption<V>) {
        key = option.key
        defaultText = option.defaultText
        summary = option.summary
        validate = { (text: String) throws(ClusterConfigurationError) in _ = try option.parse(text) }
    }
}

/// A bad configuration value, naming the key and what was expected.
public struct ClusterConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

// MARK: - Value readers shared by the options

enum ConfigValue {
    static func string(_ key: String) -> @Sendable (String) throws(ClusterConfigurationError) -> String {
        { (text: String) throws(ClusterConfigurationError) in
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw ClusterConfigurationError("\(key) must not be empty") }
            return trimmed
        }
    }

    static func integer(_ key: String, min: Int = 1, max: Int = .max) -> @Sendable (String) throws(ClusterConfigurationError) -> Int {
        { (text: String) throws(ClusterConfigurationError) in
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)), v >= min, v <= max else {
                throw ClusterConfigurationError("\(key) must be an integer between \(min) and \(max), not '\(text)'")
            }
            return v
        }
    }

    static func port(_ key: String) -> @Sendable (String) throws(ClusterConfigurationError) -> Int {
        integer(key, min: 0, max: 65535)
    }

    static func double(_ key: String, min: Double = 0) -> @Sendable (String) throws(ClusterConfigurationError) -> Double {
        { (text: String) throws(ClusterConfigurationError) in
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite, v >= min else {
                throw ClusterConfigurationError("\(key) must be a number ≥ \(min), not '\(text)'")
            }
            return v
        }
    }

    static func duration(_ key: String) -> @Sendable (String) throws(ClusterConfigurationError) -> Duration {
        { (text: String) throws(ClusterConfigurationError) in
            guard let d = FlinkDuration.parse(text) else {
                throw ClusterConfigurationError("\(key) must be a duration such as '10 s', '500 ms' or '1 min', not '\(text)'")
            }
            return d
        }
    }

    static func portRange(_ key: String) -> @Sendable (String) throws(ClusterConfigurationError) -> ClosedRange<Int> {
        { (text: String) throws(ClusterConfigurationError) in
            guard let range = PortRange.parse(text) else {
                throw ClusterConfigurationError("\(key) must be a port or a range such as 9249-9260, not '\(text)'")
            }
            return range
        }
    }
}

/// Flink's duration syntax: a number and an optional unit (`ms`, `s`, `min`, `h`, `d`, and their long forms);
/// a bare number is milliseconds.
public enum FlinkDuration {
    public static func parse(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.prefix { $0.isNumber }
        guard !digits.isEmpty, let amount = Int64(digits) else { return nil }
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let millisPerUnit: Int64
        switch unit {
        case "", "ms", "milli", "millis", "millisecond", "milliseconds": millisPerUnit = 1
        case "s", "sec", "secs", "second", "seconds": millisPerUnit = 1000
        case "m", "min", "mins", "minute", "minutes": millisPerUnit = 60_000
        case "h", "hour", "hours": millisPerUnit = 3_600_000
        case "d", "day", "days": millisPerUnit = 86_400_000
        default: return nil
        }
        // Everything that reads a duration works in Int64 milliseconds: a longer one is refused here (with the key's
        // error) instead of overflowing — and trapping — in the multiplication or in a later conversion.
        let (millis, overflow) = amount.multipliedReportingOverflow(by: millisPerUnit)
        return overflow ? nil : .milliseconds(millis)
    }

    public static func render(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        if ms % 60_000 == 0, ms > 0 { return "\(ms / 60_000) min" }
        if ms % 1000 == 0, ms > 0 { return "\(ms / 1000) s" }
        return "\(ms) ms"
    }

    public static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}

/// A port or a range of ports (`9249-9260`): Flink tries them in order and binds the first free one, so that
/// several processes on one host can share a configuration.
public enum PortRange {
    public static func parse(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...2).contains(parts.count), let low = Int(parts[0]), (0...65535).contains(low) else { return nil }
        guard parts.count == 2 else { return low...low }
        guard let high = Int(parts[1]), high >= low, high <= 65535 else { return nil }
        return low...high
    }

    public static func render(_ r: ClosedRange<Int>) -> String {
        r.lowerBound == r.upperBound ? "\(r.lowerBound)" : "\(r.lowerBound)-\(r.upperBound)"
    }
}

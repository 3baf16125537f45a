import Dataflow
import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line:
/// `{"ts":"2026-11-29T02:50:53.123Z","level":"info","logger":"monitor.poller","message":"…","service":"monitor",
///   "source":"StreamMonitor","channel":"foo",…}`.
/// Metadata is flattened into the object (nested metadata stays nested); a metadata key that collides with one of
/// the fixed fields is written as `meta.KEY` so nothing is lost and no key appears twice.
public struct JSONLogHandler: LogHandler {
    /// The fields every line carries; metadata may not overwrite them.
    public static let reservedKeys: Set<String> = ["ts", "level", "logger", "message", "service", "source", "file", "error"]

    public let label: String
    public var service: String?
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var includeSourceLocation: Bool
    private let writer: LogLineWriter
    /// Where the current time comes from; tests pin it.
    private let clock: @Sendable () -> String

    public init(label: String,
                service: String? = nil,
                logLevel: Logger.Level = .info,
                includeSourceLocation: Bool = false,
                metadataProvider: Logger.MetadataProvider? = nil,
                writer: LogLineWriter = .standardError) {
        self.init(label: label, service: service, logLevel: logLevel, includeSourceLocation: includeSourceLocation,
                  metadataProvider: metadataProvider, writer: writer, clock: RFC3339Timestamp.now)
    }

    init(label: String, service: String?, logLevel: Logger.Level, includeSourceLocation: Bool,
         metadataProvider: Logger.MetadataProvider?, writer: LogLineWriter, clock: @escaping @Sendable () -> String) {
        self.label = label
        self.service = service
        self.logLevel = logLevel
        self.includeSourceLocation = includeSourceLocation
        self.metadataProvider = metadataProvider
        self.writer = writer
        self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        writer.write(line(for: event))
    }

    /// The encoded line, newline included.
    func line(for event: LogEvent) -> [UInt8] {
        var json = JSONLineBuilder()
        json.field("ts", string: clock())
        json.field("level", string: event.level.rawValue)
        json.field("logger", string: label)
        json.field("message", string: Secrets.mask(event.message.description))
        if let service { json.field("service", string: service) }
        if let error = event.error { json.field("error", string: Secrets.mask(String(describing: error))) }
        json.field("source", string: event.source)
        if includeSourceLocation { json.field("file", string: "\(event.file):\(event.line)") }

        // Precedence: the handler's metadata, then the provider's (task-local context), then the call's own.
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        merged = MaskedLogging.mask(merged)
        for key in merged.keys.sorted() {
            json.field(Self.reservedKeys.contains(key) ? "meta.\(key)" : key, metadata: merged[key]!)
        }
        return json.finish()
    }
}

import Dataflow
import Logging

/// Log lines never carry secrets: messages, errors and metadata go through `Secrets` (the Dataflow module's one
/// masking function) before they are written — a sensitive metadata key's value becomes `******`, credentials in
/// text (URLs, `password=…`, bearer tokens, remembered secrets) are masked.
enum MaskedLogging {
    static func mask(_ message: Logger.Message) -> Logger.Message {
        Logger.Message(stringLiteral: Secrets.mask(message.description))
    }

    static func mask(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.reduce(into: [:]) { out, entry in
            out[entry.key] = Secrets.isSensitive(key: entry.key) ? .string(Secrets.hidden) : mask(entry.value)
        }
    }

    static func mask(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let s): return .string(Secrets.mask(s))
        case .stringConvertible(let c):
            // Numbers and booleans stay themselves (the JSON writer keeps them typed); anything else is text.
            switch c {
            case is Bool, is Int, is Int64, is Int32, is UInt, is UInt64, is Double, is Float: return value
            default: return .string(Secrets.mask(c.description))
            }
        case .array(let values): return .array(values.map(mask))
        case .dictionary(let d): return .dictionary(mask(d))
        }
    }

    static func mask(_ error: (any Error)?) -> (any Error)? {
        error.map { MaskedError(description: Secrets.mask(String(describing: $0))) }
    }

    struct MaskedError: Error, CustomStringConvertible { let description: String }
}

/// Masks every event, then hands it to the wrapped handler (the text format's `StreamLogHandler`).
struct MaskingLogHandler: LogHandler {
    var inner: any LogHandler

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }
    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = MaskedLogging.mask(newValue) }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue.map { Secrets.isSensitive(key: key) ? .string(Secrets.hidden) : MaskedLogging.mask($0) } }
    }

    func log(event: LogEvent) {
        var masked = event
        masked.message = MaskedLogging.mask(event.message)
        masked.error = MaskedLogging.mask(event.error)
        masked.metadata = event.metadata.map(MaskedLogging.mask)
        inner.log(event: masked)
    }
}

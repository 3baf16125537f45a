import Dataflow

/// What travels through an exchange: records, and the control elements that flow in line with them.
public enum StreamElement<T> {
    case record(T, Timestamp)
    case watermark(Timestamp)
    case idle(Bool)
    /// The producer finished: nothing follows on this channel.
    case end
}

/// A batch of elements from one input channel.
struct ChannelBatch<T> {
    let channel: Int
    var elements: [StreamElement<T>]
}

struct CancelledError: Error, CustomStringConvertible {
    var description: String { "cancelled" }
}

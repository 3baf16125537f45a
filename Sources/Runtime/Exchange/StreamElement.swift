import Dataflow

/// What travels through an exchange: records, and the control elements that flow in line with them.
public enum StreamElement<T> {
    case record(T, Timestamp)
    case watermark(Timestamp)
    case idle(Bool)
    /// The producer finished: nothing follows on this channel.
    case end
}

/// A control element inside a batch, placed before the record at `position`.
struct ControlMark {
    /// `suspend`: the producer stopped for a savepoint — nothing follows, but unlike `end` it does not mean the
    /// end of event time, so nothing fires downstream.
    enum Kind: UInt8 { case watermark, idle, active, end, suspend }
    let position: Int
    let kind: Kind
    let watermark: Timestamp
}

/// A batch of elements from one input channel, stored as columns: records and their timestamps in two arrays,
/// the few control elements beside them. (A column of `T` costs one type lookup per batch in generic code; an
/// array of enum cases would cost several per record.)
struct ChannelBatch<T> {
    let channel: Int
    var values: [T]
    var timestamps: [Timestamp]
    var controls: [ControlMark]
}

struct CancelledError: Error, CustomStringConvertible {
    var description: String { "cancelled" }
}

/// What a reader knows about one partition of its topic. Plain values in one contiguous buffer, indexed by
/// partition number, so that the per-message path reads and writes them in place.
struct PartitionState {
    /// This reader owns the partition (the assigner's rule) and has assigned it.
    var owned = false
    /// The next offset to hand on: the last consumed (or skipped) offset + 1; -1 before the first message.
    var next: Int64 = -1
    /// The offset last committed (or being committed) to the group.
    var committed: Int64 = -1
    /// The first fetch answered. Until then the partition's end offset is unknown.
    var resolved = false
    /// `.latest`: skip everything below the end offset of the first fetch (see `PartitionConsumer.resolve`).
    var startsAtFetchedEnd = false
    /// Bounded: the end offset (exclusive) fixed at the first fetch; `.max` when unbounded or not yet known.
    var stop: Int64 = .max
    /// Offsets below this are skipped (`.latest`).
    var skipBelow: Int64 = .min
    /// Messages are skipped until the first one stamped at or after this time (`.timestamp`); `.min`: none.
    var skipBefore: Int64 = .min
    /// Bounded and at its end offset: no more records, no longer holding back the watermark.
    var finished = false
}

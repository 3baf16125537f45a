import Dataflow

/// Which parallel reader owns a partition: Flink's `KafkaSourceEnumerator.getSplitOwner`, so that a job reads each
/// partition with the same subtask as Flink would. Every reader evaluates the rule on its own (there is no central
/// enumerator process); being a pure function of topic, partition and reader count, they agree.
public enum KafkaPartitionAssigner {
    /// `startIndex = ((topic.hashCode() * 31) & 0x7FFFFFFF) % numReaders; owner = (startIndex + partition) % numReaders`
    /// with Java's `String.hashCode`: consecutive partitions go round-robin from a per-topic start.
    public static func owner(topic: String, partition: Int, readers: Int) -> Int {
        precondition(readers > 0 && partition >= 0)
        let start = Int((topic.stableHashCode &* 31) & 0x7FFF_FFFF) % readers
        return (start + partition) % readers
    }

    /// The partitions in `range` that reader `subtask` of `readers` owns.
    public static func partitions(of subtask: Int, readers: Int, topic: String, in range: Range<Int>) -> [Int] {
        range.filter { owner(topic: topic, partition: $0, readers: readers) == subtask }
    }
}

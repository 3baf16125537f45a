/// Remembers the last `capacity` message ids (a ring plus a set) to drop duplicates in bounded memory.
struct ChatMessageDeduplicator {
    private var ring: [String?]
    private var next = 0
    private var seen: Set<String>

    init(capacity: Int) {
        ring = Array(repeating: nil, count: max(1, capacity))
        seen = Set(minimumCapacity: max(1, capacity))
    }

    /// `true` the first time an id is seen.
    mutating func admit(_ id: String) -> Bool {
        guard seen.insert(id).inserted else { return false }
        if let evicted = ring[next] { seen.remove(evicted) }
        ring[next] = id
        next = (next + 1) % ring.count
        return true
    }
}

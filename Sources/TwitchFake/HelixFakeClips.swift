import Foundation
import Synchronization

/// A clip the fake was asked to create.
public struct FakeClipRecord: Sendable, Equatable {
    public var id: String
    public var broadcasterID: String
    public var broadcasterName: String
    public var creatorID: String
    public var creatorName: String
    public var gameID: String
    public var title: String
    public var duration: Double
    /// Epoch seconds.
    public var createdAt: Double
    /// Epoch seconds when Get Clips starts showing it; nil = never (failure mode).
    public var visibleAt: Double?
    public var vodOffsetAt: Double?
    public var vodOffset: Int
}

/// Every clip created, in creation order, with its processing delay drawn from a seeded generator.
final class HelixClipStore: Sendable {
    private struct State {
        var clips: [FakeClipRecord] = []
        var index: [String: Int] = [:]
        var random: FakeHTTPRandom
    }
    private let state: Mutex<State>
    private let processingDelay: ClosedRange<Double>
    private let vodOffsetDelay: Double

    private static let words = [
        "Brave", "Quiet", "Swift", "Lucky", "Clever", "Sleepy", "Happy", "Fierce", "Gentle", "Mighty",
        "Otter", "Falcon", "Panda", "Tiger", "Koala", "Badger", "Heron", "Lynx", "Walrus", "Gecko",
        "Jumps", "Dances", "Sings", "Naps", "Runs", "Waves", "Spins", "Cheers", "Laughs", "Shouts",
    ]

    init(seed: UInt64, processingDelay: ClosedRange<Double>, vodOffsetDelay: Double) {
        state = Mutex(State(random: FakeHTTPRandom(seed: seed ^ 0xC119)))
        self.processingDelay = processingDelay
        self.vodOffsetDelay = vodOffsetDelay
    }

    func create(broadcasterID: String, broadcasterName: String, creatorID: String, creatorName: String, gameID: String,
                title: String, duration: Double, streamAge: Double, neverVisible: Bool) -> FakeClipRecord {
        let now = Date().timeIntervalSince1970
        return state.withLock { state in
            let w = Self.words
            var slug = ""
            for _ in 0..<4 { slug += w[Int(state.random.next() % UInt64(w.count))] }
            let id = "\(slug)-\(state.clips.count + 1)"
            let delay = processingDelay.lowerBound + (processingDelay.upperBound - processingDelay.lowerBound) * state.random.nextUnit()
            let visibleAt = neverVisible ? nil : now + delay
            let record = FakeClipRecord(
                id: id, broadcasterID: broadcasterID, broadcasterName: broadcasterName, creatorID: creatorID,
                creatorName: creatorName, gameID: gameID, title: title, duration: duration, createdAt: now,
                visibleAt: visibleAt, vodOffsetAt: visibleAt.map { $0 + vodOffsetDelay },
                vodOffset: max(0, Int(streamAge) - Int(duration)))
            state.index[id] = state.clips.count
            state.clips.append(record)
            return record
        }
    }

    func all() -> [FakeClipRecord] { state.withLock { $0.clips } }

    /// Visible clips by id, in the order asked; unknown, duplicate and still-processing ids are dropped.
    func visible(ids: [String], now: Double = Date().timeIntervalSince1970) -> [FakeClipRecord] {
        state.withLock { state in
            var seen = Set<String>()
            return ids.compactMap { id in
                guard seen.insert(id).inserted, let i = state.index[id] else { return nil }
                let clip = state.clips[i]
                guard let visibleAt = clip.visibleAt, now >= visibleAt else { return nil }
                return clip
            }
        }
    }

    /// Visible clips matching a predicate, newest first.
    func visible(where matches: (FakeClipRecord) -> Bool, now: Double = Date().timeIntervalSince1970) -> [FakeClipRecord] {
        state.withLock { state in
            state.clips.filter { clip in
                guard let visibleAt = clip.visibleAt, now >= visibleAt else { return false }
                return matches(clip)
            }.reversed()
        }
    }
}

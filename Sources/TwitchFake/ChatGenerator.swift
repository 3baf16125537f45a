import Foundation

/// One generated chat line: who said what in which channel at which scenario time.
public struct GeneratedChatMessage: Sendable, Equatable {
    public var channelLogin: String
    /// The broadcaster id (IRC `room-id`).
    public var roomID: String
    /// Scenario seconds since the start.
    public var offset: Double
    public var user: ChatUser
    public var text: String
    /// A UUID, unique per message and the same for the same seed.
    public var messageID: String
    /// The `emotes` tag: `id:start-end,…/id:…` with code-point indices into `text`.
    public var emotes: String
}

/// The chat of one channel as a Poisson process: `rate` messages/s plus active bursts, only while the channel is live
/// (per its `live` spans). Deterministic: the same channel and seed give the same sequence whatever the caller's pace.
public struct ChannelChatGenerator: Sendable {
    public let channel: Scenario.Channel
    public let users: [ChatUser]
    private var random: ChatRandom
    private var time: Double = 0
    private var pending: GeneratedChatMessage?
    private var exhausted = false
    /// Times where the rate can change (live span edges, burst edges), ascending.
    private let changePoints: [Double]
    private var regimeRate: Double = 0
    private var regimeEnd: Double = -1

    public init(channel: Scenario.Channel, seed: UInt64, userCount: Int = 200) {
        self.channel = channel
        var userRandom = ChatRandom(seed: seed, salt: channel.id, stream: 1)
        users = ChatUser.pool(count: userCount, random: &userRandom)
        random = ChatRandom(seed: seed, salt: channel.id, stream: 2)
        var points = Set<Double>()
        for span in channel.live {
            points.insert(span.from)
            if let to = span.to { points.insert(to) }
        }
        for burst in channel.chat?.bursts ?? [] {
            points.insert(burst.at)
            points.insert(burst.at + burst.duration)
        }
        changePoints = points.filter { $0 > 0 }.sorted()
    }

    /// Messages per second at scenario time `t`: zero while offline.
    public func rate(at t: Double) -> Double {
        guard let chat = channel.chat, channel.liveSpan(at: t) != nil else { return 0 }
        return chat.rate(at: t)
    }

    /// The next message if it is due at or before `t`; `nil` when none is due yet.
    public mutating func next(through t: Double) -> GeneratedChatMessage? {
        if pending == nil, !exhausted {
            pending = generate()
            exhausted = pending == nil
        }
        guard let message = pending, message.offset <= t else { return nil }
        pending = nil
        return message
    }

    private mutating func generate() -> GeneratedChatMessage? {
        while true {
            if time >= regimeEnd {
                regimeRate = rate(at: time)
                regimeEnd = changePoints.first { $0 > time } ?? .infinity
            }
            guard regimeRate > 0 else {
                guard regimeEnd.isFinite else { return nil }
                time = regimeEnd
                continue
            }
            let gap = -log(random.unit()) / regimeRate
            if time + gap >= regimeEnd {
                // A rate so small that the wait overflows to infinity (1e-320/s) never sends again; without this
                // the loop stood at time = ∞ forever (found while writing the scenario-yaml fuzz target).
                guard regimeEnd.isFinite else { return nil }
                // Memoryless: restarting the wait at the change point keeps the process exact.
                time = regimeEnd
                continue
            }
            time += gap
            return makeMessage(at: time)
        }
    }

    private mutating func makeMessage(at t: Double) -> GeneratedChatMessage {
        let user = users[random.below(users.count)]
        var words: [String] = []
        // Pick the burst's text with the share of the rate that the burst adds.
        var pick = random.unit() * regimeRate
        for burst in channel.chat?.bursts ?? [] where burst.contains(t) {
            pick -= burst.rate
            if pick <= 0 {
                if let text = burst.text {
                    let clean = text.split(whereSeparator: \.isNewline).joined(separator: " ")
                    words = Array(repeating: clean, count: 1 + random.below(3))
                }
                break
            }
        }
        if words.isEmpty {
            let count = 1 + random.below(8)
            for _ in 0..<count { words.append(ChatVocabulary.words[random.below(ChatVocabulary.words.count)]) }
        }
        var text = ""
        var emotes: [(id: String, ranges: [String])] = []
        var position = 0
        for (index, word) in words.enumerated() {
            if index > 0 {
                text += " "
                position += 1
            }
            let length = word.unicodeScalars.count
            if let emoteID = ChatVocabulary.emotes[word] {
                let range = "\(position)-\(position + length - 1)"
                if let existing = emotes.firstIndex(where: { $0.id == emoteID }) {
                    emotes[existing].ranges.append(range)
                } else {
                    emotes.append((emoteID, [range]))
                }
            }
            text += word
            position += length
        }
        let emoteTag = emotes.map { $0.id + ":" + $0.ranges.joined(separator: ",") }.joined(separator: "/")
        return GeneratedChatMessage(channelLogin: channel.login, roomID: channel.id, offset: t, user: user, text: text,
                                    messageID: Self.uuid(random.next(), random.next()), emotes: emoteTag)
    }

    /// A version-4 UUID string made from two random words.
    static func uuid(_ high: UInt64, _ low: UInt64) -> String {
        let high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (word, groups) in [(high, [8, 4, 4]), (low, [4, 12])] {
            var shift = 64
            for group in groups {
                if !out.isEmpty { out.append(UInt8(ascii: "-")) }
                for _ in 0..<group {
                    shift -= 4
                    out.append(digits[Int((word >> UInt64(shift)) & 0xF)])
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// All channels of a scenario.
public struct ChatGenerator: Sendable {
    public private(set) var channels: [ChannelChatGenerator]

    public init(scenario: Scenario, usersPerChannel: Int = 200) {
        channels = scenario.channels.map { ChannelChatGenerator(channel: $0, seed: scenario.seed, userCount: usersPerChannel) }
    }

    /// Every message due at or before `t`, channel by channel, at most `limitPerChannel` from each.
    public mutating func messages(through t: Double, limitPerChannel: Int = .max) -> [GeneratedChatMessage] {
        var out: [GeneratedChatMessage] = []
        for index in channels.indices {
            var taken = 0
            while taken < limitPerChannel, let message = channels[index].next(through: t) {
                out.append(message)
                taken += 1
            }
        }
        return out
    }
}

enum ChatVocabulary {
    /// Twitch global emote ids for the emote words below.
    static let emotes: [String: String] = [
        "Kappa": "25", "Keepo": "1902", "PogChamp": "305954156", "LUL": "425618", "HeyGuys": "30259",
        "SeemsGood": "64138", "BibleThump": "86", "Kreygasm": "41", "ResidentSleeper": "245", "4Head": "354",
    ]

    static let words: [String] = [
        "Kappa", "Keepo", "PogChamp", "LUL", "HeyGuys", "SeemsGood", "BibleThump", "Kreygasm", "ResidentSleeper", "4Head",
        "gg", "GG", "lol", "lmao", "nice", "what", "no way", "clip it", "W", "L", "hi", "hello", "wow", "omg", "that play",
        "insane", "let's go", "KEKW", "monkaS", "first", "again!", "why", "😂", "🔥", "❤️", "👀", "🎉", "😭", "👍🏽",
        "Привет", "こんにちは", "¡vamos!", "naïve", "café", "ok;", "a\\b", "50%", "<3", ":)", "@streamer", "#1",
    ]
}

/// A chatter in the fake: numeric Helix-style id, lowercase login, display name (sometimes localized), name colour.
public struct ChatUser: Sendable, Equatable {
    public var id: String
    public var login: String
    public var displayName: String
    /// `#RRGGBB`, or empty for users who never picked one (as on Twitch).
    public var color: String

    public init(id: String, login: String, displayName: String, color: String) {
        self.id = id
        self.login = login
        self.displayName = displayName
        self.color = color
    }

    /// A deterministic pool of `count` distinct users for a channel.
    static func pool(count: Int, random: inout ChatRandom) -> [ChatUser] {
        let first = ["happy", "sleepy", "rapid", "silent", "cosmic", "pixel", "lucky", "brave", "tiny", "mega",
                     "neon", "frosty", "salty", "chill", "hyper", "retro"]
        let second = ["fox", "otter", "panda", "gamer", "wizard", "ninja", "badger", "falcon", "koala", "dragon",
                      "lemur", "viking", "yeti", "turtle"]
        // Twitch lets a user show a localized display name that differs from the ASCII login.
        let localized = ["ゆき", "Лиса", "하늘", "小龙", "Ñandú", "Θάλασσα"]
        var users: [ChatUser] = []
        var ids = Set<UInt64>(), logins = Set<String>()
        users.reserveCapacity(count)
        while users.count < max(1, count) {
            let id = 100_000_000 + random.next() % 900_000_000
            guard ids.insert(id).inserted else { continue }
            let a = first[random.below(first.count)], b = second[random.below(second.count)]
            var login = a + "_" + b
            if random.below(2) == 0 || logins.contains(login) { login += String(random.below(10_000)) }
            guard logins.insert(login).inserted else { continue }
            let style = random.below(10)
            let display: String
            if style == 0 {
                display = localized[random.below(localized.count)]
            } else {
                display = login.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "_")
            }
            let color = random.below(5) == 0 ? "" : "#" + String(random.next() & 0xFF_FFFF | 0x100_0000, radix: 16, uppercase: true).dropFirst()
            users.append(ChatUser(id: String(id), login: login, displayName: display, color: color))
        }
        return users
    }
}

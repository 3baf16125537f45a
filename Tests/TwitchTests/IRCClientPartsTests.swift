import Testing
@testable import Twitch

@Suite("IRC client parts")
struct IRCClientPartsTests {
    @Test func configurationFromURL() throws {
        let tls = try #require(IRCChatConfiguration(url: "ircs://irc.chat.twitch.tv"))
        #expect(tls.host == "irc.chat.twitch.tv" && tls.port == 6697 && tls.useTLS)
        let plain = try #require(IRCChatConfiguration(url: "irc://127.0.0.1:16667", credentials: .oauth(login: "a", token: "t")))
        #expect(plain.host == "127.0.0.1" && plain.port == 16667 && !plain.useTLS && plain.credentials == .oauth(login: "a", token: "t"))
        #expect(IRCChatConfiguration(url: "http://x") == nil)
        #expect(IRCChatConfiguration(url: "irc://host:notaport") == nil)
        #expect(IRCChatConfiguration().joinLimit == 20 && IRCChatConfiguration().joinWindow == .seconds(10))
    }

    @Test func joinLimiterSlidesItsWindow() {
        var limiter = IRCJoinRateLimiter(limit: 20, window: .seconds(10))
        let start = ContinuousClock.now
        var granted: [Int] = []
        granted.append(limiter.acquire(15, now: start))
        granted.append(limiter.acquire(15, now: start + .seconds(1)))
        granted.append(limiter.acquire(1, now: start + .seconds(9)))
        let wait = limiter.delayUntilNext(now: start + .seconds(9))
        granted.append(limiter.acquire(30, now: start + .seconds(10)))  // the first 15 expired
        granted.append(limiter.acquire(30, now: start + .seconds(11)))
        #expect(granted == [15, 5, 0, 15, 5])
        #expect(wait == .seconds(1))
    }

    @Test func deduplicatorForgetsOldestBeyondCapacity() {
        var dedup = ChatMessageDeduplicator(capacity: 3)
        let admitted = ["a", "b", "c", "a", "c", "d", "a", "d"].map { dedup.admit($0) }
        // "d" evicts "a", so "a" is new again; "d" is still remembered.
        #expect(admitted == [true, true, true, false, false, true, true, false])
    }
}

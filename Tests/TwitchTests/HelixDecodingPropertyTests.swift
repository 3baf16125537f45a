import Foundation
import Testing
import Twitch

/// The Helix decoders take whatever bytes arrive: valid, truncated, mutated or random. Each input either decodes
/// or throws `TwitchError.decoding`; nothing crashes.
@Suite("Helix decoders under fuzzing")
struct HelixDecodingPropertyTests {
    static let streamsSample = #"{"data":[{"id":"40952121085","user_id":"101051819","user_login":"afro","user_name":"Afro","game_id":"32982","game_name":"Grand Theft Auto V","type":"live","title":"Jacob","tags":["English"],"viewer_count":1490,"started_at":"2021-03-10T03:18:11Z","language":"en","thumbnail_url":"https://x/{width}x{height}.jpg","tag_ids":[],"is_mature":false,"brand_new_field":{"a":[1,2]}}],"pagination":{"cursor":"eyJvIjoxfQ=="}}"#
    static let clipsSample = #"{"data":[{"id":"AwkwardHelplessSalamanderSwiftRage","url":"https://clips.twitch.tv/A","embed_url":"https://clips.twitch.tv/embed?clip=A","broadcaster_id":"67955580","broadcaster_name":"ChewieMelodies","creator_id":"53834192","creator_name":"BlackNova03","video_id":"","game_id":"488191","language":"en","title":"babymetal","view_count":10,"created_at":"2017-11-30T22:34:18Z","thumbnail_url":"https://x.jpg","duration":29.9,"vod_offset":null,"is_featured":false}]}"#
    static let createdSample = #"{"data":[{"id":"FiveWordsForClipSlug","edit_url":"https://www.twitch.tv/twitchdev/clip/FiveWordsForClipSlug"}]}"#

    /// Every decoder on one input: returns how many decoded; any other error than `.decoding` fails the test.
    func decodeAll(_ bytes: [UInt8]) -> Int {
        var decoded = 0
        let attempts: [() throws -> Void] = [
            { _ = try HelixDecoding.streams(bytes) },
            { _ = try HelixDecoding.users(bytes) },
            { _ = try HelixDecoding.clips(bytes) },
            { _ = try HelixDecoding.createdClip(bytes) },
            { _ = try HelixDecoding.decode(TokenValidation.self, from: bytes, what: "validate") },
            { _ = try HelixDecoding.decode(OAuthTokenResponse.self, from: bytes, what: "token") },
        ]
        for attempt in attempts {
            do { try attempt(); decoded += 1 }
            catch {
                guard case .decoding(let message)? = error as? TwitchError, !message.isEmpty else {
                    Issue.record("unexpected error \(error)")
                    continue
                }
            }
        }
        return decoded
    }

    @Test("Samples decode: unknown fields ignored, vod_offset null, missing optionals defaulted")
    func samples() throws {
        let streams = try HelixDecoding.streams(Array(Self.streamsSample.utf8))
        #expect(streams.data.first?.viewerCount == 1490 && streams.cursor == "eyJvIjoxfQ==")
        #expect(streams.data.first?.startedAt == Date(timeIntervalSince1970: 1615346291))
        let clips = try HelixDecoding.clips(Array(Self.clipsSample.utf8))
        #expect(clips.data.first?.vodOffset == nil && clips.data.first?.duration == 29.9 && clips.cursor == nil)
        let minimal = try HelixDecoding.streams(Array(#"{"data":[{"id":"1","user_id":"2","user_login":"x","viewer_count":3.0}],"pagination":{}}"#.utf8))
        #expect(minimal.data.first?.viewerCount == 3 && minimal.data.first?.title == "" && minimal.cursor == nil)
        #expect(try HelixDecoding.createdClip(Array(Self.createdSample.utf8)).id == "FiveWordsForClipSlug")
        do { _ = try HelixDecoding.streams(Array(#"{"data":[{"id":"1"}]}"#.utf8)); Issue.record("expected a decoding error") }
        catch { #expect(error.description.contains("user_id")) }
    }

    @Test("Random bytes never crash a decoder", arguments: [1, 2, 3, 4] as [UInt64])
    func randomBytes(seed: UInt64) {
        var random = TestRandom(seed: seed)
        for _ in 0..<500 {
            let length = Int(random.next() % 200)
            let alphabet = Array(#"{}[]":,0123456789.-eEtrufalsn ull\"#.utf8)
            let bytes = (0..<length).map { _ in
                random.next() % 2 == 0 ? UInt8(truncatingIfNeeded: random.next()) : alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
            _ = decodeAll(bytes)
        }
    }

    @Test("Mutated Helix bodies (flips, deletions, insertions, truncations) never crash a decoder")
    func mutatedBodies() {
        var random = TestRandom(seed: 99)
        let samples = [Self.streamsSample, Self.clipsSample, Self.createdSample].map { Array($0.utf8) }
        var decodedSome = 0
        for i in 0..<1500 {
            var bytes = samples[i % samples.count]
            for _ in 0..<(1 + Int(random.next() % 4)) where !bytes.isEmpty {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: at)
                case 2:
                    let structural = Array(#"{}[]",:0n"#.utf8)
                    bytes.insert(structural[Int(random.next() % UInt64(structural.count))], at: at)
                default: bytes = Array(bytes.prefix(at))
                }
            }
            decodedSome += decodeAll(bytes) > 0 ? 1 : 0
        }
        // Many single-byte mutations land inside strings and still decode: the test exercises both paths.
        #expect(decodedSome > 0)
    }

    @Test("Deep nesting is an error, not a stack overflow")
    func deepNesting() {
        _ = decodeAll(Array((String(repeating: "[", count: 100_000)).utf8))
        _ = decodeAll(Array(("{\"data\":" + String(repeating: "{\"a\":", count: 50_000)).utf8))
    }
}

struct TestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return state
    }
}

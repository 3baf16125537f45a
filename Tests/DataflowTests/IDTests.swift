import Foundation
import Testing
@testable import Dataflow

private func isLowerHex32(_ s: String) -> Bool {
    s.utf8.count == 32 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}

@Test("HexID prints 32 lowercase hex digits, upper half first, zero-padded (Flink's AbstractID form)")
func hexDescription() {
    #expect(HexID(upper: 0x0123_4567_89ab_cdef, lower: 0xfedc_ba98_7654_3210).description
            == "0123456789abcdeffedcba9876543210")
    #expect(HexID(upper: 0, lower: 1).description == "00000000000000000000000000000001")
    #expect(HexID(upper: .max, lower: .max).description == String(repeating: "f", count: 32))
    for _ in 0..<100 { #expect(isLowerHex32(HexID.random().description)) }
}

@Test("init?(hex:) round-trips and rejects what is not 32 hex digits")
func hexParsing() throws {
    for _ in 0..<100 {
        let id = HexID.random()
        #expect(HexID(hex: id.description) == id)
    }
    let parsed = try #require(HexID(hex: "0123456789ABCDEFfedcba9876543210"))
    #expect(parsed == HexID(upper: 0x0123_4567_89ab_cdef, lower: 0xfedc_ba98_7654_3210))
    for bad in ["", "0123", String(repeating: "0", count: 31), String(repeating: "0", count: 33),
                "0123456789abcdeg fedcba987654321", "0123456789abcdefXedcba9876543210", "é123456789abcdef0edcba987654321"] {
        #expect(HexID(hex: bad) == nil, "accepted \(bad)")
    }
}

@Test("random IDs differ")
func randomDiffer() {
    let ids = Set((0..<1000).map { _ in HexID.random() })
    #expect(ids.count == 1000)
}

@Test("derived(from:) is deterministic and differs between names")
func derived() {
    #expect(HexID.derived(from: "job/source") == HexID.derived(from: "job/source"))
    let names = ["job/source", "job/sink", "job/Source", "job/source ", "", "a", "b", "ab", "ba", "job2/source"]
    let ids = names.map(HexID.derived(from:))
    #expect(Set(ids).count == names.count)
    // Both halves depend on the name (two passes, not one hash printed twice).
    #expect(Set(ids.map(\.upper)).count == names.count)
    #expect(Set(ids.map(\.lower)).count == names.count)
}

// The upper half is 64-bit FNV-1a; these are the published FNV-1a 64 test vectors (Fowler/Noll/Vo, isthe.com).
@Test("derived(from:)'s first pass is FNV-1a 64")
func derivedIsFNV1a() {
    #expect(HexID.derived(from: "").upper == 0xcbf2_9ce4_8422_2325)
    #expect(HexID.derived(from: "a").upper == 0xaf63_dc4c_8601_ec8c)
    #expect(HexID.derived(from: "foobar").upper == 0x8594_4171_f739_67e8)
}

@Test("typed IDs: JSON round-trip as a hex string, hex init, description")
func typedIDsCodable() throws {
    let id = JobID.random()
    let data = try JSONEncoder().encode(id)
    #expect(String(decoding: data, as: UTF8.self) == "\"\(id.description)\"")
    #expect(try JSONDecoder().decode(JobID.self, from: data) == id)
    #expect(JobID(hex: id.description) == id)
    #expect(isLowerHex32(id.description))
    #expect(id.description == id.raw.description)

    // Inside a container too.
    struct Wrapper: Codable, Equatable { var job: JobID; var vertices: [VertexID] }
    let w = Wrapper(job: id, vertices: [.random(), VertexID(raw: .derived(from: "v"))])
    #expect(try JSONDecoder().decode(Wrapper.self, from: JSONEncoder().encode(w)) == w)
}

@Test("decoding a string that is not 32 hex digits fails")
func typedIDDecodingFails() {
    for bad in [#""xyz""#, #""""#, "42", #""0123456789abcdef0123456789abcde""#] {
        #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(JobID.self, from: Data(bad.utf8)) }
    }
}

@Test("HexID ordering: upper half first")
func ordering() {
    #expect(HexID(upper: 0, lower: .max) < HexID(upper: 1, lower: 0))
    #expect(HexID(upper: 1, lower: 0) < HexID(upper: 1, lower: 1))
    #expect(!(HexID(upper: 1, lower: 1) < HexID(upper: 1, lower: 1)))
}

import Foundation
import Testing
@testable import Dataflow

/// A record that can be written and read back.
private struct Row: JSONEncodableRecord, JSONDecodableRecord, Equatable {
    var id: Int64
    var count: Int
    var text: String
    var score: Double
    var ok: Bool
    var note: String?

    func encode(json w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("count", count)
        w.field("text", text)
        w.field("score", score)
        w.field("ok", ok)
        w.field("note", note)
        w.endObject()
    }
    init(id: Int64, count: Int, text: String, score: Double, ok: Bool, note: String?) {
        self.id = id; self.count = count; self.text = text; self.score = score; self.ok = ok; self.note = note
    }
    init(json: JSONObject) throws {
        id = try json.int64("id")
        count = Int(try json.int64("count"))
        text = try json.string("text")
        score = try json.double("score")
        ok = try json.bool("ok")
        note = try json.optionalString("note")
    }
}

/// Every control character, quotes, backslashes and non-ASCII text.
private let awkward = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
    + "\"quoted\" back\\slash /slash \u{7f} é 😀 日本 \\u0041"

private let rows: [Row] = [
    Row(id: 1, count: 0, text: "plain", score: 1.5, ok: true, note: nil),
    Row(id: .max, count: .min, text: awkward, score: -0.1, ok: false, note: awkward),
    Row(id: .min, count: .max, text: "", score: 5e-324, ok: true, note: ""),
    Row(id: 0, count: -1, text: "\u{0}", score: 1e22, ok: false, note: "\"\\\""),
    Row(id: -42, count: 42, text: "a\r\nb", score: -1.7976931348623157e308, ok: true, note: "\u{1F600}"),
]

@Test("encode then decode gives the same values", arguments: rows.indices)
func roundTrip(_ i: Int) throws {
    let bytes = JSONWriter.encode(rows[i])
    let back = try JSONLineParser().decode(Row.self, from: bytes)
    #expect(back == rows[i])
}

// RFC 8259 §7: control characters must be escaped; a JSON line must hold no raw newline.
@Test("output holds no raw control characters", arguments: rows.indices)
func noRawControlCharacters(_ i: Int) {
    let bytes = JSONWriter.encode(rows[i])
    #expect(!bytes.contains { $0 < 0x20 })
}

// An independent JSON parser (Foundation's) must read the same values.
@Test("Foundation's JSONSerialization reads what JSONWriter writes", arguments: rows.indices)
func readableByFoundation(_ i: Int) throws {
    let r = rows[i]
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter.encode(r))) as? [String: Any])
    #expect((obj["id"] as? NSNumber)?.int64Value == r.id)
    #expect((obj["count"] as? NSNumber)?.intValue == r.count)
    #expect(obj["text"] as? String == r.text)
    #expect((obj["score"] as? NSNumber)?.doubleValue == r.score)
    #expect((obj["ok"] as? NSNumber)?.boolValue == r.ok)
    if let note = r.note { #expect(obj["note"] as? String == note) } else { #expect(obj["note"] is NSNull) }
    #expect(Set(obj.keys) == ["id", "count", "text", "score", "ok", "note"])
}

@Test("the exact bytes of a simple object")
func exactBytes() {
    var w = JSONWriter()
    w.beginObject()
    w.field("a", "x\"y")
    w.field("b", Int64(-3))
    w.field("c", true)
    w.field("d", nil as String?)
    w.field("e", "tab\there\u{1}")
    w.endObject()
    #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"a":"x\"y","b":-3,"c":true,"d":null,"e":"tab\there\u0001"}"#)
}

// JSON has no NaN or infinities; writing one must still give valid JSON.
@Test("non-finite doubles are written as null")
func nonFiniteDoubles() throws {
    for v in [Double.nan, .infinity, -.infinity] {
        var w = JSONWriter()
        w.beginObject(); w.field("v", v); w.endObject()
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String: Any])
        #expect(obj["v"] is NSNull)
    }
}

@Test("a dead letter is written with all its fields; its raw text is capped at 1024 characters")
func deadLetterEncoding() throws {
    let long = String(repeating: "é", count: 2000)
    let letter = DeadLetter(origin: "/data/in.jsonl", position: 17, reason: "field 'x' is not a string", raw: long)
    #expect(letter.raw.count == 1025 && letter.raw.hasSuffix("…"))
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter.encode(letter))) as? [String: Any])
    #expect(obj["origin"] as? String == "/data/in.jsonl")
    #expect((obj["position"] as? NSNumber)?.int64Value == 17)
    #expect(obj["reason"] as? String == "field 'x' is not a string")
    #expect(obj["raw"] as? String == letter.raw)
    let short = DeadLetter(origin: "o", position: 1, reason: "r", raw: String(repeating: "x", count: 1024))
    #expect(short.raw.count == 1024)
}

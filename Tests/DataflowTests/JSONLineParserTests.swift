import Testing
@testable import Dataflow

/// A small record with one field of each type the parser decodes.
private struct Msg: JSONDecodableRecord, Equatable {
    var id: Int64
    var text: String
    var score: Double
    var ok: Bool
    var note: String?
    init(id: Int64, text: String, score: Double, ok: Bool, note: String? = nil) {
        self.id = id; self.text = text; self.score = score; self.ok = ok; self.note = note
    }
    init(json: JSONObject) throws {
        id = try json.int64("id")
        text = try json.string("text")
        score = try json.double("score")
        ok = try json.bool("ok")
        note = try json.optionalString("note")
    }
}

private func decode(_ line: String) throws -> Msg { try JSONLineParser().decode(Msg.self, from: Array(line.utf8)) }
private func decode(bytes: [UInt8]) throws -> Msg { try JSONLineParser().decode(Msg.self, from: bytes) }

/// The error message of a line that must not decode (nil when it decodes).
private func failure(_ bytes: [UInt8]) -> String? {
    do {
        _ = try decode(bytes: bytes)
        return nil
    } catch let e as JSONError {
        return e.description
    } catch {
        return "unexpected error type: \(error)"
    }
}
private func failure(_ line: String) -> String? { failure(Array(line.utf8)) }

// MARK: - Decoding

@Test("plain fields decode")
func plainFields() throws {
    let m = try decode(#"{"id":42,"text":"hello","score":1.5,"ok":true,"note":"n"}"#)
    #expect(m == Msg(id: 42, text: "hello", score: 1.5, ok: true, note: "n"))
}

@Test("field order does not matter; optional fields may be missing or null")
func orderAndOptionals() throws {
    #expect(try decode(#"{"ok":false,"score":0,"text":"","id":-7}"#) == Msg(id: -7, text: "", score: 0, ok: false))
    #expect(try decode(#"{"ok":false,"score":0,"text":"","id":-7,"note":null}"#).note == nil)
}

@Test("escapes decode: \\\" \\\\ \\/ \\n \\t \\r \\b \\f \\u00e9 and a surrogate pair")
func escapes() throws {
    let line = #"{"id":1,"text":"q\"b\\s\/\n\t\r\b\f\u00e9\u00E9\ud83d\ude00end","score":0,"ok":true}"#
    #expect(try decode(line).text == "q\"b\\s/\n\t\r\u{8}\u{C}éé😀end")
}

@Test("raw UTF-8 passes through unchanged")
func rawUTF8() throws {
    #expect(try decode(#"{"id":1,"text":"ünïcödé 😀 日本","score":0,"ok":true}"#).text == "ünïcödé 😀 日本")
}

@Test("unknown fields of every kind, nested ones included, are skipped")
func unknownFieldsSkipped() throws {
    let line = #"{"a":null,"b":true,"c":false,"d":-1.5e-3,"e":"x}]","id":3,"#
        + #""nested":{"x":[1,{"y":"}\"]"}],"z":{}},"arr":[[],[1,[2]],"]"],"text":"t","score":2,"ok":true}"#
    #expect(try decode(line) == Msg(id: 3, text: "t", score: 2, ok: true))
}

@Test("keys must match exactly, not by prefix")
func exactKeys() throws {
    #expect(try decode(#"{"identifier":5,"i":6,"id":1,"text":"t","score":0,"ok":true}"#).id == 1)
}

@Test("whitespace around tokens and a trailing CR/LF is accepted")
func whitespace() throws {
    let line = " \t{ \"id\" : 1 ,\n\"text\"\t:\t\"x\" , \"score\" : 2 , \"ok\" : false , \"o\" : { \"k\" : [ 1 , 2 ] } }  \r\n"
    #expect(try decode(line) == Msg(id: 1, text: "x", score: 2, ok: false))
}

@Test("numbers: integers at the Int64 limits, fractions, exponents, integers given as strings")
func numbers() throws {
    #expect(try decode(#"{"id":9223372036854775807,"text":"","score":-1.5e3,"ok":true}"#).id == .max)
    #expect(try decode(#"{"id":-9223372036854775808,"text":"","score":1E+2,"ok":true}"#).id == .min)
    #expect(try decode(#"{"id":0,"text":"","score":1E+2,"ok":true}"#).score == 100)
    #expect(try decode(#"{"id":0,"text":"","score":-1.5e3,"ok":true}"#).score == -1500)
    #expect(try decode(#"{"id":0,"text":"","score":0.1,"ok":true}"#).score == 0.1)
    #expect(try decode(#"{"id":0,"text":"","score":2.5E-3,"ok":true}"#).score == 0.0025)
    // Ids sent as strings (Twitch) are accepted as integers.
    #expect(try decode(#"{"id":"123456789","text":"","score":0,"ok":true}"#).id == 123_456_789)
}

@Test("a parser reused across lines does not leak fields from the previous line")
func parserReuse() throws {
    let p = JSONLineParser()
    let a = try p.decode(Msg.self, from: Array(#"{"id":1,"text":"a","score":0,"ok":true,"note":"first"}"#.utf8))
    let b = try p.decode(Msg.self, from: Array(#"{"id":2,"text":"b","score":0,"ok":false}"#.utf8))
    #expect(a.note == "first")
    #expect(b == Msg(id: 2, text: "b", score: 0, ok: false, note: nil))
    #expect(throws: JSONError.self) { try p.decode(Msg.self, from: Array(#"{"id":3}"#.utf8)) }
    #expect(try p.decode(Msg.self, from: Array(#"{"id":4,"text":"d","score":0,"ok":true}"#.utf8)).id == 4)
}

// MARK: - Errors: each must be reported, with a message that says what is wrong and where

@Test("not an object", arguments: ["[1,2]", "\"text\"", "42", "", "   ", "null"])
func notAnObject(_ line: String) {
    let e = failure(line)
    #expect(e?.contains("not a JSON object") == true, "\(line): \(e ?? "decoded")")
}

@Test("missing fields are named")
func missingField() {
    #expect(failure(#"{"id":1,"score":1.5,"ok":true}"#)?.contains("missing field 'text'") == true)
    #expect(failure("{}")?.contains("missing field 'id'") == true)
}

@Test("wrong types are named with the field")
func wrongType() {
    let cases: [(String, String)] = [
        (#"{"id":1,"text":5,"score":0,"ok":true}"#, "field 'text' is not a string"),
        (#"{"id":true,"text":"","score":0,"ok":true}"#, "field 'id'"),
        (#"{"id":1.5,"text":"","score":0,"ok":true}"#, "field 'id'"),
        (#"{"id":"12a","text":"","score":0,"ok":true}"#, "field 'id'"),
        (#"{"id":1,"text":"","score":"1.5","ok":true}"#, "field 'score' is not a number"),
        (#"{"id":1,"text":"","score":0,"ok":"yes"}"#, "field 'ok' is not a boolean"),
        (#"{"id":1,"text":"","score":0,"ok":1}"#, "field 'ok' is not a boolean"),
        (#"{"id":1,"text":"","score":0,"ok":true,"note":7}"#, "field 'note' is not a string"),
        (#"{"id":1,"text":null,"score":0,"ok":true}"#, "field 'text' is not a string"),
    ]
    for (line, want) in cases {
        let e = failure(line)
        #expect(e?.contains(want) == true, "\(line): \(e ?? "decoded")")
    }
}

@Test("trailing garbage after the object")
func trailingGarbage() {
    // The object ends at column 38; the 'x' is at column 39.
    let e = failure(#"{"id":1,"text":"","score":0,"ok":true}x"#)
    #expect(e?.contains("trailing") == true && e?.contains("column 39") == true, "\(e ?? "decoded")")
    #expect(failure(#"{"id":1,"text":"","score":0,"ok":true} {}"#) != nil)
}

@Test("unterminated strings and objects")
func unterminated() {
    #expect(failure(#"{"id":1,"text":"abc"#)?.contains("unterminated string") == true)
    #expect(failure(#"{"id":1,"text":"abc\"}"#)?.contains("unterminated string") == true)   // the quote is escaped
    #expect(failure(#"{"id":1,"text":"abc\"#)?.contains("unterminated string") == true)     // ends inside an escape
    #expect(failure(#"{"id":1,"text":"abc","score":0,"ok":true"#)?.contains("unterminated object") == true)
    #expect(failure(#"{"id":1,"text":"","score":0,"ok":true,"o":{"a":[1,2"#)?.contains("unterminated") == true)
}

@Test("a raw control character inside a string is rejected", arguments: [0x00, 0x09, 0x0a, 0x1f] as [UInt8])
func rawControlCharacter(_ c: UInt8) {
    // {"id":1,"text":"a<c>b",...}: the control character is at column 18.
    let bytes = Array(#"{"id":1,"text":"a"#.utf8) + [c] + Array(#"b","score":0,"ok":true}"#.utf8)
    let e = failure(bytes)
    #expect(e?.contains("control character") == true && e?.contains("column 18") == true, "\(e ?? "decoded")")
}

@Test("bad escapes are rejected and name the field")
func badEscapes() {
    let cases: [(String, String)] = [
        (#"{"id":1,"text":"a\qb","score":0,"ok":true}"#, "unknown escape"),
        (#"{"id":1,"text":"a\u12G4","score":0,"ok":true}"#, "bad \\u escape"),
        (#"{"id":1,"text":"a\u12","score":0,"ok":true}"#, "bad \\u escape"),
        (#"{"id":1,"text":"\x41","score":0,"ok":true}"#, "unknown escape"),
    ]
    for (line, want) in cases {
        let e = failure(line)
        #expect(e?.contains(want) == true && e?.contains("'text'") == true, "\(line): \(e ?? "decoded")")
    }
}

@Test("unpaired surrogates are rejected")
func unpairedSurrogates() {
    for text in [#"\ud83d"#, #"\ud83dxyz"#, #"\ud83d\u0041"#, #"\ude00"#, #"a\ude00\ud83d"#, #"\ud83d\ud83d"#] {
        let e = failure(#"{"id":1,"text":""# + text + #"","score":0,"ok":true}"#)
        #expect(e?.contains("unpaired surrogate") == true, "\(text): \(e ?? "decoded")")
    }
}

@Test("invalid UTF-8 in a string value is rejected, with or without escapes")
func invalidUTF8() {
    let invalid: [[UInt8]] = [[0xff], [0xc0, 0xaf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0x80]]
    for bad in invalid {
        let plain = Array(#"{"id":1,"text":"a"#.utf8) + bad + Array(#"b","score":0,"ok":true}"#.utf8)
        let escaped = Array(#"{"id":1,"text":"\n"#.utf8) + bad + Array(#"b","score":0,"ok":true}"#.utf8)
        for line in [plain, escaped] {
            let e = failure(line)
            #expect(e?.contains("not valid UTF-8") == true && e?.contains("'text'") == true, "\(bad): \(e ?? "decoded")")
        }
    }
}

@Test("integers beyond Int64 are rejected, not wrapped")
func int64Overflow() {
    for n in ["9223372036854775808", "-9223372036854775809", "99999999999999999999", "\"9223372036854775808\""] {
        let e = failure(#"{"id":"# + n + #","text":"","score":0,"ok":true}"#)
        #expect(e?.contains("field 'id' is not a 64-bit integer") == true, "\(n): \(e ?? "decoded")")
    }
}

@Test("syntax errors name the column", arguments: [
    (#"{"id":1 "text":"x"}"#, "column 9"),       // missing comma
    (#"{"id" 1}"#, "column 7"),                  // missing colon
    (#"{"id":}"#, "column 7"),                   // missing value
    (#"{"id":tru}"#, "column 7"),                // bad literal
    (#"{"id":-}"#, "column 7"),                  // bad number
    (#"{"id":1.}"#, "column 7"),
    (#"{"id":1e}"#, "column 7"),
    (#"{"id":1,}"#, "column 9"),                 // trailing comma: a field name is expected
    (#"{id:1}"#, "column 2"),                    // unquoted key
    (#"{"id":'x'}"#, "column 7"),                // single quotes
] as [(String, String)])
func syntaxErrors(_ c: (String, String)) {
    let e = failure(c.0)
    #expect(e?.contains(c.1) == true, "\(c.0): \(e ?? "decoded")")
}

// The parser's documentation says it "validates the syntax, nested values included", and Flink's JSON format
// (Jackson) rejects these lines; a skipped nested value must still be well-formed JSON.
@Test("malformed nested values are rejected", arguments: [
    #"{"id":1,"text":"","score":0,"ok":true,"o":{garbage]}"#,
    #"{"id":1,"text":"","score":0,"ok":true,"o":[1,2}}"#,        // mismatched brackets
    #"{"id":1,"text":"","score":0,"ok":true,"o":{"a":1,,}}"#,
    #"{"id":1,"text":"","score":0,"ok":true,"o":[tru]}"#,
])
func malformedNested(_ line: String) {
    #expect(failure(line) != nil, "accepted: \(line)")
}

@testable import ClipsAPI
import Testing

/// Each rule of `GET /v1.0/clip`'s parameters, without a server.
@Suite struct ClipQueryValidatorTests {
    let validator = ClipQueryValidator()

    func error(_ parameters: [(String, String)]) -> ParameterError? {
        do {
            _ = try validator.validate(parameters.map { (name: $0.0, value: $0.1) })
            return nil
        } catch { return error }
    }

    @Test func defaultsWhenNothingIsGiven() throws {
        let query = try validator.validate([])
        #expect(query == ClipQuery(limit: 20, status: .created))
    }

    @Test(arguments: ["2024-05-01", "2024-05-01T12:00:00Z", "2024-05-01T12:00:00.5+02:00", "2024-05-01T12:00Z",
                      "2024-05-01T12:00:00.123456", "2024-02-29T00:00:00-0130", "2024-05-01 12:00:00+00"])
    func acceptsISO8601(_ text: String) throws {
        #expect(try validator.validate([("start", text)]).start != nil)
    }

    @Test(arguments: ["yesterday", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z",
                      "2024-05-01T12:00:00+25:00", "2024-05-01T12", "1715000000", "", "2024-05-01T12:00:00Zjunk",
                      "0000-01-01T00:00:00Z"])
    func refusesMalformedTimes(_ text: String) {
        #expect(error([("start", text)]) == ParameterError(parameter: "start",
                message: "start must be an ISO 8601 date-time such as 2024-05-01T12:00:00Z"))
        #expect(error([("end", text)])?.parameter == "end")
    }

    @Test func offsetsAreApplied() throws {
        let utc = try #require(Timestamp.parseMicros("2024-05-01T10:00:00Z"))
        #expect(Timestamp.parseMicros("2024-05-01T12:00:00+02:00") == utc)
        #expect(Timestamp.parseMicros("2024-05-01T08:30:00-01:30") == utc)
        #expect(Timestamp.iso8601(micros: utc + 123_456) == "2024-05-01T10:00:00.123Z")
        #expect(Timestamp.parseMicros("1970-01-01T00:00:00Z") == 0)
    }

    @Test func startAfterEnd() {
        #expect(error([("start", "2024-05-02T00:00:00Z"), ("end", "2024-05-01T00:00:00Z")])
                == ParameterError(parameter: "start", message: "start must not be after end"))
        #expect(error([("start", "2024-05-01T00:00:00Z"), ("end", "2024-05-01T00:00:00Z")]) == nil)
    }

    @Test(arguments: ["0", "101", "-1", "ten", "2.5", "", "99999999999999999999"])
    func limitOutsideOneToHundred(_ text: String) {
        #expect(error([("limit", text)]) == ParameterError(parameter: "limit", message: "limit must be an integer from 1 to 100"))
    }

    @Test func limitBounds() throws {
        #expect(try validator.validate([("limit", "1")]).limit == 1)
        #expect(try validator.validate([("limit", "100")]).limit == 100)
    }

    @Test func channelIsAnIDOrALogin() throws {
        #expect(try validator.validate([("channel", "123456")]).channel == .id(BroadcasterID("123456")!))
        #expect(try validator.validate([("channel", "Some_Streamer")]).channel == .login(ChannelLogin("some_streamer")!))
        for bad in ["", "has space", "semi;colon", "ünïcode", String(repeating: "a", count: 26), "1' OR '1'='1"] {
            #expect(error([("channel", bad)])?.parameter == "channel", "\(bad)")
        }
    }

    @Test func statusValues() throws {
        #expect(try validator.validate([("status", "all")]).status == .all)
        #expect(try validator.validate([("status", "failed")]).status == .failed)
        #expect(error([("status", "deleted")]) == ParameterError(parameter: "status", message: "status must be one of created, failed, all"))
    }

    @Test func cursorRoundTripAndForgery() throws {
        let cursor = ClipCursor(createdAt: "2024-05-01 12:34:56.789123+00", anomalyID: AnomalyID("42:1714566896000"))
        #expect(try validator.validate([("cursor", cursor.encoded)]).cursor == cursor)
        for bad in ["", "abc", "djE=", cursor.encoded + "%%", "djEKbm90IGEgdGltZQp4"] {
            #expect(error([("cursor", bad)])?.parameter == "cursor", "\(bad)")
        }
    }

    @Test func repeatedParameterIsRefusedAndUnknownOnesIgnored() throws {
        #expect(error([("limit", "5"), ("limit", "6")]) == ParameterError(parameter: "limit", message: "limit must be given at most once"))
        #expect(try validator.validate([("_", "1714566896000"), ("limit", "5")]).limit == 5)
    }
}

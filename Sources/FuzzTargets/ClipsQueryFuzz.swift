import ClipsAPI

/// The clips API's `GET /v1.0/clip` query string: split and percent-decoded (`QueryString`), then validated
/// (`ClipQueryValidator`: timestamps, limit, channel, status, cursor). An accepted cursor must round-trip.
public enum ClipsQueryFuzz: FuzzTarget {
    public static let name = "clips-query"
    private static let validator = ClipQueryValidator()

    public static func run(_ data: UnsafeRawBufferPointer) {
        let pairs = QueryString.pairs(data.text)
        guard let query = try? validator.validate(pairs) else { return }
        if let start = query.start, let end = query.end { fuzzCheck(start <= end, "start \(start) after end \(end) accepted") }
        fuzzCheck(validator.limitRange.contains(query.limit), "limit \(query.limit) accepted")
        if let cursor = query.cursor {
            fuzzCheck(ClipCursor(encoded: cursor.encoded) == cursor, "cursor \(cursor) does not round-trip")
        }
        if let start = query.start { _ = Timestamp.iso8601(micros: start) }
        if let end = query.end { _ = Timestamp.iso8601(micros: end) }
    }
}

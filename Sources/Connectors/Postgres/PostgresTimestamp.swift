import Dataflow
/// `timestamptz` text in the ISO form the session is pinned to (DateStyle ISO, TimeZone UTC), to and from epoch
/// milliseconds — without Foundation's formatters, which are slow and not meant for every row.
enum PostgresTimestamp {
    /// `2024-05-01 12:34:56.789+00`; years before 1 AD get PostgreSQL's ` BC` suffix.
    static func format(epochMillis: Int64) -> String {
        let (days, msOfDay) = CivilCalendar.floorDivision(epochMillis, 86_400_000)
        let (year, month, day) = CivilCalendar.date(days: days)
        let seconds = msOfDay / 1000, millis = msOfDay % 1000
        var s = ""
        s.reserveCapacity(30)
        let displayYear = year > 0 ? year : 1 - year
        s += pad(displayYear, 4); s += "-"; s += pad(month, 2); s += "-"; s += pad(day, 2); s += " "
        s += pad(seconds / 3600, 2); s += ":"; s += pad(seconds / 60 % 60, 2); s += ":"; s += pad(seconds % 60, 2)
        s += "."; s += pad(millis, 3); s += "+00"
        if year <= 0 { s += " BC" }
        return s
    }

    /// Reads `YYYY-MM-DD HH:MM:SS[.ffffff](+|-)HH[:MM[:SS]][ BC]` (and `infinity`, `-infinity` as Int64's bounds);
    /// sub-millisecond digits are truncated toward the past.
    static func parse(_ text: String) -> Int64? {
        if text == "infinity" { return .max }
        if text == "-infinity" { return .min }
        var p = Array(text.utf8)[...]
        var bc = false
        if p.count > 3, p.suffix(3).elementsEqual(" BC".utf8) { bc = true; p = p.dropLast(3) }
        func number(_ digits: Int? = nil) -> Int64? {
            var n: Int64 = 0, read = 0
            while let c = p.first, c >= 48, c <= 57, digits.map({ read < $0 }) ?? true {
                n = n * 10 + Int64(c - 48); read += 1; p = p.dropFirst()
            }
            return read == 0 || (digits != nil && read != digits) ? nil : n
        }
        func expect(_ c: Character) -> Bool {
            guard p.first == c.asciiValue else { return false }
            p = p.dropFirst(); return true
        }
        guard var year = number(), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect(" ") || expect("T"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2) else { return nil }
        var micros: Int64 = 0
        if expect(".") {
            var scale: Int64 = 100_000
            while let c = p.first, c >= 48, c <= 57 { micros += Int64(c - 48) * scale; scale /= 10; p = p.dropFirst() }
        }
        var offsetSeconds: Int64 = 0
        if let sign = p.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            p = p.dropFirst()
            guard let oh = number(2) else { return nil }
            var off = oh * 3600
            if expect(":") { guard let om = number(2) else { return nil }; off += om * 60 }
            if expect(":") { guard let os = number(2) else { return nil }; off += os }
            offsetSeconds = sign == UInt8(ascii: "-") ? -off : off
        }
        guard p.isEmpty else { return nil }
        if bc { year = 1 - year }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        let localSeconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return (localSeconds - offsetSeconds) * 1000 + micros / 1000
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

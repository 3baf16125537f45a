import Dataflow

/// Instants as the API speaks them: ISO 8601 in, ISO 8601 out (UTC, millisecond precision), without Foundation's
/// formatters, which are slow and too lenient for validation.
public enum Timestamp {
    /// Reads `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `Z`, `±HH:MM`, `±HHMM`, `±HH` or no offset
    /// (UTC is assumed), and a space instead of `T` (PostgreSQL's text form). Returns epoch microseconds, or nil
    /// for anything else, including impossible dates (Feb 30) and years outside 1–9999.
    public static func parseMicros(_ text: some StringProtocol) -> Int64? {
        var p = Array(text.utf8)[...]
        func digits(_ n: Int) -> Int64? {
            guard p.count >= n else { return nil }
            var v: Int64 = 0
            for _ in 0..<n {
                guard let c = p.first, c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48); p = p.dropFirst()
            }
            return v
        }
        func take(_ c: UInt8) -> Bool {
            guard p.first == c else { return false }
            p = p.dropFirst(); return true
        }
        guard let year = digits(4), take(45), let month = digits(2), take(45), let day = digits(2) else { return nil }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, micros: Int64 = 0, offset: Int64 = 0
        if !p.isEmpty {
            guard take(84) || take(116) || take(32) else { return nil }          // T, t or space
            guard let h = digits(2), take(58), let m = digits(2) else { return nil }
            hour = h; minute = m
            if take(58) {
                guard let s = digits(2) else { return nil }
                second = s
                if take(46) || take(44) {                                         // . or , before the fraction
                    var scale: Int64 = 100_000, count = 0
                    while let c = p.first, c >= 48, c <= 57 {
                        micros += Int64(c - 48) * scale; scale /= 10; count += 1; p = p.dropFirst()
                    }
                    guard count > 0 else { return nil }
                }
            }
            guard hour <= 23, minute <= 59, second <= 59 else { return nil }
            if take(90) || take(122) {                                            // Z
            } else if let sign = p.first, sign == 43 || sign == 45 {              // + or -
                p = p.dropFirst()
                guard let oh = digits(2), oh <= 23 else { return nil }
                var om: Int64 = 0
                if take(58) { guard let m = digits(2) else { return nil }; om = m } else if !p.isEmpty { guard let m = digits(2) else { return nil }; om = m }
                guard om <= 59 else { return nil }
                offset = (oh * 3600 + om * 60) * (sign == 45 ? -1 : 1)
            }
            guard p.isEmpty else { return nil }
        }
        let seconds = CivilCalendar.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return seconds * 1_000_000 + micros
    }

    /// `2024-05-01T12:34:56.789Z`.
    public static func iso8601(micros: Int64) -> String {
        let (days, microsOfDay) = CivilCalendar.floorDivision(micros, 86_400_000_000)
        let (year, month, day) = CivilCalendar.date(days: days)
        let seconds = microsOfDay / 1_000_000, millis = microsOfDay / 1000 % 1000
        var s = ""
        s.reserveCapacity(24)
        pad(year, 4, &s); s += "-"; pad(month, 2, &s); s += "-"; pad(day, 2, &s); s += "T"
        pad(seconds / 3600, 2, &s); s += ":"; pad(seconds / 60 % 60, 2, &s); s += ":"; pad(seconds % 60, 2, &s)
        s += "."; pad(millis, 3, &s); s += "Z"
        return s
    }

    private static func pad(_ v: Int64, _ width: Int, _ out: inout String) {
        let text = String(v)
        if text.count < width { out += String(repeating: "0", count: width - text.count) }
        out += text
    }

    private static func isLeap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Formats a Double the way Java's `Double.toString` does, so that files we write compare byte for byte with
/// Flink's: plain notation with at least one fractional digit for 10⁻³ ≤ |d| < 10⁷ ("10.2", "3.0"),
/// computerized scientific notation otherwise ("1.0E-4", "1.2345E7"). Digits are the shortest that round-trip.
public enum JavaDouble {
    public static func format(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        // Swift prints the shortest round-trip digits; take them apart into digits and a decimal exponent.
        var s = "\(abs(d))"
        var exp10 = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exp10 = Int(s[s.index(after: e)...])!
            s = String(s[..<e])
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        // value = 0.digits × 10^(pointPos) with pointPos = intPart.count + exp10
        var pointPos = intPart.count + exp10
        let leadingZeros = digits.prefix { $0 == "0" }.count
        digits.removeFirst(leadingZeros)
        pointPos -= leadingZeros
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        let sign = d < 0 ? "-" : ""
        let magnitude = abs(d)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            if pointPos <= 0 {
                return sign + "0." + String(repeating: "0", count: -pointPos) + digits
            }
            if pointPos >= digits.count {
                return sign + digits + String(repeating: "0", count: pointPos - digits.count) + ".0"
            }
            let i = digits.index(digits.startIndex, offsetBy: pointPos)
            return sign + digits[..<i] + "." + digits[i...]
        }
        let first = digits.prefix(1)
        let rest = digits.dropFirst()
        return sign + first + "." + (rest.isEmpty ? "0" : String(rest)) + "E" + String(pointPos - 1)
    }
}

import FileConnector
import Testing

// Expected strings are Java 17's Double.toString (OpenJDK 17.0.15), printed with each value's bit pattern by
// the oracle /tmp/kg/KG.java, so the values are exactly the ones Java formatted.
//
// Left out: values where Java 17 prints more digits than the shortest round-trip form (JDK-4511638, fixed in
// Java 19): 1.0E23 → "9.999999999999999E22", 2.0E23 → "1.9999999999999998E23", 8.41E21 → "8.409999999999999E21",
// Double.MIN_VALUE → "4.9E-324" (shortest is 5.0E-324). JavaDouble prints shortest digits, as Java 19+ does.
private let javaVectors: [(bits: UInt64, java: String)] = [
    (0x4024666666666666, "10.2"),
    (0x40063ccd2f0954c2, "2.779688231918585"),
    (0x4008000000000000, "3.0"),
    (0x3f50624dd2f1a9fc, "0.001"),
    (0x3f1a36e2eb1c432d, "1.0E-4"),
    (0x416312d000000000, "1.0E7"),
    (0x41678c29dccccccd, "1.23456789E7"),
    (0x416312cfe0000000, "9999999.0"),
    (0x8000000000000000, "-0.0"),
    (0x0000000000000000, "0.0"),
    (0x01a56e1fc2f8f359, "1.0E-300"),
    (0x7fefffffffffffff, "1.7976931348623157E308"),
    (0x405edd2f1a9fbe77, "123.456"),
    (0x4059000000000000, "100.0"),
    (0x4480f0cf064dd592, "1.0E22"),
    (0x3f60624dd2f1a9fc, "0.002"),
    (0x3f50624dd2f1a9fb, "9.999999999999998E-4"),     // just below 10⁻³: scientific
    (0x3fd3333333333334, "0.30000000000000004"),
    (0xbff8000000000000, "-1.5"),
    (0x3ee4f8b588e368f1, "1.0E-5"),
    (0x0010000000000000, "2.2250738585072014E-308"),
    (0x4132d68700000000, "1234567.0"),
    (0x3fe0000000000000, "0.5"),
    (0x3fd5555555555555, "0.3333333333333333"),
    (0xc1678c29dccccccd, "-1.23456789E7"),
    (0x4011666666666666, "4.35"),
    (0x7ff8000000000000, "NaN"),
    (0x7ff0000000000000, "Infinity"),
    (0xfff0000000000000, "-Infinity"),
]

@Test("JavaDouble.format matches Java's Double.toString", arguments: javaVectors.indices)
func matchesJava(_ i: Int) {
    let v = javaVectors[i]
    let d = Double(bitPattern: v.bits)
    #expect(JavaDouble.format(d) == v.java, "bits 0x\(String(v.bits, radix: 16)) (\(d))")
}

// Java's rule: plain notation for 10⁻³ ≤ |d| < 10⁷, else computerized scientific notation; the digits round-trip.
@Test("every formatted value parses back to the same double")
func roundTrips() {
    var g = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
        let d = Double(bitPattern: g.next())
        guard d.isFinite else { continue }
        let s = JavaDouble.format(d)
        #expect(Double(s) == d, "\(s)")
        let m = abs(d)
        let scientific = s.contains("E")
        #expect(scientific == !(m >= 1e-3 && m < 1e7) || d == 0, "\(s)")
        #expect(s.contains("."), "\(s)")
    }
}

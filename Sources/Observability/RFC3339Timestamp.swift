import Foundation

/// Wall-clock time as RFC 3339 in UTC with milliseconds (`2026-11-29T02:50:53.123Z`), formatted by hand:
/// `DateFormatter` and `ISO8601DateFormatter` are slow and not meant to be shared across threads.
enum RFC3339Timestamp {
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return format(seconds: Int(spec.tv_sec), milliseconds: Int(spec.tv_nsec) / 1_000_000)
    }

    static func format(seconds: Int, milliseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var buffer = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var value = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, 4, at: 0); buffer[4] = UInt8(ascii: "-")
        put(Int(parts.tm_mon) + 1, 2, at: 5); buffer[7] = UInt8(ascii: "-")
        put(Int(parts.tm_mday), 2, at: 8); buffer[10] = UInt8(ascii: "T")
        put(Int(parts.tm_hour), 2, at: 11); buffer[13] = UInt8(ascii: ":")
        put(Int(parts.tm_min), 2, at: 14); buffer[16] = UInt8(ascii: ":")
        put(Int(parts.tm_sec), 2, at: 17); buffer[19] = UInt8(ascii: ".")
        put(milliseconds, 3, at: 20); buffer[23] = UInt8(ascii: "Z")
        return String(decoding: buffer, as: UTF8.self)
    }
}

// Benchmark for scripts/bench-logging.sh (not part of the package).
import Foundation
import Logging

// Median of 5 runs of 200k log calls with 3 metadata fields, written to /dev/null.
let devNull = open("/dev/null", O_WRONLY)
let writer = LogLineWriter(fileDescriptor: devNull)
let logger = Logger(label: "bench.logger") { JSONLogHandler(label: $0, service: "bench", writer: writer) }
let count = 200_000
var rates: [Double] = []
for _ in 0..<5 {
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<count {
        logger.info("chat message published with \"quotes\"", metadata: ["broadcaster_id": "123456", "partition": .stringConvertible(i % 20), "topic": "chat-messages"])
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    rates.append(Double(count) / seconds)
}
rates.sort()
print("JSONLogHandler: median \(Int(rates[2])) lines/s (runs: \(rates.map { Int($0) }))")
let text = Logger(label: "bench.logger") { StreamLogHandler.standardError(label: $0) }
var textRates: [Double] = []
for _ in 0..<5 {
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<count {
        text.info("chat message published with \"quotes\"", metadata: ["broadcaster_id": "123456", "partition": .stringConvertible(i % 20), "topic": "chat-messages"])
    }
    textRates.append(Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
}
textRates.sort()
print("StreamLogHandler (text, stderr → /dev/null): median \(Int(textRates[2])) lines/s")

import Dataflow
import Foundation
import Jobs
import Logging
import Observability
import Synchronization
import Testing

/// The live job's late and undecodable chat are visible as log lines in the process's JSON format, not plain text.
@Suite("Side outputs as JSON log lines")
struct SideOutputLogTests {
    @Test("each late chat message logged is one JSON object with the label, the count seen and the record; after `loud` only every 1000th")
    func lateChatAsJSONLines() throws {
        let lines = Mutex<[String]>([])
        let writer = LogLineWriter { bytes in lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        let logger = Logger(label: "clip-detector.side-output") { JSONLogHandler(label: $0, service: "dataflow", writer: writer) }
        let sink = StderrSink<ChatMessage>("clip-detector: late chat message", loud: 2, logger: logger)
        let output = try sink.createWriter(subtask: 0, parallelism: 1)
        for i in 1...1000 {
            try output.write(ChatMessage(broadcasterID: "42", text: "hi \"there\"\nline \(i)", ts: Int64(i)), timestamp: Int64(i))
        }
        let logged = lines.withLock { $0 }
        #expect(logged.count == 3, "lines: \(logged)")
        var seen: [String] = []
        for line in logged {
            #expect(line.hasSuffix("\n") && line.dropLast().contains("\n") == false, "one line each: \(line)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(object["level"] as? String == "warning")
            #expect(object["message"] as? String == "clip-detector: late chat message")
            #expect(object["service"] as? String == "dataflow")
            #expect((object["record"] as? String)?.contains("there") == true)
            #expect((object["record"] as? String)?.contains("42") == true)
            seen.append(object["seen"] as? String ?? "?")
        }
        #expect(seen == ["1", "2", "1000"])
    }
}

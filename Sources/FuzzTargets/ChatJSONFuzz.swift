import Dataflow
import Jobs

/// The JSON-lines chat parser (`JSONLineParser` + `ChatMessage.init(json:)`), as the file source reads each line,
/// and the `-D input=` parser (`ChatInput`). A decoded message must survive its own encoding unchanged.
public enum ChatJSONFuzz: FuzzTarget {
    public static let name = "chat-json"
    // libFuzzer and the regression test run one input at a time: one parser, reused as a reader reuses its own.
    nonisolated(unsafe) private static let parser = JSONLineParser()

    public static func run(_ data: UnsafeRawBufferPointer) {
        if let message = try? parser.decode(ChatMessage.self, from: data) {
            let again = try? parser.decode(ChatMessage.self, from: JSONWriter.encode(message))
            fuzzCheck(again == message, "\(message) does not survive encode → decode (got \(String(describing: again)))")
        }
        // The dead-letter record of a bad line is written with the line as its raw text.
        _ = JSONWriter.encode(DeadLetter(origin: "fuzz", position: 1, reason: "r", raw: data.text))
        _ = try? ChatInput(data.text)
    }
}

import Foundation
import Logging
import Testing
@testable import Observability

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    private func logger(_ collector: LineCollector, label: String = "monitor.poller", level: Logger.Level = .trace,
                        sourceLocation: Bool = false) -> Logger {
        Logger(label: label) { label in
            JSONLogHandler(label: label, service: "monitor", logLevel: level, includeSourceLocation: sourceLocation,
                           writer: collector.writer)
        }
    }

    @Test("a line parses back with the fixed fields and flattened metadata")
    func fieldsRoundTrip() throws {
        let collector = LineCollector()
        var log = logger(collector)
        log[metadataKey: "instance"] = "tm-1"
        log.info("channel went live", metadata: [
            "broadcaster_id": "1234",
            "stream": ["id": "s-9", "game": "Chess"],
            "tags": ["a", "b"],
        ])
        let lines = collector.all
        try #require(lines.count == 1)
        #expect(lines[0].last == UInt8(ascii: "\n"))
        #expect(lines[0].dropLast().contains(UInt8(ascii: "\n")) == false)
        let object = try #require(try collector.objects().first)
        #expect(object["level"] as? String == "info")
        #expect(object["logger"] as? String == "monitor.poller")
        #expect(object["message"] as? String == "channel went live")
        #expect(object["service"] as? String == "monitor")
        #expect(object["source"] as? String == "ObservabilityTests")
        #expect(object["instance"] as? String == "tm-1")
        #expect(object["broadcaster_id"] as? String == "1234")
        let stream = try #require(object["stream"] as? [String: Any])
        #expect(stream["id"] as? String == "s-9")
        #expect(stream["game"] as? String == "Chess")
        #expect(object["tags"] as? [String] == ["a", "b"])
        #expect(object["file"] == nil, "source location is off by default")
        let ts = try #require(object["ts"] as? String)
        #expect(ts.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "ts was \(ts)")
    }

    @Test("the timestamp is close to now, in UTC")
    func timestampIsNow() throws {
        let collector = LineCollector()
        let before = Date()
        logger(collector).notice("tick")
        let after = Date()
        let ts = try #require(try collector.objects().first?["ts"] as? String)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(parser.date(from: ts))
        #expect(date.timeIntervalSince(before) >= -0.002)
        #expect(after.timeIntervalSince(date) >= -0.002)
    }

    @Test("known instants format as RFC 3339 with milliseconds", arguments: [
        (0, 0, "1970-01-01T00:00:00.000Z"),
        (951_782_400, 7, "2000-02-29T00:00:00.007Z"),
        (1_795_920_653, 999, "2026-11-29T02:50:53.999Z"),
    ])
    func timestampFormat(seconds: Int, milliseconds: Int, expected: String) {
        #expect(RFC3339Timestamp.format(seconds: seconds, milliseconds: milliseconds) == expected)
    }

    @Test("quotes, backslashes, control characters and Unicode survive the round trip", arguments: [
        "say \"hi\"",
        "C:\\path\\file",
        "two\nlines\r\nand\ttab",
        "bell \u{07} nul \u{00} esc \u{1B} del \u{7F}",
        "emoji 🎉 and ñ, 漢字, עברית",
        "line sep \u{2028} para sep \u{2029}",
        "</script>",
        "",
    ])
    func escaping(text: String) throws {
        let collector = LineCollector()
        logger(collector).info("\(text)", metadata: ["payload": "\(text)", "nested": ["k\"ey\n": "\(text)"]])
        let line = try #require(collector.all.first)
        // Exactly one newline, the terminator: a message with newlines must not split the record for Promtail.
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(line.allSatisfy { $0 >= 0x20 || $0 == UInt8(ascii: "\n") }, "raw control byte in \(line)")
        let object = try #require(try collector.objects().first)
        #expect(object["message"] as? String == text)
        #expect(object["payload"] as? String == text)
        #expect((object["nested"] as? [String: String])?["k\"ey\n"] == text)
    }

    @Test("numbers and booleans stay JSON numbers and booleans; other values are their description")
    func typedValues() throws {
        let collector = LineCollector()
        logger(collector).info("counts", metadata: [
            "count": .stringConvertible(42), "rate": .stringConvertible(2.5), "ok": .stringConvertible(true),
            "nan": .stringConvertible(Double.nan), "url": .stringConvertible(URL(string: "http://x/")!),
        ])
        let text = try #require(collector.texts.first)
        #expect(text.contains("\"count\":42"))
        #expect(text.contains("\"rate\":2.5"))
        #expect(text.contains("\"ok\":true"))
        let object = try #require(try collector.objects().first)
        #expect(object["nan"] as? String == "nan")
        #expect(object["url"] as? String == "http://x/")
    }

    @Test("metadata that collides with a fixed field is kept under meta.KEY")
    func reservedKeys() throws {
        let collector = LineCollector()
        logger(collector).info("real message", metadata: ["message": "shadow", "level": "x", "ts": "y"])
        let object = try #require(try collector.objects().first)
        #expect(object["message"] as? String == "real message")
        #expect(object["level"] as? String == "info")
        #expect(object["meta.message"] as? String == "shadow")
        #expect(object["meta.level"] as? String == "x")
        #expect(object["meta.ts"] as? String == "y")
    }

    @Test("call metadata overrides the provider's, which overrides the logger's")
    func metadataPrecedence() throws {
        let collector = LineCollector()
        let provider = Logger.MetadataProvider { ["job_id": "from-provider", "who": "provider"] }
        var log = Logger(label: "x") { label in
            JSONLogHandler(label: label, metadataProvider: provider, writer: collector.writer)
        }
        log[metadataKey: "who"] = "logger"
        log[metadataKey: "static"] = "kept"
        log.info("m", metadata: ["job_id": "from-call"])
        let object = try #require(try collector.objects().first)
        #expect(object["job_id"] as? String == "from-call")
        #expect(object["who"] as? String == "provider")
        #expect(object["static"] as? String == "kept")
        #expect(object["service"] == nil, "no service given, no field")
    }

    @Test("the level filters, errors and source location are written when present")
    func levelsErrorsLocation() throws {
        let collector = LineCollector()
        let log = logger(collector, level: .warning, sourceLocation: true)
        log.info("dropped")
        log.debug("dropped too")
        struct BrokerDown: Error, CustomStringConvertible { var description: String { "broker down" } }
        log.error("publish failed", error: BrokerDown())
        let objects = try collector.objects()
        try #require(objects.count == 1)
        #expect(objects[0]["level"] as? String == "error")
        #expect(objects[0]["error"] as? String == "broker down")
        let file = try #require(objects[0]["file"] as? String)
        #expect(file.hasPrefix("ObservabilityTests/JSONLogHandlerTests.swift:"), "file was \(file)")
    }

    @Test("lines from many threads never interleave")
    func concurrentWriters() async throws {
        let collector = LineCollector()
        let log = logger(collector)
        let threads = 8, perThread = 500
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let group = DispatchGroup()
            for thread in 0..<threads {
                group.enter()
                Thread.detachNewThread {
                    for index in 0..<perThread {
                        log.info("message \(index) with \"quotes\" and\nnewline", metadata: ["thread": "\(thread)", "i": "\(index)"])
                    }
                    group.leave()
                }
            }
            group.notify(queue: .global()) { done.resume() }
        }
        let objects = try collector.objects()
        #expect(objects.count == threads * perThread)
        var seen = Set<String>()
        for object in objects { seen.insert("\(object["thread"] ?? "")/\(object["i"] ?? "")") }
        #expect(seen.count == threads * perThread)
    }

    @Test("a file descriptor writer sends whole lines")
    func fileDescriptorWriter() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let writer = LogLineWriter(fileDescriptor: fds[1])
        let log = Logger(label: "fd") { JSONLogHandler(label: $0, writer: writer) }
        log.info("one")
        log.warning("two")
        close(fds[1])
        let data = FileHandle(fileDescriptor: fds[0]).readDataToEndOfFile()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        let messages = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.map { $0?["message"] as? String }
        #expect(messages == ["one", "two"])
        #expect(writer.failedWriteCount == 0)
    }

    @Test("a write to an invalid descriptor is counted, not a crash")
    func failedWritesAreCounted() throws {
        // -1 rather than a closed descriptor: a parallel test could reuse a closed descriptor's number.
        let writer = LogLineWriter(fileDescriptor: -1)
        writer.write(Array("{}\n".utf8))
        #expect(writer.failedWriteCount == 1)
    }

    @Test("the factory picks JSON or text handlers with the configured level")
    func factory() throws {
        var configuration = ObservabilityConfiguration()
        configuration.logLevel = .debug
        let collector = LineCollector()
        let json = Observability.makeLogHandlerFactory(service: "api", format: .json, configuration: configuration,
                                                       writer: collector.writer)("api.http", nil)
        #expect(json is JSONLogHandler)
        #expect(json.logLevel == .debug)
        Logger(label: "api.http", factory: { _ in json }).debug("hello")
        #expect(try collector.objects().first?["service"] as? String == "api")
        let text = Observability.makeLogHandlerFactory(service: "api", format: .text, configuration: configuration)("api.http", nil)
        // Text lines are masked too: the stream handler sits inside the masking one.
        #expect((text as? MaskingLogHandler)?.inner is StreamLogHandler)
        #expect(text.logLevel == .debug)
    }

    @Test("log lines mask secrets: sensitive metadata keys, URL passwords and password= pairs in messages, metadata and errors")
    func masking() throws {
        let collector = LineCollector()
        let logger = Logger(label: "dataflow.jobmanager") { JSONLogHandler(label: $0, service: "jobmanager", writer: collector.writer) }
        struct Failure: Error, CustomStringConvertible { let description = "cannot connect to redis://:errpw-77@cache:6379" }
        logger.error("submitting with postgresql://u:msgpw-77@db/x and password=kvpw-77", error: Failure(),
                     metadata: ["twitch.client-secret": "tokpw-77", "url": "kafka://svc:metapw-77@broker:9092/t", "rows": .stringConvertible(10)])
        let line = String(decoding: try #require(collector.all.first), as: UTF8.self)
        for secret in ["msgpw-77", "kvpw-77", "tokpw-77", "metapw-77", "errpw-77"] { #expect(!line.contains(secret), "\(line)") }
        let object = try #require(try collector.objects().first)
        #expect(object["message"] as? String == "submitting with postgresql://u:******@db/x and password=******")
        #expect(object["twitch.client-secret"] as? String == "******")
        #expect(object["rows"] as? Int == 10)
    }
}

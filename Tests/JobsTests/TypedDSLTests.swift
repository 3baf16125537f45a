import Foundation
import Testing

/// The DSL's promise: a stage whose input type is not the previous stage's output type does not compile.
/// Checked by type-checking small programs against the built `Dataflow` module.
@Suite("The job DSL is typed end to end")
struct TypedDSLTests {
    func typecheck(_ body: String) throws -> (ok: Bool, diagnostics: String) {
        let modules = URL(fileURLWithPath: try dataflowBinary()).deletingLastPathComponent().appendingPathComponent("Modules")
        try #require(FileManager.default.fileExists(atPath: modules.appendingPathComponent("Dataflow.swiftmodule").path),
                     "no Dataflow module at \(modules.path)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dsl-\(UUID().uuidString).swift")
        let program = """
            import Dataflow
            struct Chat: Sendable { var channel: String; var text: String; var ts: Int64 }
            struct Never2: SourceConnector { var maxParallelism: Int? { 1 }; var description: String { "" }
                func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<Chat> { fatalError() } }
            struct Drop<T>: SinkConnector { var description: String { "" }
                func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<T> { fatalError() } }
            func make() throws -> Job {
                try Job("j") {
            \(body)
                }
            }
            """
        try program.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["swiftc", "-typecheck", "-I", modules.path, file.path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus == 0, text)
    }

    @Test("a well-typed chain compiles")
    func wellTyped() async throws { try await onThread {
        let r = try typecheck("""
                    Source("chat", Never2())
                    Filter<Chat>("no-commands") { !$0.text.hasPrefix("!") }
                    KeyBy(\\Chat.channel).window("rate", .sliding(size: .seconds(5), slide: .seconds(1)), aggregate: Count())
                    Map("count") { (w: WindowResult<String, Int>) in w.value }
                    Sink("out", Drop<Int>())
            """)
        #expect(r.ok, "\(r.diagnostics)")
    } }

    @Test("a stage expecting another type than the previous one produces does not compile")
    func mismatchedStage() async throws { try await onThread {
        let r = try typecheck("""
                    Source("chat", Never2())
                    Map("length") { (s: String) in s.count }
                    Sink("out", Drop<Int>())
            """)
        #expect(!r.ok)
        #expect(r.diagnostics.contains("error:"))
        #expect(r.diagnostics.contains("Chat") && r.diagnostics.contains("String"), "\(r.diagnostics)")
    } }

    @Test("a sink of the wrong type, or a stage after a sink, does not compile")
    func mismatchedSink() async throws { try await onThread {
        let wrongSink = try typecheck("""
                    Source("chat", Never2())
                    Sink("out", Drop<Int>())
            """)
        #expect(!wrongSink.ok)
        let afterSink = try typecheck("""
                    Source("chat", Never2())
                    Sink("out", Drop<Chat>())
                    Filter<Chat>("late") { _ in true }
            """)
        #expect(!afterSink.ok)
    } }
}

import Dataflow
import Foundation

/// Work handed to a subtask's thread from elsewhere (completions of async calls): it runs between elements on
/// that thread, so operators stay single-threaded. Posting wakes a subtask waiting on its input.
public final class Mailbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var mails: [() throws -> Void] = []
    /// Wakes the subtask's loop (its input gate) when mail arrives.
    var onPost: (@Sendable () -> Void)?

    public init() {}

    /// From any thread.
    public func post(_ mail: @escaping () throws -> Void) {
        condition.lock()
        mails.append(mail)
        condition.broadcast()
        condition.unlock()
        onPost?()
    }

    private func takeAll() -> [() throws -> Void] {
        condition.lock()
        defer { condition.unlock() }
        let m = mails
        mails = []
        return m
    }

    /// Runs what is there; on the subtask's thread.
    public func drain() throws {
        for mail in takeAll() { try mail() }
    }

    /// Waits for mail (at most `timeout` seconds) and runs it; returns whether any ran.
    @discardableResult
    public func waitAndRun(timeout: TimeInterval) throws -> Bool {
        condition.lock()
        if mails.isEmpty { _ = condition.wait(until: Date().addingTimeInterval(timeout)) }
        let m = mails
        mails = []
        condition.unlock()
        for mail in m { try mail() }
        return !m.isEmpty
    }
}

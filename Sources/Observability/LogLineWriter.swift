import Foundation
import Synchronization

/// Where finished log lines go. One lock serialises writers so that lines from different threads never interleave,
/// and each line leaves in a single `write(2)` where the kernel allows it.
public final class LogLineWriter: Sendable {
    private enum Destination: Sendable {
        case fileDescriptor(Int32)
        case closure(@Sendable ([UInt8]) -> Void)
    }

    private let destination: Destination
    private let lock = Mutex<Void>(())
    private let failedWrites = Atomic<Int>(0)

    /// The process's standard error, the conventional place for logs (stdout stays free for command output).
    public static let standardError = LogLineWriter(fileDescriptor: STDERR_FILENO)

    public init(fileDescriptor: Int32) {
        destination = .fileDescriptor(fileDescriptor)
    }

    /// Hands each line (with its trailing newline) to `write`; tests collect lines this way.
    public init(_ write: @escaping @Sendable ([UInt8]) -> Void) {
        destination = .closure(write)
    }

    /// Lines that could not be written (a closed or full descriptor). Nowhere else to report them, so they are counted.
    public var failedWriteCount: Int { failedWrites.load(ordering: .relaxed) }

    public func write(_ line: [UInt8]) {
        lock.withLock { _ in
            switch destination {
            case .closure(let write):
                write(line)
            case .fileDescriptor(let descriptor):
                line.withUnsafeBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                        if written > 0 { offset += written; continue }
                        if written < 0 && errno == EINTR { continue }
                        failedWrites.add(1, ordering: .relaxed)
                        return
                    }
                }
            }
        }
    }
}

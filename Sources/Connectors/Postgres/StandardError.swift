import Foundation

/// One line on stderr: the sink's voice for retries, recoveries and skipped rows (never a password: lines name
/// the server by host and port only).
enum StandardError {
    static func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

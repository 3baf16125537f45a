import NIOCore
import NIOEmbedded
import Twitch

/// The IRC line decoder (`IRCLineDecoder`) on a byte stream cut into reads: the first byte sets the read size, the
/// limit is small so that oversized lines happen. Every line it hands on is within the limit and has no LF.
public enum IRCStreamFuzz: FuzzTarget {
    public static let name = "irc-stream"
    static let maxLineLength = 64

    public static func run(_ data: UnsafeRawBufferPointer) {
        guard let first = data.first else { return }
        let chunk = Int(first % 32) + 1
        let stream = UnsafeRawBufferPointer(rebasing: data.dropFirst())
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(IRCLineDecoder(maxLineLength: maxLineLength)))
        defer { _ = try? channel.finish() }
        var offset = 0
        while offset < stream.count {
            let end = min(offset + chunk, stream.count)
            let buffer = channel.allocator.buffer(bytes: UnsafeRawBufferPointer(rebasing: stream[offset..<end]))
            fuzzCheck((try? channel.writeInbound(buffer)) != nil, "the decoder threw on input")
            offset = end
            while let line = try? channel.readInbound(as: ByteBuffer.self) {
                fuzzCheck(line.readableBytes <= maxLineLength, "a line of \(line.readableBytes) bytes passed the limit")
                fuzzCheck(!line.readableBytesView.contains(0x0A), "a line holds a LF")
                line.withUnsafeReadableBytes { _ = try? IRCMessage.parse(bytes: $0) }
            }
        }
    }
}

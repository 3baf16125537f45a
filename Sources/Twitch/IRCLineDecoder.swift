import NIOCore

/// Splits a TCP byte stream into IRC lines (LF-terminated, CR optional; the parser strips it).
/// A line longer than `maxLineLength` is discarded whole and reported as an `IRCOversizedLine` user event,
/// so a flood of garbage cannot grow memory.
public struct IRCLineDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer
    public let maxLineLength: Int
    private var discardingOversizedLine = false

    public init(maxLineLength: Int = 16 * 1024) {
        self.maxLineLength = maxLineLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: 0x0A) else {
            if buffer.readableBytes > maxLineLength {
                if !discardingOversizedLine { context.fireUserInboundEventTriggered(IRCOversizedLine()) }
                discardingOversizedLine = true
                buffer.moveReaderIndex(to: buffer.writerIndex)
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if discardingOversizedLine {
            discardingOversizedLine = false
            return .continue
        }
        if length > maxLineLength {
            context.fireUserInboundEventTriggered(IRCOversizedLine())
            return .continue
        }
        if length == 0 || (length == 1 && line.getInteger(at: line.readerIndex, as: UInt8.self) == 0x0D) { return .continue }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)  // an unterminated last line is incomplete: dropped
        return .needMoreData
    }
}

/// User event: a line over the length limit was dropped.
public struct IRCOversizedLine: Sendable {}

/// One IRC line as Twitch sends it (IRCv3 message tags, RFC 1459 framing):
/// `[@key=value;… ][:prefix ]COMMAND[ param…][ :trailing]`.
/// Parsing works on UTF-8 bytes and never traps: garbage gives an `IRCParseError`.
public struct IRCMessage: Sendable, Equatable {
    public var tags: [IRCTag]
    /// `nick!user@host` or a server name, without the leading `:`.
    public var prefix: String?
    /// Upper-case word (`PRIVMSG`) or a three-digit numeric (`001`).
    public var command: String
    /// Middle parameters followed by the trailing one (which may contain spaces).
    public var parameters: [String]

    public init(tags: [IRCTag] = [], prefix: String? = nil, command: String, parameters: [String] = []) {
        self.tags = tags
        self.prefix = prefix
        self.command = command
        self.parameters = parameters
    }

    /// The value of the first tag named `key` (already unescaped); `nil` when absent.
    public func tag(_ key: String) -> String? {
        for tag in tags where tag.key == key { return tag.value }
        return nil
    }

    /// The nick in a `nick!user@host` prefix (or the whole prefix when it has no `!`).
    public var nick: String? {
        guard let prefix else { return nil }
        if let bang = prefix.utf8.firstIndex(of: UInt8(ascii: "!")) { return String(prefix[..<bang]) }
        return prefix
    }

    /// The trailing (last) parameter, usually the text.
    public var trailing: String? { parameters.last }

    /// The line without CR LF; tag values are escaped, the last parameter gets `:` when it needs it.
    public var serialized: String {
        var line = ""
        if !tags.isEmpty {
            line += "@"
            for (index, tag) in tags.enumerated() {
                if index > 0 { line += ";" }
                line += tag.key
                line += "="
                line += IRCTag.escape(tag.value)
            }
            line += " "
        }
        if let prefix { line += ":" + prefix + " " }
        line += command
        for (index, parameter) in parameters.enumerated() {
            let isLast = index == parameters.count - 1
            if isLast && (parameter.isEmpty || parameter.utf8.contains(UInt8(ascii: " ")) || parameter.utf8.first == UInt8(ascii: ":")) {
                line += " :" + parameter
            } else {
                line += " " + parameter
            }
        }
        return line
    }

    /// Parses one line (a trailing CR LF is allowed).
    public static func parse(_ line: String) throws(IRCParseError) -> IRCMessage {
        var copy = line
        let result: Result<IRCMessage, IRCParseError> = copy.withUTF8 { buffer in
            Result { () throws(IRCParseError) -> IRCMessage in try parse(bytes: UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }

    /// Parses one line from raw bytes (a trailing CR LF is allowed). Invalid UTF-8 is repaired, not rejected.
    public static func parse(bytes: UnsafeRawBufferPointer) throws(IRCParseError) -> IRCMessage {
        let space = UInt8(ascii: " ")
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        guard end > 0 else { throw .emptyLine }
        // CR and LF end a line; inside one they cannot be represented, so such a line is garbage.
        for i in 0..<end where bytes[i] == 0x0A || bytes[i] == 0x0D { throw .embeddedLineBreak }
        var index = 0

        func string(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        }
        func nextSpace(from start: Int) -> Int? {
            var i = start
            while i < end {
                if bytes[i] == space { return i }
                i += 1
            }
            return nil
        }
        func skipSpaces(_ i: inout Int) { while i < end, bytes[i] == space { i += 1 } }

        var tags: [IRCTag] = []
        if bytes[0] == UInt8(ascii: "@") {
            guard let tagsEnd = nextSpace(from: 1) else { throw .missingCommand }
            tags = try IRCTag.parseList(bytes, from: 1, to: tagsEnd)
            index = tagsEnd
            skipSpaces(&index)
        }

        var prefix: String?
        if index < end, bytes[index] == UInt8(ascii: ":") {
            guard let prefixEnd = nextSpace(from: index + 1) else { throw .missingCommand }
            guard prefixEnd > index + 1 else { throw .malformedPrefix }
            prefix = string(index + 1, prefixEnd)
            index = prefixEnd
            skipSpaces(&index)
        }

        guard index < end else { throw .missingCommand }
        let commandEnd = nextSpace(from: index) ?? end
        guard isValidCommand(bytes, from: index, to: commandEnd) else { throw .invalidCommand }
        let command = string(index, commandEnd)
        index = commandEnd

        var parameters: [String] = []
        while true {
            skipSpaces(&index)
            guard index < end else { break }
            if bytes[index] == UInt8(ascii: ":") {
                parameters.append(string(index + 1, end))
                break
            }
            let parameterEnd = nextSpace(from: index) ?? end
            parameters.append(string(index, parameterEnd))
            index = parameterEnd
        }
        return IRCMessage(tags: tags, prefix: prefix, command: command, parameters: parameters)
    }

    /// A command is letters only, or exactly three digits.
    private static func isValidCommand(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Bool {
        guard to > from else { return false }
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        let isLetter = { (b: UInt8) in (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        if to - from == 3, isDigit(bytes[from]), isDigit(bytes[from + 1]), isDigit(bytes[from + 2]) { return true }
        for i in from..<to where !isLetter(bytes[i]) { return false }
        return true
    }
}

public enum IRCParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyLine
    case missingCommand
    case invalidCommand
    case malformedTags
    case malformedPrefix
    case lineTooLong
    case embeddedLineBreak

    public var description: String {
        switch self {
        case .emptyLine: "empty IRC line"
        case .missingCommand: "IRC line has no command"
        case .invalidCommand: "IRC command is not letters or a three-digit numeric"
        case .malformedTags: "IRC tag block is malformed"
        case .malformedPrefix: "IRC prefix is empty"
        case .lineTooLong: "IRC line exceeds the maximum length"
        case .embeddedLineBreak: "IRC line contains CR or LF before its end"
        }
    }
}

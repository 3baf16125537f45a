import Cluster
import Foundation

/// The RPC messages between the JobManager and TaskManagers (`ControlMessage`, JSON in a frame): what either side
/// reads from its peer. A message that parses must encode and parse again.
public enum RPCMessageFuzz: FuzzTarget {
    public static let name = "rpc-message"

    public static func run(_ data: UnsafeRawBufferPointer) {
        guard let message = try? ControlMessage.parse(Array(data)) else { return }
        let frame = try? message.frame()
        fuzzCheck(frame != nil, "a parsed message does not encode")
        fuzzCheck((try? ControlMessage.parse(frame!)) != nil, "a parsed message does not parse after encoding")
    }
}

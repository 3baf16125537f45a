import Synchronization

/// The port a server actually bound (configured port 0 picks a free one), for whoever waits for it: the process
/// that prints where the API is, and tests.
public final class BoundAddress: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, Error>])
        case bound(Int)
        case failed(Error)
    }
    private let state = Mutex<State>(.waiting([]))
    public let host: String

    init(host: String) { self.host = host }

    func bind(port: Int) { resolve(.bound(port)) }
    func fail(_ error: Error) { resolve(.failed(error)) }

    private func resolve(_ result: State) {
        let waiters = state.withLock { s -> [CheckedContinuation<Int, Error>] in
            guard case .waiting(let w) = s else { return [] }
            s = result
            return w
        }
        for w in waiters {
            switch result {
            case .bound(let port): w.resume(returning: port)
            case .failed(let error): w.resume(throwing: error)
            case .waiting: break
            }
        }
    }

    /// Waits until the server listens; throws if it could not bind.
    public func port() async throws -> Int {
        try await withCheckedThrowingContinuation { c in
            let immediate = state.withLock { s -> Result<Int, Error>? in
                switch s {
                case .bound(let port): return .success(port)
                case .failed(let error): return .failure(error)
                case .waiting(var w):
                    w.append(c)
                    s = .waiting(w)
                    return nil
                }
            }
            if let immediate { c.resume(with: immediate) }
        }
    }

    /// `http://host:port` once bound.
    public func url() async throws -> String { "http://\(host):\(try await port())" }
}

// HTTPClient: the public face of the HTTP connector. See README.md.

import Foundation

/// An HTTP/1.1 client on libcurl's multi interface. One dedicated event thread per client performs every request,
/// so callers never block: `execute` suspends (async) or returns at once (completion handler).
///
/// - Connections are kept open and reused across requests (libcurl's connection cache on the multi handle),
///   up to `HTTPClientOptions.maxConnectionsPerHost` per host:port.
/// - Any status code is a response; failures to get one are `HTTPClientError`s.
/// - `shutdown()` fails outstanding requests with `.shutDown` and joins the event thread; `deinit` does the same,
///   so dropping the last reference is safe.
public final class HTTPClient: Sendable {
    public let options: HTTPClientOptions
    let loop: CurlEventLoop

    /// Starts the client's event thread. Throws only when libcurl cannot initialise.
    public init(options: HTTPClientOptions = .default) throws(HTTPClientError) {
        self.options = options
        self.loop = try CurlEventLoop(options: options)
    }

    deinit {
        loop.shutdown(wait: true)
    }

    /// Performs `request`. Throws `HTTPClientError` when no response arrives, and `CancellationError` when the
    /// task is cancelled (the transfer is aborted and its easy handle removed right away).
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = Transfer(request: request, options: options)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                transfer.completion = { result in
                    switch result {
                    case .success(let response): continuation.resume(returning: response)
                    case .failure(.cancelled): continuation.resume(throwing: CancellationError())
                    case .failure(let error): continuation.resume(throwing: error)
                    }
                }
                if transfer.cancelRequested.load(ordering: .sequentiallyConsistent) {
                    transfer.complete(.failure(.cancelled))      // cancelled before it was handed over
                } else {
                    loop.submit(transfer)
                }
            }
        } onCancel: {
            loop.cancel(transfer)
        }
    }

    /// Performs `request` and calls `completion` exactly once with the response or the error.
    ///
    /// Returns at once. `completion` runs on the client's event thread (or on the calling thread when the client is
    /// already shut down): it must be quick and must not block — hand heavy work to another thread. Cancelling
    /// through the returned handle completes with `.cancelled`.
    @discardableResult
    public func execute(_ request: HTTPRequest,
                        completion: @escaping @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void) -> RequestHandle {
        let transfer = Transfer(request: request, options: options)
        transfer.completion = completion
        loop.submit(transfer)
        return RequestHandle(loop: loop, transfer: transfer)
    }

    /// Performs `request` and blocks the calling thread until it finishes. For plain threads only: never call it
    /// from a Swift concurrency task or from a completion handler of this client.
    public func executeBlocking(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPClientError> {
        let box = ResultBox()
        execute(request) { result in box.set(result) }
        return box.wait()
    }

    /// Fails every unfinished request with `HTTPClientError.shutDown`, stops the event thread and waits for it to
    /// finish (every completion has run when this returns). Later requests fail at once with `.shutDown`.
    /// Idempotent. Called from one of this client's completion handlers it does not wait (it cannot).
    public func shutdown() {
        loop.shutdown(wait: true)
    }

    /// Requests handed over and not yet completed.
    public var inFlightCount: Int { loop.inFlight }

    /// Cancels one request made with the completion-handler `execute`.
    public struct RequestHandle: Sendable {
        let loop: CurlEventLoop
        let transfer: Transfer

        /// Aborts the request; its completion gets `.cancelled` unless it already finished. Idempotent.
        public func cancel() { loop.cancel(transfer) }
    }
}

private final class ResultBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<HTTPResponse, HTTPClientError>?

    func set(_ r: Result<HTTPResponse, HTTPClientError>) {
        condition.lock()
        result = r
        condition.signal()
        condition.unlock()
    }

    func wait() -> Result<HTTPResponse, HTTPClientError> {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}

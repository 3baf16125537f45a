// A thin adapter from "one input → one HTTP call → one output" to the async I/O stage (`AsyncMap`): it is an
// `AsyncFunction`.

import Dataflow

/// Calls an HTTP endpoint once per input: `request` builds the call, `response` turns a 2xx answer into the
/// output. Any other status throws `HTTPStatusError` (status + first 200 bytes of the body); transport failures
/// throw `HTTPClientError`; cancellation throws `CancellationError`. No retries here — that is the stage's job.
public struct HTTPAsyncFunction<Input, Output>: Sendable {
    public let client: HTTPClient
    public let makeRequest: @Sendable (Input) -> HTTPRequest
    public let parseResponse: @Sendable (Input, HTTPResponse) throws -> Output

    public init(client: HTTPClient,
                request: @escaping @Sendable (Input) -> HTTPRequest,
                response: @escaping @Sendable (Input, HTTPResponse) throws -> Output) {
        self.client = client
        self.makeRequest = request
        self.parseResponse = response
    }

    public func invoke(_ input: Input) async throws -> Output {
        let request = makeRequest(input)
        let response = try await client.execute(request)
        guard response.isSuccess else {
            throw HTTPStatusError(status: response.status, url: response.url.isEmpty ? request.url : response.url,
                                  body: response.body)
        }
        return try parseResponse(input, response)
    }
}

/// Usable as the function of an `AsyncMap` stage.
extension HTTPAsyncFunction: AsyncFunction {}

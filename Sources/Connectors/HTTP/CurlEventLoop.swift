// The engine under HTTPClient: one libcurl multi handle driven by one dedicated thread.
//
// Threads:
// - Callers (any thread or task) only touch `Transfer.cancelRequested` and the lock-protected `Shared` queues,
//   then call curl_multi_wakeup — while holding the lock, so the multi handle cannot be destroyed in between.
// - The event thread owns everything else: the multi handle's transfers, easy handles, response buffers. It loops
//   drain queues → curl_multi_perform → curl_multi_info_read → curl_multi_poll, and runs completion handlers
//   (never under the lock).

import CCurl
import Foundation
import Synchronization

/// curl_global_init, once per process (a global `let` is initialised once, thread-safely, on first use).
private let curlGlobalInitCode: Int = Int(curl_global_init(Int(CURL_GLOBAL_ALL)).rawValue)

typealias HTTPCompletion = @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void

/// One request on its way through the event loop.
final class Transfer: @unchecked Sendable {
    let request: HTTPRequest
    let timeout: Duration
    let connectTimeout: Duration
    let maxBody: Int
    /// When the request's timeout runs out, counted from the `execute` call.
    let deadline: ContinuousClock.Instant
    /// Set by any thread; read by the event thread when it dequeues or processes cancellations.
    let cancelRequested = Atomic<Bool>(false)
    /// Set once before submission; read only by the thread that completes the transfer afterwards.
    var completion: HTTPCompletion?

    // Event thread only, from here on.
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var errorBuffer: UnsafeMutablePointer<CChar>?
    var body: [UInt8] = []
    var headers = HTTPHeaders()
    var tooLarge = false
    var completed = false

    init(request: HTTPRequest, options: HTTPClientOptions) {
        self.request = request
        let t = request.timeout ?? options.requestTimeout
        // libcurl treats 0 as "no timeout"; the smallest real bound is 1 ms.
        self.timeout = max(t, .milliseconds(1))
        self.connectTimeout = max(min(options.connectTimeout, self.timeout), .milliseconds(1))
        self.maxBody = max(0, request.maxResponseBodySize ?? options.maxResponseBodySize)
        self.deadline = .now + self.timeout
    }

    /// Runs the completion exactly once. Event thread, or the submitting thread when never enqueued.
    func complete(_ result: Result<HTTPResponse, HTTPClientError>) {
        guard !completed else { return }
        completed = true
        let c = completion
        completion = nil
        c?(result)
    }

    /// Frees libcurl resources. Event thread only; the easy handle must already be out of the multi handle.
    func releaseCurlResources() {
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        errorBuffer?.deallocate()
        errorBuffer = nil
    }
}

final class CurlEventLoop: @unchecked Sendable {
    private struct Shared {
        var incoming: [Transfer] = []
        var cancels: [Transfer] = []
        var stopping = false
        /// The multi handle is gone: no more curl_multi_wakeup.
        var stopped = false
        var inFlight = 0
        /// The event thread, once it runs.
        var eventThread: pthread_t?
    }

    let options: HTTPClientOptions
    private let shared = Locked(Shared())
    private let multi: UnsafeMutableRawPointer
    private let finished = DispatchSemaphore(value: 0)
    /// Event thread only.
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    /// Event thread only: no active transfer's deadline is earlier than this (it may be stale-early).
    private var nextDeadline = ContinuousClock.Instant.now + .seconds(3600)
    /// libcurl enforces CURLOPT_TIMEOUT_MS itself, except for transfers still queued for a connection
    /// (CURLMOPT_MAX_HOST_CONNECTIONS): those the loop expires, this long after their deadline.
    private static let deadlineGrace = Duration.milliseconds(5)

    private static let counter = Atomic<Int>(0)

    init(options: HTTPClientOptions) throws(HTTPClientError) {
        guard curlGlobalInitCode == 0 else {
            throw .transport(url: "", code: curlGlobalInitCode, detail: "curl_global_init failed")
        }
        guard let multi = curl_multi_init() else {
            throw .transport(url: "", code: -1, detail: "curl_multi_init failed")
        }
        self.multi = multi
        self.options = options
        _ = swcurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, options.maxConnectionsPerHost))
        _ = swcurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(0, options.maxConnectionsTotal))
        _ = swcurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, options.connectionCacheSize))

        let n = Self.counter.wrappingAdd(1, ordering: .relaxed).newValue
        // The thread (its closure) holds the loop until `run` returns; the loop does not hold the thread, so nothing
        // is left behind once it ends.
        let t = Thread { [self] in self.run() }
        t.name = "http-client-\(n)"
        t.start()
    }

    var inFlight: Int { shared.withLock { $0.inFlight } }

    /// Whether the caller runs on this loop's event thread (where blocking on the loop would deadlock).
    var isEventThread: Bool {
        let me = pthread_self()
        return shared.withLock { s in s.eventThread.map { pthread_equal($0, me) != 0 } ?? false }
    }

    // MARK: caller side

    /// Hands `transfer` to the event thread, or completes it at once with `.shutDown` / `.cancelled`.
    func submit(_ transfer: Transfer) {
        let accepted = shared.withLock { s -> Bool in
            guard !s.stopping else { return false }
            s.incoming.append(transfer)
            s.inFlight += 1
            _ = curl_multi_wakeup(multi)
            return true
        }
        if !accepted { transfer.complete(.failure(.shutDown)) }
    }

    /// Asks the event thread to abort `transfer`. Idempotent; a no-op once it completed.
    func cancel(_ transfer: Transfer) {
        transfer.cancelRequested.store(true, ordering: .sequentiallyConsistent)
        shared.withLock { s in
            guard !s.stopped else { return }
            s.cancels.append(transfer)
            _ = curl_multi_wakeup(multi)
        }
    }

    /// Stops the loop: every unfinished transfer fails with `.shutDown`. With `wait`, returns after the event
    /// thread has finished (all completions have run and libcurl's handles are freed). Idempotent.
    func shutdown(wait: Bool) {
        shared.withLock { s in
            if !s.stopping {
                s.stopping = true
                if !s.stopped { _ = curl_multi_wakeup(multi) }
            }
        }
        if wait && !isEventThread {
            finished.wait()
            finished.signal()       // let any other waiter through too
        }
    }

    // MARK: event thread

    private func run() {
        let me = pthread_self()
        shared.withLock { $0.eventThread = me }
        var done: [(Transfer, Result<HTTPResponse, HTTPClientError>)] = []
        while true {
            let (incoming, cancels, stopping) = shared.withLock { s in
                defer { s.incoming.removeAll(keepingCapacity: true); s.cancels.removeAll(keepingCapacity: true) }
                return (s.incoming, s.cancels, s.stopping)
            }
            for t in incoming {
                if stopping {
                    done.append((t, .failure(.shutDown)))
                } else if t.cancelRequested.load(ordering: .sequentiallyConsistent) {
                    done.append((t, .failure(.cancelled)))
                } else if let error = start(t) {
                    done.append((t, .failure(error)))
                }
            }
            for t in cancels {
                guard let easy = t.easy, active[easy] != nil else { continue }
                remove(t)
                done.append((t, .failure(.cancelled)))
            }
            if stopping {
                for t in active.values {
                    remove(t)
                    done.append((t, .failure(.shutDown)))
                }
                deliver(&done)
                break
            }

            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let msg = curl_multi_info_read(multi, &left) {
                guard swcurl_msg_is_done(msg) != 0, let easy = msg.pointee.easy_handle,
                      let t = active[easy] else { continue }
                let code = swcurl_msg_result(msg)      // read before remove_handle invalidates `msg`
                done.append((t, finish(t, code: code)))
            }
            let now = ContinuousClock.now
            if now >= nextDeadline + Self.deadlineGrace { expireOverdue(now, &done) }
            deliver(&done)
            // Sleeps until socket activity, a libcurl timer, the next deadline, or curl_multi_wakeup.
            let untilDeadline = Self.milliseconds(nextDeadline + Self.deadlineGrace - ContinuousClock.now)
            _ = curl_multi_poll(multi, nil, 0, Int32(min(1000, untilDeadline + 1)), nil)
        }

        // Requests that raced with shutdown are failed; later submits see `stopping` and fail on their own.
        let late = shared.withLock { s in
            defer { s.incoming.removeAll(); s.cancels.removeAll(); s.stopped = true }
            return s.incoming
        }
        for t in late { done.append((t, .failure(.shutDown))) }
        deliver(&done)
        curl_multi_cleanup(multi)
        finished.signal()
    }

    /// Fails every active transfer whose deadline has passed by more than the grace, and recomputes `nextDeadline`.
    private func expireOverdue(_ now: ContinuousClock.Instant, _ done: inout [(Transfer, Result<HTTPResponse, HTTPClientError>)]) {
        var earliest = now + .seconds(3600)
        for t in active.values {
            if t.deadline + Self.deadlineGrace <= now {
                remove(t)
                done.append((t, .failure(.timeout(url: t.request.url, limit: t.timeout))))
            } else {
                earliest = min(earliest, t.deadline)
            }
        }
        nextDeadline = earliest
    }

    private func deliver(_ done: inout [(Transfer, Result<HTTPResponse, HTTPClientError>)]) {
        guard !done.isEmpty else { return }
        let n = done.count
        shared.withLock { $0.inFlight -= n }
        for (t, result) in done { t.complete(result) }
        done.removeAll(keepingCapacity: true)
    }

    /// Takes `t` out of the multi handle and frees its easy handle.
    private func remove(_ t: Transfer) {
        guard let easy = t.easy else { return }
        curl_multi_remove_handle(multi, easy)
        active[easy] = nil
        t.releaseCurlResources()
    }

    /// Configures an easy handle for `t` and adds it to the multi handle; returns an error instead when it cannot.
    private func start(_ t: Transfer) -> HTTPClientError? {
        let request = t.request
        for (name, value) in request.headers {
            if name.isEmpty || name.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 58 || $0 == 32 })
                || value.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
                return .invalidRequest(url: request.url, detail: "bad header field '\(name)'")
            }
        }
        if request.method.rawValue.isEmpty || request.method.rawValue.utf8.contains(where: { $0 <= 32 || $0 >= 127 }) {
            return .invalidRequest(url: request.url, detail: "bad method '\(request.method)'")
        }
        guard let easy = curl_easy_init() else {
            return .transport(url: request.url, code: -1, detail: "curl_easy_init failed")
        }
        t.easy = easy
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        t.errorBuffer = errorBuffer

        var rc = CURLE_OK
        func set(_ code: CURLcode) { if rc == CURLE_OK { rc = code } }
        set(swcurl_setopt_string(easy, CURLOPT_URL, request.url))
        set(swcurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(swcurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(swcurl_setopt_long(easy, CURLOPT_TCP_NODELAY, 1))
        set(swcurl_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)))
        set(swcurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(swcurl_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        set(swcurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(t.timeout)))
        set(swcurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(t.connectTimeout)))
        set(swcurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, options.followRedirects ? 1 : 0))
        set(swcurl_setopt_long(easy, CURLOPT_MAXREDIRS, max(0, options.maxRedirects)))
        set(swcurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, options.verifyTLS ? 1 : 0))
        set(swcurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0))
        set(swcurl_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(t.maxBody)))
        if !request.headers.contains("User-Agent") {
            set(swcurl_setopt_string(easy, CURLOPT_USERAGENT, options.userAgent))
        }

        let me = Unmanaged.passUnretained(t).toOpaque()     // `active` keeps `t` alive while curl may call back
        set(swcurl_setopt_write_function(easy) { data, size, count, user in
            let t = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            let n = size * count
            if t.body.count + n > t.maxBody { t.tooLarge = true; return 0 }   // 0 aborts with CURLE_WRITE_ERROR
            if let data, n > 0 {
                data.withMemoryRebound(to: UInt8.self, capacity: n) {
                    t.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n))
                }
            }
            return n
        })
        set(swcurl_setopt_pointer(easy, CURLOPT_WRITEDATA, me))
        set(swcurl_setopt_header_function(easy) { data, size, count, user in
            let t = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            let n = size * count
            guard let data, n > 0 else { return n }
            data.withMemoryRebound(to: UInt8.self, capacity: n) {
                Transfer.parseHeaderLine(UnsafeBufferPointer(start: $0, count: n), into: &t.headers)
            }
            return n
        })
        set(swcurl_setopt_pointer(easy, CURLOPT_HEADERDATA, me))

        // Method and body. POSTFIELDS sends the body with a Content-Length (no chunking, no Expect).
        let method = request.method.rawValue
        let sendsBody = !request.body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH"
        switch method {
        case "GET" where !sendsBody: set(swcurl_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case "HEAD": set(swcurl_setopt_long(easy, CURLOPT_NOBODY, 1))
        case "POST": break
        default: set(swcurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
        }
        if sendsBody && method != "HEAD" {
            set(swcurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            if request.body.isEmpty {
                set(swcurl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, ""))
            } else {
                request.body.withUnsafeBytes { raw in
                    set(swcurl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress!)))
                }
            }
        }

        // Header list: the caller's fields, then suppressions of libcurl's defaults the caller did not override.
        var list: UnsafeMutablePointer<curl_slist>?
        func append(_ line: String) {
            if let l = curl_slist_append(list, line) { list = l } else { rc = CURLE_OUT_OF_MEMORY }
        }
        for (name, value) in request.headers {
            // "Name;" is libcurl's spelling of a header with an empty value ("Name:" would remove it).
            append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if !request.headers.contains("Expect") { append("Expect:") }
        if sendsBody && !request.headers.contains("Content-Type") { append("Content-Type:") }
        t.headerList = list
        set(swcurl_setopt_slist(easy, CURLOPT_HTTPHEADER, list))

        if rc != CURLE_OK {
            let detail = Self.message(rc, t)
            t.releaseCurlResources()
            return rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT || rc == CURLE_BAD_FUNCTION_ARGUMENT
                ? .invalidRequest(url: request.url, detail: detail)
                : .transport(url: request.url, code: Int(rc.rawValue), detail: detail)
        }
        let mrc = curl_multi_add_handle(multi, easy)
        guard mrc == CURLM_OK else {
            t.releaseCurlResources()
            return .transport(url: request.url, code: Int(mrc.rawValue),
                              detail: "curl_multi_add_handle: " + String(cString: curl_multi_strerror(mrc)))
        }
        active[easy] = t
        nextDeadline = min(nextDeadline, t.deadline)
        return nil
    }

    /// Collects the outcome of a finished transfer and frees its handle.
    private func finish(_ t: Transfer, code: CURLcode) -> Result<HTTPResponse, HTTPClientError> {
        guard let easy = t.easy else { return .failure(.transport(url: t.request.url, code: -1, detail: "no handle")) }
        defer { remove(t) }
        if code == CURLE_OK {
            var status = 0
            _ = swcurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            var micros: curl_off_t = 0
            _ = swcurl_getinfo_off_t(easy, CURLINFO_TOTAL_TIME_T, &micros)
            var connects = 0
            _ = swcurl_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
            let body = t.body
            t.body = []
            return .success(HTTPResponse(status: status, headers: t.headers, body: body,
                                         url: Self.effectiveURL(easy) ?? t.request.url,
                                         totalTime: .microseconds(micros), reusedConnection: connects == 0))
        }
        return .failure(mapError(code, t, easy))
    }

    private func mapError(_ code: CURLcode, _ t: Transfer, _ easy: UnsafeMutableRawPointer) -> HTTPClientError {
        let url = Self.effectiveURL(easy) ?? t.request.url
        let detail = Self.message(code, t)
        func endpoint() -> (String, Int) { Self.hostAndPort(url) ?? (url, 0) }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            var connectMicros: curl_off_t = 0
            _ = swcurl_getinfo_off_t(easy, CURLINFO_CONNECT_TIME_T, &connectMicros)
            var totalMicros: curl_off_t = 0
            _ = swcurl_getinfo_off_t(easy, CURLINFO_TOTAL_TIME_T, &totalMicros)
            if connectMicros == 0 && t.connectTimeout < t.timeout
                && Duration.microseconds(totalMicros) < t.timeout - .milliseconds(1) {
                let (host, port) = endpoint()
                return .connectTimeout(host: host, port: port, limit: t.connectTimeout)
            }
            return .timeout(url: url, limit: t.timeout)
        case CURLE_COULDNT_CONNECT:
            let (host, port) = endpoint()
            var osErrno = 0
            _ = swcurl_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno)
            if osErrno == Int(ECONNREFUSED) || (osErrno == 0 && detail.contains("refused")) {
                return .connectionRefused(host: host, port: port)
            }
            return .unreachable(host: host, port: port, detail: detail)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dnsFailure(host: endpoint().0, detail: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return .tlsFailure(host: endpoint().0, detail: detail)
        case CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge(url: url, limit: t.maxBody)
        case CURLE_WRITE_ERROR where t.tooLarge:
            return .responseTooLarge(url: url, limit: t.maxBody)
        case CURLE_GOT_NOTHING:
            let (host, port) = endpoint()
            return .connectionClosed(host: host, port: port)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            return .connectionLost(url: url, detail: detail)
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(url: t.request.url, limit: options.maxRedirects)
        case CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING:
            return .invalidResponse(url: url, detail: detail)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT:
            // libcurl also says "unsupported protocol" for a server answering in HTTP/0.9 style: after a connect,
            // that is the server's fault, not the request's.
            var connectMicros: curl_off_t = 0
            _ = swcurl_getinfo_off_t(easy, CURLINFO_CONNECT_TIME_T, &connectMicros)
            return connectMicros > 0 ? .invalidResponse(url: url, detail: detail)
                                     : .invalidRequest(url: t.request.url, detail: detail)
        default:
            return .transport(url: url, code: Int(code.rawValue), detail: detail)
        }
    }

    // MARK: helpers

    static func milliseconds(_ d: Duration) -> Int {
        let c = d.components
        let ms = c.seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow || ms.partialValue > Int64(Int32.max) { return Int(Int32.max) }
        return max(1, Int(ms.partialValue + c.attoseconds / 1_000_000_000_000_000))
    }

    /// libcurl's detailed message for the transfer if it wrote one, else the generic text for `code`.
    static func message(_ code: CURLcode, _ t: Transfer) -> String {
        if let buffer = t.errorBuffer, buffer[0] != 0 {
            var text = String(cString: buffer)
            while text.last == "\n" { text.removeLast() }
            return text
        }
        return String(cString: curl_easy_strerror(code))
    }

    static func effectiveURL(_ easy: UnsafeMutableRawPointer) -> String? {
        var p: UnsafeMutablePointer<CChar>?
        guard swcurl_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &p) == CURLE_OK, let p else { return nil }
        return String(cString: p)
    }

    /// Host and port (the scheme's default when absent) of `url`, as libcurl parses it.
    static func hostAndPort(_ url: String) -> (String, Int)? {
        guard let u = curl_url() else { return nil }
        defer { curl_url_cleanup(u) }
        guard curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK else { return nil }
        func part(_ which: CURLUPart, _ flags: UInt32) -> String? {
            var p: UnsafeMutablePointer<CChar>?
            guard curl_url_get(u, which, &p, flags) == CURLUE_OK, let p else { return nil }
            defer { curl_free(p) }
            return String(cString: p)
        }
        guard let host = part(CURLUPART_HOST, 0) else { return nil }
        let port = part(CURLUPART_PORT, UInt32(CURLU_DEFAULT_PORT)).flatMap { Int($0) } ?? 0
        return (host, port)
    }
}

/// A value behind a pthread mutex (NSLock). Not `Synchronization.Mutex`: on Linux that one is built on raw
/// futexes, which ThreadSanitizer cannot see, so every access through it would be reported as a race.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

extension Transfer {
    /// One raw header line from libcurl (with its CRLF). A status line starts a new response (interim 1xx,
    /// redirects), so the headers collected so far are dropped.
    static func parseHeaderLine(_ raw: UnsafeBufferPointer<UInt8>, into headers: inout HTTPHeaders) {
        var end = raw.count
        while end > 0, raw[end - 1] == 10 || raw[end - 1] == 13 { end -= 1 }
        guard end > 0 else { return }
        let line = UnsafeBufferPointer(rebasing: raw[0..<end])
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 }
        func text(_ from: Int, _ to: Int) -> String {
            var a = from, b = to
            while a < b, isSpace(line[a]) { a += 1 }
            while b > a, isSpace(line[b - 1]) { b -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: line[a..<b]), as: UTF8.self)
        }
        if line.starts(with: "HTTP/".utf8) { headers = HTTPHeaders(); return }
        if isSpace(line[0]) {                                     // obsolete line folding: continues the last value
            if let last = headers.fields.last {
                headers.replaceLast(value: last.value + " " + text(0, end))
            }
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        headers.add(name: text(0, colon), value: text(colon + 1, end))
    }
}

import CCurl
import Foundation

/// One libcurl easy transfer, used by exactly one thread from creation to ``perform()``'s return.
///
/// Not `Sendable` on purpose: ``HTTPTransport`` creates it on the transfer thread and never shares it.
/// libcurl's callbacks (see `CurlTransfer+Callbacks.swift`) reach it through an unretained pointer that is only
/// used during `curl_easy_perform`, while `self` is alive.
final class CurlTransfer {
    let request: HTTPRequest
    let configuration: TransportConfiguration
    let progress: (@Sendable (TransferProgress) -> Void)?
    let cancellation: CancellationFlag
    /// The transport's connection and TLS session caches; held until the easy handle is cleaned up.
    let share: CurlShare?

    private let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    // State touched by the callbacks during perform.
    var upload: UploadSource?
    var status = 0
    var responseHeaders: [String: String] = [:]
    var responseBody = Data()
    var download: DownloadSink?
    var callbackError: TransportError?
    var lastProgress: TransferProgress?

    init(
        request: HTTPRequest,
        configuration: TransportConfiguration,
        progress: (@Sendable (TransferProgress) -> Void)?,
        cancellation: CancellationFlag,
        share: CurlShare? = nil
    ) throws(TransportError) {
        guard onsite_curl_global_init_once() == CURLE_OK, let handle = curl_easy_init() else {
            throw .other(request.url, curlCode: Int(CURLE_FAILED_INIT.rawValue), message: "libcurl failed to start",
                         detail: "")
        }
        self.request = request
        self.configuration = configuration
        self.progress = progress
        self.cancellation = cancellation
        self.share = share
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(onsite_curl_error_size))
        errorBuffer.initialize(repeating: 0, count: Int(onsite_curl_error_size))
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
        upload?.close()
        download?.discard()
    }

    /// Configures the handle, runs the blocking transfer and builds the response.
    func perform() -> Result<HTTPResponse, TransportError> {
        do throws(TransportError) {
            try validate()
            try configure()
            if cancellation.isCancelled { throw .cancelled(request.url) }
            let code = curl_easy_perform(handle)
            if let callbackError { throw callbackError }
            guard code == CURLE_OK else { throw error(for: code) }
            let body = try finishDownload()
            return .success(HTTPResponse(status: status, headers: responseHeaders, body: body, metrics: metrics()))
        } catch {
            return .failure(error)
        }
    }

    private func validate() throws(TransportError) {
        let lower = request.url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
            throw .invalidRequest("\"\(request.url)\" is not an http:// or https:// URL.")
        }
        for (name, value) in request.headers
        where name.isEmpty || (name + value).contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .invalidRequest("The header field \"\(name)\" has an empty name or a line break.")
        }
        if let path = configuration.caCertificatePath {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw .caFileUnreadable(path, reason: String(cString: strerror(errno)))
            }
            close(descriptor)
        }
    }

    private func configure() throws(TransportError) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_USERAGENT, configuration.userAgent)
        if configuration.acceptsGzip { try set(CURLOPT_ACCEPT_ENCODING, "gzip") }
        try set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.wholeMilliseconds)
        if let total = configuration.totalTimeout { try set(CURLOPT_TIMEOUT_MS, total.wholeMilliseconds) }
        try set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit)
        try set(CURLOPT_LOW_SPEED_TIME, max(1, configuration.lowSpeedTime.wholeMilliseconds / 1000))
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caPath = configuration.caCertificatePath {
            try set(CURLOPT_CAINFO, caPath)
            try set(CURLOPT_CAPATH, nil)  // trust the pinned CA only, not the system directory too
        }
        try check(onsite_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), CURLOPT_ERRORBUFFER)
        if let shared = share?.handle {
            try check(onsite_curl_setopt_share(handle, shared), CURLOPT_SHARE)
        }

        try configureMethodAndBody()
        var headers = request.headers.map { "\($0.name): \($0.value)" }
        headers.append("Expect:")  // no 100-continue round trip before uploads
        for line in headers {
            guard let list = curl_slist_append(headerList, line) else { throw .invalidRequest("Out of memory.") }
            headerList = list
        }
        try check(onsite_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), CURLOPT_HTTPHEADER)

        try check(onsite_curl_setopt_write_function(handle, CurlTransfer.writeCallback), CURLOPT_WRITEFUNCTION)
        try check(onsite_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, me), CURLOPT_WRITEDATA)
        try check(onsite_curl_setopt_header_function(handle, CurlTransfer.headerCallback), CURLOPT_HEADERFUNCTION)
        try check(onsite_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, me), CURLOPT_HEADERDATA)
        try check(onsite_curl_setopt_xferinfo_function(handle, CurlTransfer.progressCallback),
                  CURLOPT_XFERINFOFUNCTION)
        try check(onsite_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, me), CURLOPT_XFERINFODATA)
    }

    private func configureMethodAndBody() throws(TransportError) {
        switch (request.method, request.body) {
        case (.get, .none):
            try set(CURLOPT_HTTPGET, 1)
        case (.head, .none):
            try set(CURLOPT_NOBODY, 1)
        case (.get, _), (.head, _):
            throw .invalidRequest("A \(request.method.rawValue) request cannot have a body.")
        default:
            let source = try UploadSource(request.body)
            upload = source
            try set(CURLOPT_UPLOAD, 1)
            try check(onsite_curl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(source.length)),
                      CURLOPT_INFILESIZE_LARGE)
            try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
            try check(onsite_curl_setopt_read_function(handle, CurlTransfer.readCallback), CURLOPT_READFUNCTION)
            try check(onsite_curl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(self).toOpaque()),
                      CURLOPT_READDATA)
        }
    }

    private func finishDownload() throws(TransportError) -> Data {
        guard let path = request.downloadPath, (200..<300).contains(status) else { return responseBody }
        let sink: DownloadSink
        if let download { sink = download } else { sink = try DownloadSink(path: path) }
        download = nil
        try sink.commit()
        return Data()
    }

    private func metrics() -> TransferMetrics {
        var requestSize = 0, headerSize = 0
        var uploaded: curl_off_t = 0, downloaded: curl_off_t = 0, microseconds: curl_off_t = 0, connects = 0
        _ = onsite_curl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestSize)
        _ = onsite_curl_getinfo_long(handle, CURLINFO_HEADER_SIZE, &headerSize)
        _ = onsite_curl_getinfo_off_t(handle, CURLINFO_SIZE_UPLOAD_T, &uploaded)
        _ = onsite_curl_getinfo_off_t(handle, CURLINFO_SIZE_DOWNLOAD_T, &downloaded)
        _ = onsite_curl_getinfo_off_t(handle, CURLINFO_TOTAL_TIME_T, &microseconds)
        _ = onsite_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        return TransferMetrics(
            bytesSent: Int64(requestSize) + Int64(uploaded),
            bytesReceived: Int64(headerSize) + Int64(downloaded),
            totalTime: .microseconds(Int64(microseconds)), newConnections: connects)
    }

    /// The text libcurl left in CURLOPT_ERRORBUFFER, or "".
    var errorDetail: String { String(cString: errorBuffer) }

    // MARK: Typed setopt

    private func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(onsite_curl_setopt_long(handle, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String?) throws(TransportError) {
        let code = value.map { onsite_curl_setopt_string(handle, option, $0) }
            ?? onsite_curl_setopt_string(handle, option, nil)
        try check(code, option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(TransportError) {
        guard code == CURLE_OK else {
            throw .other(request.url, curlCode: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)),
                         detail: "while setting libcurl option \(option.rawValue)")
        }
    }
}

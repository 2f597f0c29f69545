import CCurl

extension CurlTransfer {
    /// Maps a failed `curl_easy_perform` result to a ``TransportError`` with libcurl's own explanation.
    func error(for code: CURLcode) -> TransportError {
        let url = request.url
        let message = String(cString: curl_easy_strerror(code))
        let detail = errorDetail.isEmpty ? message : errorDetail
        // A TLS server reading a plain HTTP request answers with a TLS alert (not HTTP: curl calls it HTTP/0.9 or a
        // weird reply) or closes at once: nothing was applied, and only an https:// address will work.
        if url.lowercased().hasPrefix("http://"),
           code == CURLE_GOT_NOTHING || code == CURLE_WEIRD_SERVER_REPLY || (code == CURLE_UNSUPPORTED_PROTOCOL && detail.contains("HTTP/0.9")) {
            return .plainHTTPAnsweredWithTLS(url, detail: detail)
        }
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .unreachable(url, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(url, detail: detail)
        case CURLE_PEER_FAILED_VERIFICATION:
            return .tlsVerificationFailed(url, caPath: configuration.caCertificatePath, detail: detail)
        case CURLE_SSL_CACERT_BADFILE:
            return .caFileUnreadable(configuration.caCertificatePath ?? "(system store)", reason: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED:
            return .tlsOther(url, detail: detail)
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2_STREAM,
            CURLE_HTTP2:
            return .interrupted(url, detail: detail)
        case CURLE_ABORTED_BY_CALLBACK where cancellation.isCancelled:
            return .cancelled(url)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidRequest("Cannot send to \"\(url)\": \(detail).")
        default:
            return .other(url, curlCode: Int(code.rawValue), message: message, detail: errorDetail)
        }
    }
}

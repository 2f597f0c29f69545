import CCurl

/// The caches one ``HTTPTransport`` keeps between its transfers: open connections, TLS sessions and DNS
/// answers (a libcurl share handle). Every request of a sync (push, pull pages, photo chunks, downloads) then
/// rides one kept-alive TLS connection instead of opening a new one each: one handshake per sync.
///
/// Transfers hold the share while they run, so it lives until the last of them ends; libcurl locks it
/// (`shim.c`), so transfers on different threads may use it at once.
final class CurlShare: @unchecked Sendable {
    // @unchecked: the handle is only used through libcurl, which serialises access with the share's locks.
    let handle: UnsafeMutableRawPointer?

    init() {
        _ = onsite_curl_global_init_once()
        handle = onsite_curl_share_new()
    }

    deinit {
        onsite_curl_share_free(handle)
    }
}

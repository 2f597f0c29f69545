#ifndef ONSITE_CCURL_H
#define ONSITE_CCURL_H

#include <curl/curl.h>

/* Typed wrappers over libcurl's variadic functions, which Swift cannot call. */

/// Calls curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process (thread-safe); returns its result.
CURLcode onsite_curl_global_init_once(void);

CURLcode onsite_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode onsite_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
/// `value` may be NULL to reset a string option (e.g. CURLOPT_CAPATH); libcurl copies the string.
CURLcode onsite_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode onsite_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode onsite_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

/// Signature shared by CURLOPT_WRITEFUNCTION, CURLOPT_READFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*onsite_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*onsite_curl_xferinfo_callback)(void *userdata, curl_off_t download_total, curl_off_t download_now,
                                             curl_off_t upload_total, curl_off_t upload_now);

CURLcode onsite_curl_setopt_write_function(CURL *handle, onsite_curl_data_callback callback);
CURLcode onsite_curl_setopt_read_function(CURL *handle, onsite_curl_data_callback callback);
CURLcode onsite_curl_setopt_header_function(CURL *handle, onsite_curl_data_callback callback);
/// Sets CURLOPT_XFERINFOFUNCTION and turns CURLOPT_NOPROGRESS off so it is called.
CURLcode onsite_curl_setopt_xferinfo_function(CURL *handle, onsite_curl_xferinfo_callback callback);

CURLcode onsite_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode onsite_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode onsite_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode onsite_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

/// A share handle whose connection cache, TLS sessions and DNS cache are used by every easy handle set to it
/// (thread-safe: each kind of data is locked with a mutex). NULL when libcurl cannot make one.
CURLSH *onsite_curl_share_new(void);
void onsite_curl_share_free(CURLSH *share);
CURLcode onsite_curl_setopt_share(CURL *handle, CURLSH *share);

/// CURL_ERROR_SIZE, the size CURLOPT_ERRORBUFFER must have.
static const int onsite_curl_error_size = CURL_ERROR_SIZE;
/// CURL_READFUNC_ABORT, returned by a read callback to abort the transfer.
static const size_t onsite_curl_readfunc_abort = CURL_READFUNC_ABORT;

#endif

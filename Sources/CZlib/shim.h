#ifndef ONSITE_CZLIB_H
#define ONSITE_CZLIB_H
#include <zlib.h>

/* deflateInit2 and inflateInit2 are macros, which Swift cannot call: typed wrappers. */

/// A gzip stream (window bits 15 + 16) at `level` (1 fastest … 9 smallest).
static inline int onsite_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/// Reads gzip only (window bits 15 + 16): a raw or zlib-wrapped stream is an error.
static inline int onsite_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
#endif

// CPNGShim: the only code that talks to libpng. libpng reports errors with longjmp; every
// setjmp lives in this C target and each entry point returns an error code instead, so no
// longjmp ever crosses a Swift frame. Messages (libpng's or strerror's) are copied into a
// caller-owned buffer.
#ifndef NPNG_H
#define NPNG_H

#include <stddef.h>
#include <stdint.h>

/// Result codes of the npng_* functions.
typedef enum {
    NPNG_OK = 0,
    NPNG_ERR_ARGUMENT = 1, ///< bad width/height/channels/stride or text key
    NPNG_ERR_OPEN = 2,     ///< fopen failed (errno in *sys_errno)
    NPNG_ERR_LIBPNG = 3,   ///< libpng reported an error (message in errbuf)
    NPNG_ERR_IO = 4,       ///< fwrite/fflush/fclose/fread failed (errno in *sys_errno)
    NPNG_ERR_MEMORY = 5    ///< allocation failed
} npng_status;

/// Row filters; values match libpng's PNG_FILTER_* bit flags for a single filter.
typedef enum {
    NPNG_FILTER_NONE = 0x08,
    NPNG_FILTER_SUB = 0x10,
    NPNG_FILTER_UP = 0x20,
    NPNG_FILTER_ADAPTIVE = 0xF8
} npng_filter;

/// One text chunk. Keys are 1–79 Latin-1 characters; values are UTF-8. ASCII values are
/// written as tEXt, others as uncompressed iTXt.
typedef struct {
    const char *key;
    const char *value;
} npng_text;

/// Encodes 8-bit RGB (channels 3) or RGBA (channels 4) rows to a PNG file at `path`
/// (created or truncated). `stride` is the byte distance between rows (>= width*channels).
/// `level` is the zlib level 0–9, `filter` one of npng_filter. On failure returns a
/// non-zero npng_status, writes a NUL-terminated message into errbuf (if errlen > 0)
/// and the errno of a failed system call into *sys_errno (0 if none). The file may be
/// left partially written on failure; the caller removes it.
int npng_write_file(const char *path, const uint8_t *pixels, uint32_t width, uint32_t height,
                    size_t stride, int channels, int level, int filter,
                    const npng_text *texts, int ntexts,
                    char *errbuf, size_t errlen, int *sys_errno);

/// Decodes any PNG to 8-bit RGBA. On success *out_pixels is a malloc'd buffer of
/// width*height*4 bytes (free it with npng_free) and *out_channels is the colour channel
/// count of the file (1–4) before expansion.
int npng_read_rgba(const char *path, uint8_t **out_pixels, uint32_t *out_width,
                   uint32_t *out_height, int *out_channels,
                   char *errbuf, size_t errlen, int *sys_errno);

/// Frees a buffer returned by npng_read_rgba.
void npng_free(void *p);

#endif

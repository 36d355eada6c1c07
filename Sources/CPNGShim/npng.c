// libpng wrapper: encode RGB/RGBA rows to a file, decode any PNG to RGBA. Each function
// owns its setjmp; libpng's error handler copies the message and longjmps back here only.
// I/O goes through our own write/flush callbacks so short writes (full disk) become
// errors with errno, and fclose is checked.
#include "npng.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    FILE *file;
    char *errbuf;
    size_t errlen;
    int sys_errno; // errno of a failed fwrite/fflush/fread, 0 if libpng itself failed
    int io_failed;
} npng_ctx;

static void copy_message(char *buf, size_t len, const char *msg) {
    if (buf == NULL || len == 0) return;
    snprintf(buf, len, "%s", msg ? msg : "unknown error");
}

static void on_error(png_structp png, png_const_charp msg) {
    npng_ctx *ctx = (npng_ctx *)png_get_error_ptr(png);
    if (ctx && !ctx->io_failed) copy_message(ctx->errbuf, ctx->errlen, msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg) {
    (void)png; (void)msg; // warnings are not errors; ignored on purpose
}

static void on_write(png_structp png, png_bytep data, size_t length) {
    npng_ctx *ctx = (npng_ctx *)png_get_io_ptr(png);
    if (fwrite(data, 1, length, ctx->file) != length) {
        ctx->sys_errno = errno ? errno : EIO;
        ctx->io_failed = 1;
        char m[256];
        snprintf(m, sizeof m, "write failed: %s", strerror(ctx->sys_errno));
        copy_message(ctx->errbuf, ctx->errlen, m);
        png_error(png, "write failed");
    }
}

static void on_flush(png_structp png) {
    npng_ctx *ctx = (npng_ctx *)png_get_io_ptr(png);
    if (fflush(ctx->file) != 0) {
        ctx->sys_errno = errno ? errno : EIO;
        ctx->io_failed = 1;
        char m[256];
        snprintf(m, sizeof m, "flush failed: %s", strerror(ctx->sys_errno));
        copy_message(ctx->errbuf, ctx->errlen, m);
        png_error(png, "flush failed");
    }
}

static int is_ascii(const char *s) {
    for (; *s; s++) if ((unsigned char)*s > 0x7E || ((unsigned char)*s < 0x20 && *s != '\n')) return 0;
    return 1;
}

// The libpng part of npng_write_file. `ctx` lives in the caller's frame, so nothing this
// function's setjmp could make indeterminate is read after the longjmp except the
// volatile `chunks`.
static int encode_to(npng_ctx *ctx, const uint8_t *pixels, uint32_t width, uint32_t height,
                     size_t stride, int channels, int level, int filter,
                     const npng_text *texts, int ntexts) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, ctx, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_text *volatile chunks = NULL;
    if (png == NULL || info == NULL) {
        png_destroy_write_struct(&png, &info);
        copy_message(ctx->errbuf, ctx->errlen, "out of memory creating PNG writer");
        return NPNG_ERR_MEMORY;
    }

    if (setjmp(png_jmpbuf(png))) {
        // Every libpng error in this function lands here; ctx holds the message.
        png_destroy_write_struct(&png, &info);
        free(chunks);
        return ctx->io_failed ? NPNG_ERR_IO : NPNG_ERR_LIBPNG;
    }

    png_set_write_fn(png, ctx, on_write, on_flush);
    png_set_compression_level(png, level);
    png_set_compression_buffer_size(png, 256 * 1024);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filter);
    png_set_IHDR(png, info, width, height, 8,
                 channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    if (ntexts > 0) {
        chunks = calloc((size_t)ntexts, sizeof(png_text));
        if (chunks == NULL) png_error(png, "out of memory for text chunks");
        for (int i = 0; i < ntexts; i++) {
            chunks[i].key = (png_charp)texts[i].key;
            chunks[i].text = (png_charp)texts[i].value;
            chunks[i].text_length = strlen(texts[i].value);
            chunks[i].compression = is_ascii(texts[i].value) ? PNG_TEXT_COMPRESSION_NONE
                                                             : PNG_ITXT_COMPRESSION_NONE;
        }
        png_set_text(png, info, chunks, ntexts);
    }
    png_write_info(png, info);
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * stride));
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(chunks);
    return NPNG_OK;
}

/* fopen with the failure reported like every other error: errno and its text. */
static FILE *open_file(const char *path, const char *mode, char *errbuf, size_t errlen, int *sys_errno) {
    FILE *file = fopen(path, mode);
    if (file == NULL) {
        int e = errno;
        if (sys_errno) *sys_errno = e;
        copy_message(errbuf, errlen, strerror(e));
    }
    return file;
}

int npng_write_file(const char *path, const uint8_t *pixels, uint32_t width, uint32_t height,
                    size_t stride, int channels, int level, int filter,
                    const npng_text *texts, int ntexts,
                    char *errbuf, size_t errlen, int *sys_errno) {
    if (sys_errno) *sys_errno = 0;
    if (errbuf && errlen) errbuf[0] = 0;
    if (path == NULL || pixels == NULL || width == 0 || height == 0 ||
        (channels != 3 && channels != 4) || stride < (size_t)width * (size_t)channels ||
        level < 0 || level > 9 || ntexts < 0 || (ntexts > 0 && texts == NULL)) {
        copy_message(errbuf, errlen, "invalid arguments to PNG encoder");
        return NPNG_ERR_ARGUMENT;
    }
    for (int i = 0; i < ntexts; i++) {
        size_t k = texts[i].key ? strlen(texts[i].key) : 0;
        if (k == 0 || k > 79 || texts[i].value == NULL) {
            copy_message(errbuf, errlen, "PNG text key must be 1-79 characters with a value");
            return NPNG_ERR_ARGUMENT;
        }
    }

    FILE *file = open_file(path, "wb", errbuf, errlen, sys_errno);
    if (file == NULL) return NPNG_ERR_OPEN;

    npng_ctx ctx = { file, errbuf, errlen, 0, 0 };
    int status = encode_to(&ctx, pixels, width, height, stride, channels, level, filter, texts, ntexts);
    if (status != NPNG_OK) {
        fclose(file);
        if (sys_errno) *sys_errno = ctx.sys_errno;
        return status;
    }

    int failed = 0, e = 0;
    errno = 0;
    if (fflush(file) != 0 || ferror(file)) { failed = 1; e = errno ? errno : EIO; }
    if (fclose(file) != 0 && !failed) { failed = 1; e = errno ? errno : EIO; }
    if (failed) {
        if (sys_errno) *sys_errno = e;
        char m[256];
        snprintf(m, sizeof m, "closing file failed: %s", strerror(e));
        copy_message(errbuf, errlen, m);
        return NPNG_ERR_IO;
    }
    return NPNG_OK;
}

int npng_read_rgba(const char *path, uint8_t **out_pixels, uint32_t *out_width,
                   uint32_t *out_height, int *out_channels,
                   char *errbuf, size_t errlen, int *sys_errno) {
    if (sys_errno) *sys_errno = 0;
    if (errbuf && errlen) errbuf[0] = 0;
    if (path == NULL || out_pixels == NULL || out_width == NULL || out_height == NULL) {
        copy_message(errbuf, errlen, "invalid arguments to PNG decoder");
        return NPNG_ERR_ARGUMENT;
    }
    *out_pixels = NULL;
    FILE *file = open_file(path, "rb", errbuf, errlen, sys_errno);
    if (file == NULL) return NPNG_ERR_OPEN;
    npng_ctx ctx = { file, errbuf, errlen, 0, 0 };
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (png == NULL || info == NULL) {
        png_destroy_read_struct(&png, &info, NULL);
        fclose(file);
        copy_message(errbuf, errlen, "out of memory creating PNG reader");
        return NPNG_ERR_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(rows);
        fclose(file);
        return NPNG_ERR_LIBPNG;
    }
    png_init_io(png, file);
    png_read_info(png, info);
    uint32_t w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if (out_channels) *out_channels = png_get_channels(png, info);
    png_set_expand(png);          // palette → RGB, gray < 8 bit → 8 bit, tRNS → alpha
    png_set_strip_16(png);
    png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * 4) png_error(png, "unexpected row size");
    pixels = malloc((size_t)w * h * 4);
    rows = malloc(sizeof(png_bytep) * h);
    if (pixels == NULL || rows == NULL) png_error(png, "out of memory for image");
    for (uint32_t y = 0; y < h; y++) rows[y] = pixels + (size_t)y * w * 4;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    fclose(file);
    *out_pixels = pixels;
    *out_width = w;
    *out_height = h;
    return NPNG_OK;
}

void npng_free(void *p) { free(p); }

// A small C face of MPI for Swift (MPICH, pkg-config `mpich`): MPI_COMM_WORLD, MPI_BYTE,
// MPI_INT64_T and MPI_SUCCESS are macros Swift cannot import as values, so each function here
// is one step the rank group needs — start, rank and size, the two collectives every exchange
// is made of (the byte counts, then the bytes), and abort. Every function returns an MPI
// error code (MPI_SUCCESS = 0) or the value asked for; errors are returned, not fatal
// (MPI_ERRORS_RETURN on the world communicator), so the Swift side can say what failed.
#ifndef NEUROPLAST_CMPI_SHIM_H
#define NEUROPLAST_CMPI_SHIM_H

#include <mpi.h>
#include <stdint.h>
#include <string.h>

/// Starts MPI with serialized threading (calls may come from any thread, never two at once:
/// the Swift side holds a lock). Returns 0, or the error code; `provided` gets the level.
static inline int nmpi_init(int *provided) {
    int already = 0;
    MPI_Initialized(&already);
    if (already) { MPI_Query_thread(provided); return 0; }
    int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
    if (rc != MPI_SUCCESS) return rc;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    return 0;
}

/// 1 if `provided` is at least MPI_THREAD_SERIALIZED.
static inline int nmpi_serialized_ok(int provided) { return provided >= MPI_THREAD_SERIALIZED; }

static inline int nmpi_rank(void) { int r = -1; MPI_Comm_rank(MPI_COMM_WORLD, &r); return r; }
static inline int nmpi_size(void) { int s = -1; MPI_Comm_size(MPI_COMM_WORLD, &s); return s; }

/// Every rank's 64-bit count, in rank order, into `all` (size entries).
static inline int nmpi_allgather_i64(int64_t mine, int64_t *all) {
    return MPI_Allgather(&mine, 1, MPI_INT64_T, all, 1, MPI_INT64_T, MPI_COMM_WORLD);
}

/// Every rank's bytes, in rank order, into `all` at `displs` (counts and displacements < 2³¹:
/// the Swift side sends larger payloads in rounds).
static inline int nmpi_allgatherv_bytes(const void *mine, int count, void *all, const int *counts, const int *displs) {
    return MPI_Allgatherv(mine, count, MPI_BYTE, all, counts, displs, MPI_BYTE, MPI_COMM_WORLD);
}

/// The library's text for an error code.
static inline void nmpi_error_string(int code, char *out, int capacity) {
    int len = 0;
    char buf[MPI_MAX_ERROR_STRING];
    if (MPI_Error_string(code, buf, &len) != MPI_SUCCESS) len = 0;
    if (len >= capacity) len = capacity - 1;
    memcpy(out, buf, (size_t)len);
    out[len] = 0;
}

static inline int nmpi_finalize(void) { return MPI_Finalize(); }
static inline void nmpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

#endif

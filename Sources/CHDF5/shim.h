// A small C face of libhdf5 for Swift: HDF5's type and property "constants" are macros that
// expand to function calls (H5T_NATIVE_DOUBLE → H5open(), H5T_NATIVE_DOUBLE_g), which Swift
// cannot import, and its error stack prints to stderr unless silenced. Each function here
// is one step the writers need — 1-D extensible datasets of doubles or uint64 appended in
// chunks, fixed 1-D/2-D datasets, scalar attributes (string, double, uint64, the SONATA
// `sorting` enum) — and returns a negative value on failure; `nh5_error` gives the message
// of the innermost HDF5 error. A build of HDF5 need not be thread-safe (Debian's is; one
// built from source by default is not): the Swift side (HDF5Codec) holds one process-wide
// lock around every call.
#ifndef NEUROPLAST_CHDF5_SHIM_H
#define NEUROPLAST_CHDF5_SHIM_H

#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/// Element types the writers use.
enum { NH5_F64 = 0, NH5_U64 = 1, NH5_I64 = 2, NH5_F32 = 3 };

static inline hid_t nh5_type(int kind) {
    switch (kind) {
    case NH5_F64: return H5T_NATIVE_DOUBLE;
    case NH5_U64: return H5T_NATIVE_UINT64;
    case NH5_I64: return H5T_NATIVE_INT64;
    case NH5_F32: return H5T_NATIVE_FLOAT;
    default: return -1;
    }
}

/// The file type of a dataset of `kind`: little-endian IEEE or integers, as SONATA files hold.
static inline hid_t nh5_file_type(int kind) {
    switch (kind) {
    case NH5_F64: return H5T_IEEE_F64LE;
    case NH5_U64: return H5T_STD_U64LE;
    case NH5_I64: return H5T_STD_I64LE;
    case NH5_F32: return H5T_IEEE_F32LE;
    default: return -1;
    }
}

/// Turns off HDF5's automatic printing of its error stack (errors are returned instead).
static inline void nh5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static herr_t nh5_walk_(unsigned n, const H5E_error2_t *err, void *data) {
    char *buf = (char *)data;
    if (n == 0) snprintf(buf, 512, "%s (in %s)", err->desc ? err->desc : "unknown HDF5 error", err->func_name ? err->func_name : "?");
    return 0;
}

/// The message of the innermost error on the current stack, into `buf` (512 bytes).
static inline void nh5_error(char *buf) {
    buf[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, nh5_walk_, buf);
    if (buf[0] == 0) snprintf(buf, 512, "unknown HDF5 error");
}

/// An object-creation property list of `cls` without access/modification times: HDF5
/// stamps each object with the wall clock by default, so two identical runs would write
/// different bytes.
static inline hid_t nh5_untimed_(hid_t cls) {
    hid_t p = H5Pcreate(cls);
    if (p >= 0 && H5Pset_obj_track_times(p, 0) < 0) { H5Pclose(p); return -1; }
    return p;
}

/// Creates (truncating) a file with the library's default (oldest) format, which readers
/// of every HDF5 1.8+ version open.
static inline hid_t nh5_create(const char *path) { return H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT); }
static inline hid_t nh5_open(const char *path, int writable) {
    return H5Fopen(path, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
}
static inline herr_t nh5_flush(hid_t file) { return H5Fflush(file, H5F_SCOPE_GLOBAL); }
static inline herr_t nh5_close_file(hid_t file) { return H5Fclose(file); }
static inline hid_t nh5_group_create(hid_t loc, const char *name) {
    hid_t gcpl = nh5_untimed_(H5P_GROUP_CREATE);
    if (gcpl < 0) return -1;
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return g;
}
static inline hid_t nh5_group_open(hid_t loc, const char *name) { return H5Gopen2(loc, name, H5P_DEFAULT); }
static inline herr_t nh5_group_close(hid_t g) { return H5Gclose(g); }
static inline int nh5_exists(hid_t loc, const char *path) { return H5Lexists(loc, path, H5P_DEFAULT) > 0; }

/// A 1-D dataset of `kind` with unlimited length, stored in chunks of `chunk` elements,
/// empty until appended to.
static inline hid_t nh5_dataset_extensible(hid_t loc, const char *name, int kind, hsize_t chunk) {
    hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED}, chunks[1] = {chunk > 0 ? chunk : 1};
    hid_t space = H5Screate_simple(1, dims, maxdims);
    if (space < 0) return -1;
    hid_t dcpl = nh5_untimed_(H5P_DATASET_CREATE);
    if (dcpl < 0) { H5Sclose(space); return -1; }
    hid_t ds = -1;
    if (H5Pset_chunk(dcpl, 1, chunks) >= 0)
        ds = H5Dcreate2(loc, name, nh5_file_type(kind), space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    return ds;
}

/// A fixed dataset of `rows` × `cols` elements (cols = 0: 1-D of `rows`) holding `data`.
static inline hid_t nh5_dataset_fixed(hid_t loc, const char *name, int kind, const void *data, hsize_t rows, hsize_t cols) {
    hsize_t dims[2] = {rows, cols};
    hid_t space = H5Screate_simple(cols == 0 ? 1 : 2, dims, NULL);
    if (space < 0) return -1;
    hid_t dcpl = nh5_untimed_(H5P_DATASET_CREATE);
    hid_t ds = dcpl < 0 ? -1 : H5Dcreate2(loc, name, nh5_file_type(kind), space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (dcpl >= 0) H5Pclose(dcpl);
    H5Sclose(space);
    if (ds < 0) return -1;
    if (rows > 0 && H5Dwrite(ds, nh5_type(kind), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) { H5Dclose(ds); return -1; }
    return ds;
}

static inline hid_t nh5_dataset_open(hid_t loc, const char *name) { return H5Dopen2(loc, name, H5P_DEFAULT); }
static inline herr_t nh5_dataset_close(hid_t ds) { return H5Dclose(ds); }

/// Length of a 1-D dataset (the first dimension of any dataset), or -1.
static inline int64_t nh5_dataset_length(hid_t ds) {
    hid_t space = H5Dget_space(ds);
    if (space < 0) return -1;
    hsize_t dims[8];
    int rank = H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    if (rank < 1 || rank > 8) return rank == 0 ? 1 : -1;
    return (int64_t)dims[0];
}

/// Appends `n` elements of `kind` to an extensible 1-D dataset whose length is `at`.
static inline herr_t nh5_dataset_append(hid_t ds, int kind, const void *data, hsize_t at, hsize_t n) {
    if (n == 0) return 0;
    hsize_t size[1] = {at + n}, start[1] = {at}, count[1] = {n};
    if (H5Dset_extent(ds, size) < 0) return -1;
    hid_t file = H5Dget_space(ds);
    if (file < 0) return -1;
    hid_t mem = H5Screate_simple(1, count, NULL);
    herr_t r = -1;
    if (mem >= 0 && H5Sselect_hyperslab(file, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
        r = H5Dwrite(ds, nh5_type(kind), mem, file, H5P_DEFAULT, data);
    if (mem >= 0) H5Sclose(mem);
    H5Sclose(file);
    return r;
}

/// Number of elements of a dataset (all dimensions), or -1.
static inline int64_t nh5_dataset_elements(hid_t ds) {
    hid_t space = H5Dget_space(ds);
    if (space < 0) return -1;
    hssize_t n = H5Sget_simple_extent_npoints(space);
    H5Sclose(space);
    return (int64_t)n;
}

/// Reads the whole dataset (any rank, row-major), converted to `kind`.
static inline herr_t nh5_dataset_read_all(hid_t ds, int kind, void *out) {
    return H5Dread(ds, nh5_type(kind), H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
}

/// Reads `n` elements from `start` of a 1-D dataset, converted to `kind`.
static inline herr_t nh5_dataset_read(hid_t ds, int kind, void *out, hsize_t start, hsize_t n) {
    if (n == 0) return 0;
    hsize_t st[1] = {start}, count[1] = {n};
    hid_t file = H5Dget_space(ds);
    if (file < 0) return -1;
    hid_t mem = H5Screate_simple(1, count, NULL);
    herr_t r = -1;
    if (mem >= 0 && H5Sselect_hyperslab(file, H5S_SELECT_SET, st, NULL, count, NULL) >= 0)
        r = H5Dread(ds, nh5_type(kind), mem, file, H5P_DEFAULT, out);
    if (mem >= 0) H5Sclose(mem);
    H5Sclose(file);
    return r;
}

static inline herr_t nh5_attr_write_(hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *value) {
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0) return -1;
    hid_t a = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t r = a < 0 ? -1 : H5Awrite(a, mtype, value);
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    return r;
}

/// A scalar variable-length UTF-8 string attribute (as h5py writes `str` attributes).
static inline herr_t nh5_attr_string(hid_t loc, const char *name, const char *value) {
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return -1;
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    herr_t r = nh5_attr_write_(loc, name, t, t, &value);
    H5Tclose(t);
    return r;
}
static inline herr_t nh5_attr_f64(hid_t loc, const char *name, double v) { return nh5_attr_write_(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v); }
static inline herr_t nh5_attr_u64(hid_t loc, const char *name, uint64_t v) { return nh5_attr_write_(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v); }

/// The SONATA `sorting` attribute: an enum of uint8 {none = 0, by_id = 1, by_time = 2}.
static inline herr_t nh5_attr_sorting(hid_t loc, const char *name, uint8_t value) {
    hid_t t = H5Tenum_create(H5T_NATIVE_UINT8);
    if (t < 0) return -1;
    uint8_t v0 = 0, v1 = 1, v2 = 2;
    H5Tenum_insert(t, "none", &v0);
    H5Tenum_insert(t, "by_id", &v1);
    H5Tenum_insert(t, "by_time", &v2);
    herr_t r = nh5_attr_write_(loc, name, t, t, &value);
    H5Tclose(t);
    return r;
}

/// Reads a scalar numeric attribute as a double; -1 if absent or not numeric.
static inline herr_t nh5_attr_read_f64(hid_t loc, const char *name, double *out) {
    if (H5Aexists(loc, name) <= 0) return -1;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return -1;
    herr_t r = H5Aread(a, H5T_NATIVE_DOUBLE, out);
    H5Aclose(a);
    return r;
}

/// Reads a scalar string attribute (variable or fixed length) into `buf` of `len` bytes.
static inline herr_t nh5_attr_read_string(hid_t loc, const char *name, char *buf, size_t len) {
    if (H5Aexists(loc, name) <= 0) return -1;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t ft = H5Aget_type(a);
    herr_t r = -1;
    if (ft >= 0 && H5Tget_class(ft) == H5T_STRING) {
        if (H5Tis_variable_str(ft) > 0) {
            char *s = NULL;
            hid_t mt = H5Tcopy(H5T_C_S1); H5Tset_size(mt, H5T_VARIABLE); H5Tset_cset(mt, H5Tget_cset(ft));
            if (H5Aread(a, mt, &s) >= 0 && s) { snprintf(buf, len, "%s", s); H5free_memory(s); r = 0; }
            H5Tclose(mt);
        } else {
            size_t n = H5Tget_size(ft);
            hid_t mt = H5Tcopy(ft);
            char tmp[1024];
            if (n < sizeof tmp && H5Aread(a, mt, tmp) >= 0) { tmp[n] = 0; snprintf(buf, len, "%s", tmp); r = 0; }
            H5Tclose(mt);
        }
    }
    if (ft >= 0) H5Tclose(ft);
    H5Aclose(a);
    return r;
}

/// Reads the enum attribute `name` as its integer value; -1 if absent.
static inline int nh5_attr_read_enum_u8(hid_t loc, const char *name) {
    if (H5Aexists(loc, name) <= 0) return -1;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return -1;
    uint8_t v = 0;
    hid_t ft = H5Aget_type(a); // an enum converts only to an enum: read in the file's own type
    herr_t r = (ft >= 0 && H5Tget_size(ft) == 1) ? H5Aread(a, ft, &v) : -1;
    if (ft >= 0) H5Tclose(ft);
    H5Aclose(a);
    return r < 0 ? -1 : (int)v;
}

#endif

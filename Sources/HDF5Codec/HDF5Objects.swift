// Files, groups and datasets of HDF5 as Swift values that close themselves. A location (a
// file or a group) makes groups, datasets and scalar attributes; a dataset is 1-D and
// extensible (appended to in chunks while a run goes) or fixed (written once, 1-D or
// rows × columns). Everything is checked: a failed call throws `HDF5Error` naming the file.

import CHDF5

/// Anything with attributes: a file, a group or a dataset.
public class HDF5Object {
    public let path: String
    var id: hid_t
    init(path: String, id: hid_t) { self.path = path; self.id = id }

    public func setAttribute(_ name: String, _ value: String) throws {
        _ = try HDF5Library.call(path, "cannot write attribute \(name)") { nh5_attr_string(id, name, value) }
    }
    public func setAttribute(_ name: String, _ value: Double) throws {
        _ = try HDF5Library.call(path, "cannot write attribute \(name)") { nh5_attr_f64(id, name, value) }
    }
    public func setAttribute(_ name: String, _ value: UInt64) throws {
        _ = try HDF5Library.call(path, "cannot write attribute \(name)") { nh5_attr_u64(id, name, value) }
    }
    /// SONATA's `sorting` enum (uint8: none 0, by_id 1, by_time 2).
    public func setSortingAttribute(_ value: SpikeSorting) throws {
        _ = try HDF5Library.call(path, "cannot write attribute sorting") { nh5_attr_sorting(id, "sorting", value.rawValue) }
    }

    public func stringAttribute(_ name: String) -> String? {
        var buf = [CChar](repeating: 0, count: 1024)
        let r = HDF5Library.quietly { nh5_attr_read_string(id, name, &buf, buf.count) }
        return r < 0 ? nil : String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    public func doubleAttribute(_ name: String) -> Double? {
        var v = 0.0
        return HDF5Library.quietly { nh5_attr_read_f64(id, name, &v) } < 0 ? nil : v
    }
    public func sortingAttribute() -> SpikeSorting? {
        let v = HDF5Library.quietly { nh5_attr_read_enum_u8(id, "sorting") }
        return v < 0 ? nil : SpikeSorting(rawValue: UInt8(v))
    }
}

/// A file or a group: where groups and datasets live.
public class HDF5Location: HDF5Object {

    public func createGroup(_ name: String) throws -> HDF5Group {
        let g = try HDF5Library.call(path, "cannot create group \(name)") { nh5_group_create(id, name) }
        return HDF5Group(path: path, id: g)
    }

    public func openGroup(_ name: String) throws -> HDF5Group {
        let g = try HDF5Library.call(path, "no group \(name)") { nh5_group_open(id, name) }
        return HDF5Group(path: path, id: g)
    }

    /// Whether a link (group or dataset) of this name exists here.
    public func contains(_ name: String) -> Bool { HDF5Library.quietly { nh5_exists(id, name) != 0 } }

    /// An empty 1-D dataset of unlimited length, stored in chunks of `chunk` elements.
    public func createExtensible<T: HDF5Element>(_ name: String, of: T.Type, chunk: Int) throws -> HDF5Dataset {
        let d = try HDF5Library.call(path, "cannot create dataset \(name)") { nh5_dataset_extensible(id, name, T.kind, hsize_t(max(1, chunk))) }
        return HDF5Dataset(path: path, id: d, length: 0)
    }

    /// A dataset holding `values`: 1-D, or `columns` wide (row-major) when `columns` > 0.
    @discardableResult
    public func write<T: HDF5Element>(_ name: String, _ values: [T], columns: Int = 0) throws -> HDF5Dataset {
        guard columns == 0 || values.count % columns == 0 else {
            throw HDF5Error(path: path, message: "dataset \(name): \(values.count) values do not fill rows of \(columns)")
        }
        let rows = columns == 0 ? values.count : values.count / columns
        let d = try values.withUnsafeBytes { raw in
            try HDF5Library.call(path, "cannot write dataset \(name)") {
                nh5_dataset_fixed(id, name, T.kind, raw.baseAddress, hsize_t(rows), hsize_t(columns))
            }
        }
        return HDF5Dataset(path: path, id: d, length: rows)
    }

    public func openDataset(_ name: String) throws -> HDF5Dataset {
        let d = try HDF5Library.call(path, "no dataset \(name)") { nh5_dataset_open(id, name) }
        let n = try HDF5Library.call(path, "cannot read the shape of \(name)") { nh5_dataset_length(d) }
        return HDF5Dataset(path: path, id: d, length: Int(n))
    }

}

/// SONATA spike-file sort orders.
public enum SpikeSorting: UInt8, Sendable { case none = 0, byId = 1, byTime = 2 }

public final class HDF5File: HDF5Location {
    /// Creates `path` (replacing a file there).
    public static func create(_ path: String) throws -> HDF5File {
        HDF5File(path: path, id: try HDF5Library.call(path, "cannot create the file") { nh5_create(path) })
    }

    public static func open(_ path: String, writable: Bool = false) throws -> HDF5File {
        HDF5File(path: path, id: try HDF5Library.call(path, "cannot open as HDF5") { nh5_open(path, writable ? 1 : 0) })
    }

    /// Writes every buffered change to disk.
    public func flush() throws { _ = try HDF5Library.call(path, "cannot flush") { nh5_flush(id) } }

    /// Closes the file; its last metadata is written here, so a failure (a full disk) throws.
    public func close() throws {
        guard id >= 0 else { return }
        let f = id
        id = -1
        _ = try HDF5Library.call(path, "cannot close") { nh5_close_file(f) }
    }

    deinit { if id >= 0 { let f = id; _ = HDF5Library.quietly { nh5_close_file(f) } } }
}

public final class HDF5Group: HDF5Location {
    public func close() {
        guard id >= 0 else { return }
        let g = id
        id = -1
        _ = HDF5Library.quietly { nh5_group_close(g) }
    }
    deinit { close() }
}

/// A dataset; `length` is its first dimension.
public final class HDF5Dataset: HDF5Object {
    public private(set) var length: Int
    init(path: String, id: hid_t, length: Int) { self.length = length; super.init(path: path, id: id) }

    /// Appends `values` to an extensible 1-D dataset.
    public func append<T: HDF5Element>(_ values: [T]) throws {
        guard !values.isEmpty else { return }
        try values.withUnsafeBytes { raw in
            _ = try HDF5Library.call(path, "cannot append \(values.count) values") {
                nh5_dataset_append(id, T.kind, raw.baseAddress, hsize_t(length), hsize_t(values.count))
            }
        }
        length += values.count
    }

    /// Elements `range` of a 1-D dataset, converted to `T`.
    public func read<T: HDF5Element>(_ range: Range<Int>, as: T.Type) throws -> [T] {
        guard range.lowerBound >= 0, range.upperBound <= length else {
            throw HDF5Error(path: path, message: "elements \(range) lie outside a dataset of \(length)")
        }
        var out = [T](repeating: 0, count: range.count)
        try out.withUnsafeMutableBytes { raw in
            _ = try HDF5Library.call(path, "cannot read \(range.count) values") {
                nh5_dataset_read(id, T.kind, raw.baseAddress, hsize_t(range.lowerBound), hsize_t(range.count))
            }
        }
        return out
    }

    /// Every element of the dataset, whatever its rank, in row-major order.
    public func readAll<T: HDF5Element>(as: T.Type) throws -> [T] {
        let n = try HDF5Library.call(path, "cannot read the shape") { nh5_dataset_elements(id) }
        var out = [T](repeating: 0, count: Int(n))
        guard n > 0 else { return out }
        try out.withUnsafeMutableBytes { raw in
            _ = try HDF5Library.call(path, "cannot read \(n) values") { nh5_dataset_read_all(id, T.kind, raw.baseAddress) }
        }
        return out
    }

    public func close() {
        guard id >= 0 else { return }
        let d = id
        id = -1
        _ = HDF5Library.quietly { nh5_dataset_close(d) }
    }
    deinit { close() }
}

// The element types our datasets hold, each tied to its CHDF5 kind (native in memory,
// little-endian in the file, as SONATA and NWB files are written).

import CHDF5

public protocol HDF5Element: Numeric, Sendable {
    static var kind: Int32 { get }
}

extension Double: HDF5Element { public static var kind: Int32 { Int32(NH5_F64) } }
extension Float: HDF5Element { public static var kind: Int32 { Int32(NH5_F32) } }
extension UInt64: HDF5Element { public static var kind: Int32 { Int32(NH5_U64) } }
extension Int64: HDF5Element { public static var kind: Int32 { Int32(NH5_I64) } }

// The one door through which kernel buffers cross into `DispatchQueue.concurrentPerform`'s
// `@Sendable` closure. Every use states, in a `// SAFETY:` comment, why the ranges that
// concurrent iterations write are disjoint.

#if canImport(Glibc)
import Glibc
#endif

/// A raw pointer to kernel-owned memory, shareable across the chunks of one parallel loop.
///
/// Contract: the owner keeps the memory alive for the duration of the loop, and concurrent
/// iterations write disjoint index ranges (each chunk owns `[chunk·size, (chunk+1)·size)`).
/// Nothing else is promised; this type must not escape the kernel.
public struct SharedPointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    @inlinable public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    @inlinable public subscript(i: Int) -> T {
        @inline(__always) get { base[i] }
        @inline(__always) nonmutating set { base[i] = newValue }
    }
}

/// Owned, zero-initialised storage for `count` values, freed on deinit.
///
/// A buffer of `hugePageThreshold` bytes or more is mapped on its own, aligned to 2 MiB and
/// advised to the kernel as a candidate for transparent huge pages (`madvise(MADV_HUGEPAGE)`,
/// honoured when `/sys/kernel/mm/transparent_hugepage/enabled` is `madvise` or `always`):
/// delivery reads a table of gigabytes row by row and adds into rings of megabytes at random
/// targets, and with 4 KiB pages nearly every row's first touch also missed the TLB. A fresh
/// mapping reads as zeros, so a buffer whose initial value is all zero bytes is not written
/// at all here: its pages are first touched by whoever fills it (the table's parallel
/// fill), not by one thread zeroing gigabytes that the kernel has zeroed already. Pages and
/// timing only; no value changes.
// SAFETY: the pointer covers at least one element (never dangling for an empty buffer) and
// every element is initialised before use — written here, or, for a fresh anonymous mapping
// and an all-zero initial value of a bitwise-copyable T, already zero bytes, which is that
// value. Only deinit releases it: `munmap` of the whole mapping, or `deallocate`.
public final class KernelBuffer<T: BitwiseCopyable> {
    public let count: Int
    public let pointer: UnsafeMutablePointer<T>
    /// The mapping behind `pointer` when it is a huge-page candidate: its start and length.
    private let mapping: (base: UnsafeMutableRawPointer, length: Int)?
    /// Buffers from this size up are mapped as huge-page candidates.
    public static var hugePageThreshold: Int { 8 << 20 }

    public init(count: Int, initial: T) {
        self.count = count
        let n = max(count, 1), bytes = n * MemoryLayout<T>.stride
        if bytes >= Self.hugePageThreshold, let m = Self.hugePageMapping(bytes: bytes) {
            mapping = m
            let address = Int(bitPattern: m.base)
            let skip = (address + Self.hugePage - 1) / Self.hugePage * Self.hugePage - address   // to the next 2 MiB boundary
            pointer = (m.base + skip).bindMemory(to: T.self, capacity: n)
            let zero = withUnsafeBytes(of: initial) { $0.allSatisfy { $0 == 0 } }
            if !zero { pointer.initialize(repeating: initial, count: n) }
        } else {
            mapping = nil
            pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: max(Self.lineAlignment, MemoryLayout<T>.alignment))
                .bindMemory(to: T.self, capacity: n)
            pointer.initialize(repeating: initial, count: n)
        }
    }

    /// A copy of `values`; `empty` fills the single placeholder slot of an empty buffer.
    public convenience init(_ values: [T], empty: T) {
        self.init(count: values.count, initial: values.first ?? empty)
        for (i, v) in values.enumerated() { pointer[i] = v }
    }

    static var hugePage: Int { 2 << 20 }
    /// Smaller buffers start on a cache line (64 B; malloc gives 16): a 64-byte vector access
    /// then never straddles two lines, and two chunks of 2 048 neurons updated on different
    /// cores never share one.
    static var lineAlignment: Int { 64 }

    /// An anonymous mapping of `bytes` plus one huge page (room to align the start to 2 MiB),
    /// advised for huge pages before anything touches it; nil if the mapping fails (the caller
    /// then allocates plainly).
    private static func hugePageMapping(bytes: Int) -> (base: UnsafeMutableRawPointer, length: Int)? {
        let length = bytes + hugePage
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              base != MAP_FAILED else { return nil }
        _ = madvise(base, length, MADV_HUGEPAGE)   // advice only: refused advice changes nothing
        return (base, length)
    }
    deinit {
        if let m = mapping { munmap(m.base, m.length) } else { pointer.deinitialize(count: max(count, 1)); UnsafeMutableRawPointer(pointer).deallocate() }
    }
    public var shared: SharedPointer<T> { SharedPointer(pointer) }
    public subscript(i: Int) -> T {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
    public var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    public func fill(_ v: T) { pointer.update(repeating: v, count: max(count, 1)) }
}

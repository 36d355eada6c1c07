// The one door through which kernel buffers cross into `DispatchQueue.concurrentPerform`'s
// `@Sendable` closure. Every use states, in a `// SAFETY:` comment, why the ranges that
// concurrent iterations write are disjoint.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
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
/// Buffers of `hugePageThreshold` bytes or more (a large network's synapse arrays, delay
/// rings, row counts) are 2 MiB-aligned and advised to the kernel as transparent huge pages
/// (`madvise(MADV_HUGEPAGE)`; Debian's default THP mode is `madvise`): spike delivery and
/// construction touch them at random, and with 4 KiB pages nearly every such touch also
/// missed the TLB. Where the advice is refused the buffer simply keeps small pages.
// SAFETY: the pointer is allocated with at least one element (so it is never dangling for
// an empty buffer), initialised at once, and only deallocated in deinit — with `free` when
// it came from `posix_memalign`, with `deallocate` when it came from `allocate`.
public final class KernelBuffer<T> {
    public let count: Int
    public let pointer: UnsafeMutablePointer<T>
    private let aligned: Bool
    /// Bytes from which a buffer is placed on huge pages.
    public static var hugePageThreshold: Int { 8 << 20 }
    public init(count: Int, initial: T) {
        self.count = count
        let n = max(count, 1)
        let bytes = n * MemoryLayout<T>.stride
        var raw: UnsafeMutableRawPointer?
        if bytes >= Self.hugePageThreshold, MemoryLayout<T>.alignment <= 1 << 21,
           posix_memalign(&raw, 1 << 21, bytes) == 0, let r = raw {
            _ = madvise(r, bytes, Int32(MADV_HUGEPAGE))
            pointer = r.bindMemory(to: T.self, capacity: n)
            aligned = true
        } else {
            pointer = UnsafeMutablePointer<T>.allocate(capacity: n)
            aligned = false
        }
        pointer.initialize(repeating: initial, count: n)
    }
    /// A copy of `values`; `empty` fills the single placeholder slot of an empty buffer.
    public convenience init(_ values: [T], empty: T) {
        self.init(count: values.count, initial: values.first ?? empty)
        for (i, v) in values.enumerated() { pointer[i] = v }
    }
    deinit {
        pointer.deinitialize(count: max(count, 1))
        if aligned { free(pointer) } else { pointer.deallocate() }
    }
    public var shared: SharedPointer<T> { SharedPointer(pointer) }
    public subscript(i: Int) -> T {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
    public var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    public func fill(_ v: T) { pointer.update(repeating: v, count: max(count, 1)) }
}

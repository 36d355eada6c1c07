// The one door through which kernel buffers cross into `DispatchQueue.concurrentPerform`'s
// `@Sendable` closure. Every use states, in a `// SAFETY:` comment, why the ranges that
// concurrent iterations write are disjoint.

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
// SAFETY: the pointer is allocated with at least one element (so it is never dangling for
// an empty buffer), initialised at once, and only deallocated in deinit.
public final class KernelBuffer<T> {
    public let count: Int
    public let pointer: UnsafeMutablePointer<T>
    public init(count: Int, initial: T) {
        self.count = count
        pointer = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: initial, count: max(count, 1))
    }
    /// A copy of `values`; `empty` fills the single placeholder slot of an empty buffer.
    public convenience init(_ values: [T], empty: T) {
        self.init(count: values.count, initial: values.first ?? empty)
        for (i, v) in values.enumerated() { pointer[i] = v }
    }
    deinit { pointer.deinitialize(count: max(count, 1)); pointer.deallocate() }
    public var shared: SharedPointer<T> { SharedPointer(pointer) }
    public subscript(i: Int) -> T {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
    public var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    public func fill(_ v: T) { pointer.update(repeating: v, count: max(count, 1)) }
}

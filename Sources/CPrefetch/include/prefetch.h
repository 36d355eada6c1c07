// A cache prefetch hint for the kernel's spike delivery, which Swift cannot express: the
// synapse rows of upcoming spikes are fetched while the current one is added, so the first
// touch of a row (a miss to memory in large networks) overlaps other work.
#ifndef NEUROPLAST_PREFETCH_H
#define NEUROPLAST_PREFETCH_H

/// Hints that the 64-byte line holding `address` will be read soon. No effect on results:
/// a prefetch never faults, and a wrong or out-of-range address only wastes the hint.
static inline __attribute__((always_inline)) void np_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif

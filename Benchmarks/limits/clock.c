// The core clock under load, from a chain of dependent 64-bit integer multiplies (3 cycles
// each on every x86 core since Nehalem; a VM's /proc/cpuinfo shows the nominal clock, not the
// turbo clock the core runs at). Prints GHz for 5 runs of 1.6·10⁹ multiplies.
#include <stdio.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

int main(void) {
    for (int r = 0; r < 5; r++) {
        const long n = 200000000;
        long x = 3;
        double t0 = now();
        for (long i = 0; i < n; i++)
            __asm__ volatile("imul %0,%0\n\timul %0,%0\n\timul %0,%0\n\timul %0,%0\n\t"
                             "imul %0,%0\n\timul %0,%0\n\timul %0,%0\n\timul %0,%0" : "+r"(x));
        double t = now() - t0;
        printf("%.3f GHz\n", 3.0 * 8.0 * n / t / 1e9);
    }
    return 0;
}

// The round trip of one cache line between two cores: thread A stores i, thread B waits
// for it and stores i back, A waits for that — the least a worker gang pays per step for
// one publish and one join. Prints ns per round trip for 3 runs of 2·10⁶.
// Usage: handoff [cpu A] [cpu B]
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static _Alignas(64) _Atomic long ping;
static _Alignas(64) _Atomic long pong;
static const long rounds = 2000000;
static int cpuB = 1;

static void pin(int cpu) {
    cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s);
    pthread_setaffinity_np(pthread_self(), sizeof s, &s);
}

static void *echo(void *unused) {
    (void)unused;
    pin(cpuB);
    for (long i = 1; i <= rounds; i++) {
        while (atomic_load_explicit(&ping, memory_order_acquire) != i) {}
        atomic_store_explicit(&pong, i, memory_order_release);
    }
    return NULL;
}

int main(int argc, char **argv) {
    int cpuA = argc > 1 ? atoi(argv[1]) : 0;
    cpuB = argc > 2 ? atoi(argv[2]) : 1;
    for (int r = 0; r < 3; r++) {
        atomic_store(&ping, 0); atomic_store(&pong, 0);
        pthread_t t;
        pthread_create(&t, NULL, echo, NULL);
        pin(cpuA);
        double t0 = now();
        for (long i = 1; i <= rounds; i++) {
            atomic_store_explicit(&ping, i, memory_order_release);
            while (atomic_load_explicit(&pong, memory_order_acquire) != i) {}
        }
        double d = now() - t0;
        pthread_join(t, NULL);
        printf("%.0f ns per round trip\n", d / rounds * 1e9);
    }
    return 0;
}

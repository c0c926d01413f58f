/* The benches' clocks: wall milliseconds (CLOCK_MONOTONIC) and this thread's CPU milliseconds (on a
 * shared machine the CPU time leaves out the time other processes had the core). One copy for
 * every bench. */
#ifndef DUIJIE_BENCH_CLOCK_H
#define DUIJIE_BENCH_CLOCK_H

#include <time.h>

static inline double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static inline double cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The whole process's CPU milliseconds (benches that run worker threads). */
static inline double proc_cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

#endif

/* Times the real Redis 7.0 dict (dict.c, compiled in unchanged, as the
 * oracle does) on the workload of `hashgrow compare --keys u64` and of
 * hashgrow-redis's `speed` example: N keys splitmix64(0..N) inserted into
 * an empty dict, then a lookup of every key (hits) and of N keys never
 * inserted, splitmix64(N..2N) (misses). Prints the fastest of R runs, in
 * ns per op. No I/O and no allocation but the dict's own in the timed
 * loops.
 *
 * Keys and values are u64 stored in the entry's pointer fields (no key
 * object to allocate or compare: keyCompare is NULL, so dict.c compares
 * the pointers), hashed either with
 *   fx:  k * 0x517cc1b727220a95, the FxHash of a u64 that the Rust side
 *        uses (same hash cost on both sides), or
 *   sip: dict.c's own dictGenHashFunction (SipHash-1-2) over the key's 8
 *        bytes, what a Redis server pays per key.
 *
 * Built and run by run.sh beside this file; see docs/redis.md.
 *
 *   bench [N] [R]
 */
#include "dict.c"

#include <inttypes.h>
#include <time.h>

static uint64_t splitmix64(uint64_t x) { /* hashgrow::hash::splitmix64 */
    uint64_t z = x + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t fx_hash(const void *key) {
    return (uint64_t)(uintptr_t)key * 0x517cc1b727220a95ULL;
}

static uint64_t sip_hash(const void *key) {
    uint64_t k = (uint64_t)(uintptr_t)key;
    return dictGenHashFunction(&k, sizeof k);
}

static dictType fx_type = { .hashFunction = fx_hash };
static dictType sip_type = { .hashFunction = sip_hash };

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile uint64_t sink;

/* One run: ns per insert, hit and miss. */
static void run(dictType *type, const uint64_t *keys, const uint64_t *absent,
                size_t n, double out[3]) {
    dict *d = dictCreate(type);
    double t = now_ns();
    for (size_t i = 0; i < n; i++) {
        dictEntry *e = dictAddRaw(d, (void *)(uintptr_t)keys[i], NULL);
        dictSetUnsignedIntegerVal(e, i);
    }
    out[0] = (now_ns() - t) / (double)n;
    const uint64_t *sets[2] = { keys, absent };
    for (int s = 0; s < 2; s++) {
        uint64_t found = 0;
        t = now_ns();
        for (size_t i = 0; i < n; i++) {
            dictEntry *e = dictFind(d, (void *)(uintptr_t)sets[s][i]);
            if (e) found += dictGetUnsignedIntegerVal(e);
        }
        out[1 + s] = (now_ns() - t) / (double)n;
        sink = found;
    }
    dictRelease(d);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (n == 0 || runs < 1) {
        fprintf(stderr, "usage: bench [N > 0] [R > 0]\n");
        return 2;
    }
    uint8_t seed[16] = { 0 }; /* fixed: the hashes do not matter here */
    dictSetHashFunctionSeed(seed);
    uint64_t *keys = malloc(n * sizeof *keys), *absent = malloc(n * sizeof *absent);
    if (!keys || !absent) { perror("malloc"); return 2; }
    for (size_t i = 0; i < n; i++) {
        keys[i] = splitmix64(i);
        absent[i] = splitmix64(n + i);
    }
    struct { const char *name; dictType *type; } hashes[2] = {
        { "fx", &fx_type }, { "sip", &sip_type } };
    printf("n %zu, fastest of %d runs (ns/op):   insert   hit   miss\n", n, runs);
    for (int h = 0; h < 2; h++) {
        double best[3] = { 1e300, 1e300, 1e300 };
        for (int r = 0; r < runs; r++) {
            double out[3];
            run(hashes[h].type, keys, absent, n, out);
            for (int i = 0; i < 3; i++) if (out[i] < best[i]) best[i] = out[i];
        }
        printf("dict.c %-4s %8.1f %5.1f %6.1f\n", hashes[h].name, best[0], best[1], best[2]);
    }
    free(keys);
    free(absent);
    return 0;
}

/* The real Redis 7.0 dict (dict.c, compiled in unchanged) on one
 * `hashgrow compare` workload, for the redis-dict-c row of
 * `hashgrow compare --runtimes` (crates/hashgrow-bench/src/runtimes.rs
 * compiles it against the dict.c source the redis-dict oracle fetches).
 *
 *   runtime_bench WORKLOAD REPEAT DIR CRON
 *
 * WORKLOAD is insert, prealloc, lookup, churn or shrink; DIR holds the
 * keys the Rust strategies ran on, as little-endian u64 files (see
 * runtimes.rs). CRON K > 0 runs what Redis's server cron does to a dict
 * after every K-th op, as the Rust strategies' --cron: dictResize when
 * under 10% full (server.c htNeedsResize), then dictRehash(d, 100).
 * Prints one JSON object with RunResult's field names.
 *
 * Keys and values are u64 held in the entry's own fields (no key objects:
 * keyCompare is NULL, so dict.c compares the pointers), hashed by dict.c's
 * own dictGenHashFunction (SipHash-1-2, fixed seed) over the key's 8
 * bytes, what a Redis server pays per key. Times include dict.c's
 * allocations (libc malloc, as zmalloc without jemalloc). -O2, as Redis
 * 7.0.15 builds.
 */
#include "dict.c"

#include <inttypes.h>
#include <time.h>

#define HASHTABLE_MIN_FILL 10 /* server.h: shrink under 10% full */

static uint64_t sip_hash(const void *key) {
    uint64_t k = (uint64_t)(uintptr_t)key;
    return dictGenHashFunction(&k, sizeof k);
}

static dictType u64_type = { .hashFunction = sip_hash };

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static volatile uint64_t sink;

static void die(const char *what) {
    fprintf(stderr, "runtime_bench: %s\n", what);
    exit(2);
}

typedef struct { uint64_t *k; size_t len; } keys_t;

static keys_t read_keys(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.u64", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (bytes < 0 || bytes % 8) die("a key file is not whole u64s");
    keys_t ks = { malloc((size_t)bytes + 8), (size_t)bytes / 8 };
    if (!ks.k) die("out of memory");
    for (size_t i = 0; i < ks.len; i++) {
        unsigned char b[8];
        if (fread(b, 1, 8, f) != 8) die("short read");
        uint64_t v = 0;
        for (int j = 7; j >= 0; j--) v = v << 8 | b[j];
        ks.k[i] = v;
    }
    fclose(f);
    return ks;
}

static const char *workload;
static keys_t present, fresh, removed;
static size_t cron_every;

static size_t deletes(void) { return present.len / 10 * 9; } /* GrowThenDelete */

static size_t n_ops(void) {
    if (!strcmp(workload, "churn")) return fresh.len;
    if (!strcmp(workload, "shrink")) return present.len + deletes();
    return present.len;
}

static void put(dict *d, uint64_t k, uint64_t v) {
    dictEntry *e = dictAddRaw(d, (void *)(uintptr_t)k, NULL);
    if (e) dictSetUnsignedIntegerVal(e, v);
}

static int needs_shrink(dict *d) { /* server.c htNeedsResize */
    long long size = dictSlots(d), used = dictSize(d);
    return size > DICT_HT_INITIAL_SIZE && used * 100 / size < HASHTABLE_MIN_FILL;
}

static void cron(dict *d) { /* tryResizeHashTables, then incrementallyRehash's step */
    if (needs_shrink(d)) dictResize(d);
    if (dictIsRehashing(d)) dictRehash(d, 100);
}

static dict *build(void) {
    dict *d = dictCreate(&u64_type);
    if (!strcmp(workload, "prealloc")) dictExpand(d, present.len);
    if (!strcmp(workload, "churn"))
        for (size_t i = 0; i < present.len; i++) put(d, present.k[i], i);
    return d;
}

/* Op i (with the cron after it, when due). */
static inline void op(dict *d, size_t i) {
    if (!strcmp(workload, "churn")) {
        dictDelete(d, (void *)(uintptr_t)removed.k[i]);
        put(d, fresh.k[i], i);
    } else if (i < present.len) {
        put(d, present.k[i], i);
    } else {
        dictDelete(d, (void *)(uintptr_t)present.k[i - present.len]);
    }
    if (cron_every && (i + 1) % cron_every == 0) cron(d);
}

/* Every op; with lat non-NULL, each timed on its own into lat[i]. The
 * workload is fixed for the run, so op()'s string compares are hoisted
 * out of the loop by the compiler or predicted perfectly. */
static void run(dict *d, uint64_t *lat) {
    size_t ops = n_ops();
    if (!lat) {
        for (size_t i = 0; i < ops; i++) op(d, i);
        return;
    }
    for (size_t i = 0; i < ops; i++) {
        uint64_t t = now_ns();
        op(d, i);
        lat[i] = now_ns() - t;
    }
}

static double lookups(dict *d, keys_t ks) {
    uint64_t found = 0, t = now_ns();
    for (size_t i = 0; i < ks.len; i++) {
        dictEntry *e = dictFind(d, (void *)(uintptr_t)ks.k[i]);
        if (e) found += dictGetUnsignedIntegerVal(e);
    }
    double ns = (double)(now_ns() - t) / (double)(ks.len ? ks.len : 1);
    sink += found;
    return ns;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static double median(double *xs, int n) {
    double s[128];
    memcpy(s, xs, (size_t)n * sizeof *xs);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return s[n / 2];
}

static double minimum(double *xs, int n) {
    double m = xs[0];
    for (int i = 1; i < n; i++) if (xs[i] < m) m = xs[i];
    return m;
}

static uint64_t timer_overhead(void) { /* as measure.rs's timer_overhead_ns */
    static uint64_t s[10001];
    for (size_t i = 0; i < 10001; i++) { uint64_t t = now_ns(); s[i] = now_ns() - t; }
    qsort(s, 10001, sizeof *s, cmp_u64);
    return s[5000];
}

/* hdrhistogram's value_at_quantile rank rule on a sorted array. */
static uint64_t at(const uint64_t *sorted, size_t len, double q) {
    double r = q * (double)len;
    size_t i = (size_t)r;
    if ((double)i < r) i++;
    if (i > 0) i--;
    if (i >= len) i = len - 1;
    return sorted[i];
}

int main(int argc, char **argv) {
    if (argc != 5) die("usage: runtime_bench WORKLOAD REPEAT DIR CRON");
    workload = argv[1];
    int repeat = atoi(argv[2]);
    const char *dir = argv[3];
    cron_every = strtoull(argv[4], NULL, 10);
    if (repeat < 1 || repeat > 100) die("REPEAT must be 1..100");
    if (!strcmp(workload, "lookup")) cron_every = 0; /* as measure.rs: lookups run no cron */
    int is_lookup = !strcmp(workload, "lookup");
    int fills = !strcmp(workload, "insert") || !strcmp(workload, "prealloc");
    if (!fills && !is_lookup && strcmp(workload, "churn") && strcmp(workload, "shrink"))
        die("unknown workload");
    uint8_t seed[16] = { 0 }; /* fixed: runs are reproducible */
    dictSetHashFunctionSeed(seed);
    present = read_keys(dir, "present");
    if (!present.len) die("no keys");
    if (!strcmp(workload, "churn")) {
        fresh = read_keys(dir, "fresh");
        removed = read_keys(dir, "churn_removed");
        if (fresh.len != removed.len) die("fresh and churn_removed differ in length");
    }
    size_t n = present.len, ops = is_lookup ? n : n_ops();
    double total = 0, ns_per_op, ns_min, hit = 0, miss = 0, interleaved = -1;
    uint64_t *lat = malloc((ops ? ops : 1) * sizeof *lat), overhead;
    if (!lat) die("out of memory");
    double totals[128], hits[128], misses[128];
    if (is_lookup) {
        keys_t shuffled = read_keys(dir, "present_shuffled"), absent = read_keys(dir, "absent");
        keys_t targets = read_keys(dir, "interleaved");
        dict *d = dictCreate(&u64_type);
        for (size_t i = 0; i < n; i++) put(d, present.k[i], i);
        lookups(d, shuffled); /* warm-up */
        for (int p = 0; p < repeat; p++) {
            hits[p] = lookups(d, shuffled);
            misses[p] = lookups(d, absent);
        }
        ns_per_op = hit = median(hits, repeat);
        ns_min = minimum(hits, repeat);
        miss = median(misses, repeat);
        total = ns_per_op * (double)n;
        overhead = timer_overhead();
        uint64_t found = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t t = now_ns();
            dictEntry *e = dictFind(d, (void *)(uintptr_t)shuffled.k[i]);
            lat[i] = now_ns() - t;
            if (e) found += dictGetUnsignedIntegerVal(e);
        }
        dictRelease(d);
        d = dictCreate(&u64_type);
        uint64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            put(d, present.k[i], i);
            uint64_t t = now_ns();
            dictEntry *e = dictFind(d, (void *)(uintptr_t)targets.k[i]);
            sum += now_ns() - t;
            if (e) found += dictGetUnsignedIntegerVal(e);
        }
        dictRelease(d);
        sink += found;
        interleaved = (double)sum / (double)n;
    } else {
        keys_t shuffled = { 0 }, absent = { 0 };
        if (fills) { shuffled = read_keys(dir, "present_shuffled"); absent = read_keys(dir, "absent"); }
        dict *d = build(); /* warm-up pass, untimed */
        run(d, NULL);
        dictRelease(d);
        for (int p = 0; p < repeat; p++) {
            d = build();
            uint64_t t = now_ns();
            run(d, NULL);
            totals[p] = (double)(now_ns() - t);
            if (fills) { hits[p] = lookups(d, shuffled); misses[p] = lookups(d, absent); }
            dictRelease(d);
        }
        total = median(totals, repeat);
        ns_per_op = total / (double)ops;
        ns_min = minimum(totals, repeat) / (double)ops;
        if (fills) { hit = median(hits, repeat); miss = median(misses, repeat); }
        overhead = timer_overhead();
        d = build();
        run(d, lat);
        dictRelease(d);
    }
    qsort(lat, ops, sizeof *lat, cmp_u64);
    uint64_t over10 = 0, over100 = 0;
    for (size_t i = 0; i < ops; i++) { over10 += lat[i] > 10000; over100 += lat[i] > 100000; }
    char cron[64] = "no server cron";
    if (cron_every) snprintf(cron, sizeof cron, "server cron every %zu ops", cron_every);
    char inter[64] = "null";
    if (interleaved >= 0) snprintf(inter, sizeof inter, "%.3f", interleaved);
    size_t final_n = !strcmp(workload, "shrink") ? n - deletes() : n;
    printf("{\"n\":%zu,\"ops\":%zu,\"ns_per_op\":%.3f,\"ns_per_op_min\":%.3f,\"total_ns\":%.0f,"
           "\"lookup_hit_ns\":%.3f,\"lookup_miss_ns\":%.3f,\"interleaved_lookup_ns\":%s,"
           "\"p50_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64 ",\"p999_ns\":%" PRIu64 ",\"p9999_ns\":%" PRIu64
           ",\"max_ns\":%" PRIu64 ",\"ops_over_10us\":%" PRIu64 ",\"ops_over_100us\":%" PRIu64
           ",\"timer_overhead_ns\":%" PRIu64 ",\"version\":\"Redis 7.0.15 dict.c\","
           "\"settings\":\"SipHash-1-2 over the u64, libc malloc, %s\"}\n",
           final_n, ops, ns_per_op, ns_min, total, hit, miss, inter,
           at(lat, ops, 0.50), at(lat, ops, 0.99), at(lat, ops, 0.999), at(lat, ops, 0.9999),
           lat[ops - 1], over10, over100, overhead, cron);
    return 0;
}

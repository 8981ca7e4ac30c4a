// The real java.util.HashMap<Long, Long> on one `hashgrow compare`
// workload, for the java-runtime row of `hashgrow compare --runtimes`
// (crates/hashgrow-bench/src/runtimes.rs compiles and runs it).
//
//   java -Xms.. -Xmx.. RuntimeBench WORKLOAD REPEAT DIR CRON
//
// WORKLOAD is insert, prealloc, lookup, churn or shrink; DIR holds the keys
// the Rust strategies ran on, as little-endian u64 files (see runtimes.rs).
// CRON is ignored: a HashMap has no server cron. Prints one JSON object
// with RunResult's field names.
//
// What the times include: put/get/remove as a Java program pays for them,
// with the keys boxed to Long inside the timed loop (autoboxing), node and
// table allocation, and any GC pause that lands in a pass (System.gc()
// runs before each pass, outside the timing). The untimed warm-up pass is
// also the JIT's warm-up: by the timed passes put, get and resize are
// compiled.
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;

public class RuntimeBench {
    static long sink;

    static long[] readKeys(String dir, String name) throws IOException {
        byte[] b = Files.readAllBytes(Path.of(dir, name + ".u64"));
        if (b.length % 8 != 0) throw new IllegalArgumentException(name + ".u64: not whole u64s");
        long[] ks = new long[b.length / 8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(ks);
        return ks;
    }

    final String workload;
    final long[] present;
    // churn: op i removes removed[i] and puts fresh[i].
    long[] fresh, removed;

    RuntimeBench(String workload, long[] present) {
        this.workload = workload;
        this.present = present;
    }

    // How many keys shrink deletes: the first 90%, as measure.rs's GrowThenDelete.
    int deletes() { return present.length / 10 * 9; }

    int ops() {
        switch (workload) {
            case "churn": return fresh.length;
            case "shrink": return present.length + deletes();
            default: return present.length;
        }
    }

    // The map before the first op (untimed). Prealloc asks for n / 0.75
    // bins, as the Rust `java` strategy does (and HashMap.newHashMap(n)).
    HashMap<Long, Long> build() {
        switch (workload) {
            case "prealloc": return new HashMap<>((present.length + 2) / 3 * 4);
            case "churn": {
                HashMap<Long, Long> m = new HashMap<>();
                for (int i = 0; i < present.length; i++) m.put(present[i], (long) i);
                return m;
            }
            default: return new HashMap<>();
        }
    }

    // Every op on m; with lat non-null each op is timed on its own into lat[i].
    void run(HashMap<Long, Long> m, long[] lat) {
        int n = present.length;
        switch (workload) {
            case "churn":
                if (lat == null) {
                    for (int i = 0; i < fresh.length; i++) { m.remove(removed[i]); m.put(fresh[i], (long) i); }
                } else {
                    for (int i = 0; i < fresh.length; i++) {
                        long t = System.nanoTime();
                        m.remove(removed[i]);
                        m.put(fresh[i], (long) i);
                        lat[i] = System.nanoTime() - t;
                    }
                }
                break;
            case "shrink":
                if (lat == null) {
                    for (int i = 0; i < n; i++) m.put(present[i], (long) i);
                    for (int i = 0; i < deletes(); i++) m.remove(present[i]);
                } else {
                    for (int i = 0; i < n; i++) {
                        long t = System.nanoTime();
                        m.put(present[i], (long) i);
                        lat[i] = System.nanoTime() - t;
                    }
                    for (int i = 0; i < deletes(); i++) {
                        long t = System.nanoTime();
                        m.remove(present[i]);
                        lat[n + i] = System.nanoTime() - t;
                    }
                }
                break;
            default: // insert, prealloc, and lookup's fill
                if (lat == null) {
                    for (int i = 0; i < n; i++) m.put(present[i], (long) i);
                } else {
                    for (int i = 0; i < n; i++) {
                        long t = System.nanoTime();
                        m.put(present[i], (long) i);
                        lat[i] = System.nanoTime() - t;
                    }
                }
        }
    }

    // Looks every key up once; ns per lookup.
    static double lookups(HashMap<Long, Long> m, long[] keys) {
        long found = 0;
        long t = System.nanoTime();
        for (long k : keys) {
            Long v = m.get(k);
            if (v != null) found += v;
        }
        long d = System.nanoTime() - t;
        sink += found;
        return d / (double) Math.max(keys.length, 1);
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(0);
    }

    // Median cost of one empty timed region, as measure.rs's timer_overhead_ns.
    static long timerOverhead() {
        long[] s = new long[10001];
        for (int i = 0; i < s.length; i++) {
            long t = System.nanoTime();
            s[i] = System.nanoTime() - t;
        }
        Arrays.sort(s);
        return s[s.length / 2];
    }

    // The latency fields from per-op times, with hdrhistogram's rank rule.
    static String percentiles(long[] lat) {
        Arrays.sort(lat);
        long over10 = 0, over100 = 0;
        for (long ns : lat) {
            if (ns > 10_000) over10++;
            if (ns > 100_000) over100++;
        }
        return String.format(Locale.ROOT,
            "\"p50_ns\":%d,\"p99_ns\":%d,\"p999_ns\":%d,\"p9999_ns\":%d,\"max_ns\":%d,\"ops_over_10us\":%d,\"ops_over_100us\":%d",
            at(lat, 0.50), at(lat, 0.99), at(lat, 0.999), at(lat, 0.9999), lat[lat.length - 1], over10, over100);
    }

    static long at(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public static void main(String[] a) throws IOException {
        if (a.length != 4) {
            System.err.println("usage: RuntimeBench WORKLOAD REPEAT DIR CRON");
            System.exit(2);
        }
        String workload = a[0], dir = a[2];
        int repeat = Integer.parseInt(a[1]);
        if (repeat < 1) throw new IllegalArgumentException("REPEAT must be >= 1");
        RuntimeBench w = new RuntimeBench(workload, readKeys(dir, "present"));
        switch (workload) {
            case "insert": case "prealloc": case "lookup": case "shrink": break;
            case "churn":
                w.fresh = readKeys(dir, "fresh");
                w.removed = readKeys(dir, "churn_removed");
                if (w.fresh.length != w.removed.length) throw new IllegalArgumentException("fresh and churn_removed differ");
                break;
            default:
                System.err.println("RuntimeBench: unknown workload " + workload);
                System.exit(2);
        }
        int n = w.present.length;
        int ops = w.ops();
        long heapMiB = Runtime.getRuntime().maxMemory() >> 20;
        String version = "java " + System.getProperty("java.vm.version");
        String settings = String.format(Locale.ROOT, "%s, -Xmx%dm (= -Xms), System.gc() before each pass",
            java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(b -> b.getName()).reduce((x, y) -> x + " + " + y).orElse("unknown GC"),
            heapMiB);
        StringBuilder json = new StringBuilder("{");
        double nsPerOp, nsPerOpMin, totalNs, hit = 0, miss = 0;
        String interleaved = "null";
        long[] lat;
        long overhead;
        if (workload.equals("lookup")) {
            long[] shuffled = readKeys(dir, "present_shuffled"), absent = readKeys(dir, "absent");
            long[] targets = readKeys(dir, "interleaved");
            HashMap<Long, Long> m = w.build();
            w.run(m, null);
            System.gc();
            lookups(m, shuffled); // warm-up, and the JIT's
            lookups(m, absent);
            double[] hits = new double[repeat], misses = new double[repeat];
            for (int p = 0; p < repeat; p++) {
                hits[p] = lookups(m, shuffled);
                misses[p] = lookups(m, absent);
            }
            nsPerOp = hit = median(hits);
            nsPerOpMin = min(hits);
            miss = median(misses);
            totalNs = nsPerOp * shuffled.length;
            overhead = timerOverhead();
            lat = new long[shuffled.length];
            long found = 0;
            for (int i = 0; i < shuffled.length; i++) {
                long t = System.nanoTime();
                Long v = m.get(shuffled[i]);
                lat[i] = System.nanoTime() - t;
                if (v != null) found += v;
            }
            m = null;
            HashMap<Long, Long> g = new HashMap<>();
            System.gc();
            long sum = 0;
            for (int i = 0; i < n; i++) {
                g.put(w.present[i], (long) i);
                long t = System.nanoTime();
                Long v = g.get(targets[i]);
                sum += System.nanoTime() - t;
                if (v != null) found += v;
            }
            sink += found;
            interleaved = String.format(Locale.ROOT, "%.3f", sum / (double) n);
        } else {
            boolean fills = workload.equals("insert") || workload.equals("prealloc");
            long[] shuffled = fills ? readKeys(dir, "present_shuffled") : null;
            long[] absent = fills ? readKeys(dir, "absent") : null;
            // Warm-up pass, untimed: also the JIT's warm-up.
            HashMap<Long, Long> warm = w.build();
            w.run(warm, null);
            if (fills) { lookups(warm, shuffled); lookups(warm, absent); }
            warm = null;
            double[] totals = new double[repeat], hits = new double[repeat], misses = new double[repeat];
            for (int p = 0; p < repeat; p++) {
                HashMap<Long, Long> m = w.build();
                System.gc();
                long t = System.nanoTime();
                w.run(m, null);
                totals[p] = System.nanoTime() - t;
                if (fills) {
                    hits[p] = lookups(m, shuffled);
                    misses[p] = lookups(m, absent);
                }
            }
            totalNs = median(totals);
            nsPerOp = totalNs / ops;
            nsPerOpMin = min(totals) / ops;
            if (fills) { hit = median(hits); miss = median(misses); }
            overhead = timerOverhead();
            lat = new long[ops];
            HashMap<Long, Long> m = w.build();
            System.gc();
            w.run(m, lat);
            sink += m.size();
        }
        int finalN = workload.equals("shrink") ? n - w.deletes() : n;
        json.append(String.format(Locale.ROOT,
            "\"n\":%d,\"ops\":%d,\"ns_per_op\":%.3f,\"ns_per_op_min\":%.3f,\"total_ns\":%.0f,\"lookup_hit_ns\":%.3f,\"lookup_miss_ns\":%.3f,\"interleaved_lookup_ns\":%s,",
            finalN, workload.equals("lookup") ? n : ops, nsPerOp, nsPerOpMin, totalNs, hit, miss, interleaved));
        json.append(percentiles(lat));
        json.append(String.format(Locale.ROOT, ",\"timer_overhead_ns\":%d,\"version\":%s,\"settings\":%s}",
            overhead, quote(version), quote(settings)));
        System.out.println(json);
        if (sink == 42) System.err.println(); // keeps the lookups' results alive
    }
}

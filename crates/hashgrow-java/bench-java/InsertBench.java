// InsertBench: 1M put()s of Long keys into an empty java.util.HashMap<Long, Long>,
// the workload of hashgrow-java's examples/insert_1m.rs (sequential and
// xorshift-random keys). Warm-up runs first (so the JIT has compiled put and
// resize), then timed runs; prints the median of the timed runs.
//
//   javac -d /tmp/insertbench crates/hashgrow-java/bench-java/InsertBench.java
//   java -Xms2g -Xmx2g -cp /tmp/insertbench InsertBench [warmups=10] [runs=11] [preboxed]
import java.util.Arrays;
import java.util.HashMap;

public class InsertBench {
    static final int N = 1_000_000;

    static long[] keys(boolean random) {
        long[] ks = new long[N];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < N; i++) {
            if (random) {
                x ^= x << 13; x ^= x >>> 7; x ^= x << 17;
                ks[i] = x;
            } else {
                ks[i] = i;
            }
        }
        return ks;
    }

    // Default: the keys are primitive longs made beforehand (as the Rust
    // side's u64s) and boxed by put's autoboxing inside the timed loop,
    // which is what a Java program inserting 1M longs pays. With
    // "preboxed", the Long objects are made before the clock starts.
    static long once(long[] ks, Long[] boxed) {
        long t = System.nanoTime();
        HashMap<Long, Long> m = new HashMap<>();
        if (boxed != null) {
            for (Long k : boxed) m.put(k, k);
        } else {
            for (long k : ks) m.put(k, k);
        }
        long e = System.nanoTime() - t;
        if (m.size() != N) throw new AssertionError();
        return e;
    }

    public static void main(String[] a) {
        int warmups = a.length > 0 ? Integer.parseInt(a[0]) : 10;
        int runs = a.length > 1 ? Integer.parseInt(a[1]) : 11;
        boolean preboxed = a.length > 2 && a[2].equals("preboxed");
        for (boolean random : new boolean[] {false, true}) {
            long[] ks = keys(random);
            Long[] boxed = null;
            if (preboxed) {
                boxed = new Long[N];
                for (int i = 0; i < N; i++) boxed[i] = ks[i];
            }
            for (int i = 0; i < warmups; i++) once(ks, boxed);
            long[] t = new long[runs];
            for (int i = 0; i < runs; i++) { System.gc(); t[i] = once(ks, boxed); }
            Arrays.sort(t);
            long med = t[runs / 2];
            System.out.printf("%10s keys%s: java.util.HashMap<Long,Long> 1M puts from empty: median %.2f ms (%.1f ns/put) over %d runs after %d warm-ups%n",
                random ? "random" : "sequential", preboxed ? " (preboxed)" : "", med / 1e6, med / (double) N, runs, warmups);
        }
    }
}

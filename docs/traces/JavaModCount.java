// Which JDK 17 HashMap methods throw ConcurrentModificationException when the
// map is structurally modified (a key added or removed: modCount changes)
// from inside them, on one thread. Also: an update of an existing key's
// value does not change modCount, so it never throws.
//
//   java docs/traces/JavaModCount.java     # output: docs/generated/java-modcount.txt
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Map;

public class JavaModCount {
    interface Body { void run(Map<Integer, Integer> m); }

    static void check(String what, Body body) {
        Map<Integer, Integer> m = new HashMap<>();
        for (int i = 0; i < 4; i++) m.put(i, i);
        String result;
        try {
            body.run(m);
            result = "no exception";
        } catch (ConcurrentModificationException e) {
            result = "ConcurrentModificationException";
        }
        System.out.printf("%-70s %s (size after: %d)%n", what, result, m.size());
    }

    public static void main(String[] args) {
        System.out.println("# java " + System.getProperty("java.version") + ", java.util.HashMap, one thread");
        check("keySet iterator, put(new key) inside the loop", m -> { for (Integer k : m.keySet()) m.put(100 + k, 0); });
        check("keySet iterator, put(existing key) inside the loop", m -> { for (Integer k : m.keySet()) m.put(k, 7); });
        check("computeIfAbsent(new key), function puts another new key", m -> m.computeIfAbsent(50, k -> { m.put(51, 0); return 1; }));
        check("computeIfAbsent(new key), function updates an existing key", m -> m.computeIfAbsent(50, k -> { m.put(0, 9); return 1; }));
        check("compute(existing key), function removes another key", m -> m.compute(1, (k, v) -> { m.remove(2); return 5; }));
        check("merge(existing key), function puts a new key", m -> m.merge(1, 1, (a, b) -> { m.put(60, 0); return a + b; }));
        check("forEach, action puts a new key", m -> m.forEach((k, v) -> { if (k == 0) m.put(70, 0); }));
        check("forEach, action updates an existing key", m -> m.forEach((k, v) -> m.put(0, 9)));
        check("replaceAll, function puts a new key", m -> m.replaceAll((k, v) -> { if (k == 0) m.put(80, 0); return v; }));
        check("entrySet().forEach, action removes a key", m -> m.entrySet().forEach(e -> { if (e.getKey() == 3) m.remove(0); }));
    }
}

// The unstable-hash experiment of docs/unstable-hash.md on the real JDK 17
// HashMap: a key whose hashCode changes after it was put, then a resize.
//
//   java docs/traces/JavaUnstableHash.java   # output: docs/generated/java-unstable-hash.txt
import java.util.HashMap;
import java.util.Map;

public class JavaUnstableHash {
    static final class Key {
        final int id;
        int hash;
        Key(int id, int hash) { this.id = id; this.hash = hash; }
        @Override public int hashCode() { return hash; }
        @Override public boolean equals(Object o) { return o instanceof Key && ((Key) o).id == id; }
    }

    static int mix(int x) { // a well-mixed hash code (murmur3's finaliser)
        x ^= x >>> 16; x *= 0x85ebca6b; x ^= x >>> 13; x *= 0xc2b2ae35; x ^= x >>> 16;
        return x;
    }

    public static void main(String[] args) {
        System.out.println("# java " + System.getProperty("java.version") + ", java.util.HashMap<Key, Integer>");
        Map<Key, Integer> m = new HashMap<>();
        Key victim = new Key(0, mix(0));
        m.put(victim, 0);
        int next = 1;
        for (; next <= 20; next++) m.put(new Key(next, mix(next)), next);
        int oldHash = victim.hash, newHash = oldHash ^ 0xFFFF;
        victim.hash = newHash;
        System.out.println("after the switch, before a resize: get(victim) found: " + m.containsKey(victim));
        // 21 entries in 32 bins (threshold 24): the 25th put resizes to 64 bins.
        for (; next <= 24; next++) m.put(new Key(next, mix(next)), next);
        System.out.println("after a resize (32 -> 64 bins, " + m.size() + " entries):");
        System.out.println("  get with the new hash found: " + m.containsKey(victim));
        victim.hash = oldHash;
        System.out.println("  get with the old hash found: " + m.containsKey(victim));
        victim.hash = newHash;
        long seen = m.keySet().stream().filter(k -> k.id == 0).count();
        System.out.println("  size - plain keys: " + (m.size() - 24) + ", iteration returns the victim " + seen + " time(s)");
        Integer prev = m.put(new Key(0, newHash), 1);
        seen = m.keySet().stream().filter(k -> k.id == 0).count();
        System.out.println("  put(victim, new hash) added an entry: " + (prev == null) + "; iteration now returns it " + seen + " time(s)");
    }
}

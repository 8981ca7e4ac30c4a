// Double.NaN as a JDK 17 HashMap key: found again, because Double.equals and
// Double.hashCode use doubleToLongBits, which maps every NaN to one bit
// pattern (unlike ==, for which NaN != NaN). The flip side: 0.0 and -0.0 are
// == but not equals, so they are two keys.
//
//   java docs/traces/JavaNaN.java          # output: docs/generated/java-nan.txt
import java.util.HashMap;
import java.util.Map;

public class JavaNaN {
    public static void main(String[] args) {
        System.out.println("# java " + System.getProperty("java.version") + ", java.util.HashMap<Double, Integer>");
        Map<Double, Integer> m = new HashMap<>();
        m.put(Double.NaN, 1);
        m.put(Double.NaN, 2);
        double otherNaN = Double.longBitsToDouble(0x7ff0000000000001L); // a NaN with another payload
        m.put(otherNaN, 3);
        System.out.println("put(NaN, 1); put(NaN, 2); put(NaN with another payload, 3) -> size " + m.size()
            + ", get(NaN) = " + m.get(Double.NaN) + ", NaN == NaN: " + (Double.NaN == Double.NaN)
            + ", Double.valueOf(NaN).equals(NaN): " + Double.valueOf(Double.NaN).equals(Double.NaN));
        m.remove(Double.NaN);
        System.out.println("remove(NaN) -> size " + m.size());
        m.put(0.0, 1);
        m.put(-0.0, 2);
        System.out.println("put(0.0, 1); put(-0.0, 2) -> size " + m.size() + " (0.0 == -0.0: " + (0.0 == -0.0) + ")");
    }
}

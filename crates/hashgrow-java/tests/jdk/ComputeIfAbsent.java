import java.util.*;
import java.lang.reflect.*;
// What JDK 17's computeIfAbsent does that putVal does not (the expectations of
// `entry_prepends_as_compute_if_absent_and_insert_appends` and
// `entry_resizes_lazily_as_compute_if_absent` in src/tests.rs):
//   javac -d /tmp ComputeIfAbsent.java && java --add-opens java.base/java.util=ALL-UNNAMED -cp /tmp ComputeIfAbsent
// prints: entry [3, 2, 1] put [1, 2, 3] / cap after first 16 / size 13 cap 16 / cap after present 32
public class ComputeIfAbsent {
  static final class K { final int id, h; K(int id,int h){this.id=id;this.h=h;} public int hashCode(){return h;} public boolean equals(Object o){return o instanceof K && ((K)o).id==id;} public String toString(){return ""+id;} }
  static int cap(HashMap<?,?> m) throws Exception { Field f = HashMap.class.getDeclaredField("table"); f.setAccessible(true); Object[] t=(Object[])f.get(m); return t==null?0:t.length; }
  public static void main(String[] a) throws Exception {
    HashMap<K,Integer> e = new HashMap<>(), p = new HashMap<>();
    for (int[] kh : new int[][]{{1,5},{2,21},{3,37}}) { e.computeIfAbsent(new K(kh[0],kh[1]), k->0); p.put(new K(kh[0],kh[1]),0); }
    System.out.println("entry " + e.keySet() + " put " + p.keySet());
    HashMap<Long,Long> m = new HashMap<>();
    m.computeIfAbsent(0L, k->0L); System.out.println("cap after first " + cap(m));
    for (long k=1;k<13;k++) m.computeIfAbsent(k, x->x);
    System.out.println("size " + m.size() + " cap " + cap(m));
    m.computeIfAbsent(0L, k->99L); System.out.println("cap after present " + cap(m));
  }
}

// Times the real Go 1.24+ runtime map (Swiss tables, internal/runtime/maps)
// on the keys `hashgrow compare` uses: map[uint64]uint64, n keys
// splitmix64(i) for i in 0..n (crates/hashgrow-bench/src/keys.rs), absent
// keys splitmix64(i) for i in n..2n. Per round:
//   - insert: n inserts into make(map[uint64]uint64) (from empty);
//   - presized: the same into make(map[uint64]uint64, n);
//   - hit: every present key looked up once, in insertion order;
//   - miss: every absent key looked up once.
// Prints the best and the median of the rounds, in ns per operation.
//
//	./run.sh [-n 1000000] [-rounds 7]
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sort"
	"time"
)

// splitmix64 is the same bijection as hashgrow's u64_key.
func splitmix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

var sink uint64

func perOp(d time.Duration, n int) float64 {
	return float64(d.Nanoseconds()) / float64(n)
}

func fill(m map[uint64]uint64, keys []uint64) {
	for i, k := range keys {
		m[k] = uint64(i)
	}
}

func lookups(m map[uint64]uint64, keys []uint64) uint64 {
	var s uint64
	for _, k := range keys {
		if v, ok := m[k]; ok {
			s += v
		} else {
			s++
		}
	}
	return s
}

func main() {
	n := flag.Int("n", 1_000_000, "keys")
	rounds := flag.Int("rounds", 7, "timed rounds")
	flag.Parse()
	present := make([]uint64, *n)
	absent := make([]uint64, *n)
	for i := range present {
		present[i] = splitmix64(uint64(i))
		absent[i] = splitmix64(uint64(*n + i))
	}
	names := []string{"insert", "presized", "hit", "miss"}
	times := make([][]float64, len(names))
	for r := 0; r < *rounds; r++ {
		runtime.GC()
		t := time.Now()
		m := make(map[uint64]uint64)
		fill(m, present)
		times[0] = append(times[0], perOp(time.Since(t), *n))
		if len(m) != *n {
			panic("len")
		}

		t = time.Now()
		sink += lookups(m, present)
		times[2] = append(times[2], perOp(time.Since(t), *n))
		t = time.Now()
		sink += lookups(m, absent)
		times[3] = append(times[3], perOp(time.Since(t), *n))
		m = nil
		runtime.GC()

		t = time.Now()
		p := make(map[uint64]uint64, *n)
		fill(p, present)
		times[1] = append(times[1], perOp(time.Since(t), *n))
		p = nil
	}
	fmt.Printf("%s, map[uint64]uint64, n %d, %d rounds (ns/op)\n", runtime.Version(), *n, *rounds)
	fmt.Printf("%-10s %8s %8s\n", "", "best", "median")
	for i, name := range names {
		ts := times[i]
		sort.Float64s(ts)
		fmt.Printf("%-10s %8.1f %8.1f\n", name, ts[0], ts[len(ts)/2])
	}
}

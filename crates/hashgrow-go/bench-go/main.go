// Times 1M inserts into a real Go map[uint64]uint64 from empty (best and
// median of 7 rounds), for two key sets:
//   - random: splitmix64(i) for i in 0..1M, the keys `hashgrow compare`
//     inserts by default (crates/hashgrow-bench/src/keys.rs);
//   - sequential: 0..1M.
//
//	cd crates/hashgrow-go/bench-go && go run .
package main

import (
	"fmt"
	"sort"
	"time"
)

const n = 1_000_000

// splitmix64 is the same bijection as hashgrow's u64_key.
func splitmix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func run(name string, keys []uint64) {
	var times []time.Duration
	for r := 0; r < 7; r++ {
		t := time.Now()
		m := make(map[uint64]uint64)
		for i, k := range keys {
			m[k] = uint64(i)
		}
		times = append(times, time.Since(t))
		if len(m) != n {
			panic("len")
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	fmt.Printf("go map[uint64]uint64, %s keys, insert 1M from empty: best %.1f ns/op, median %.1f ns/op (7 rounds)\n",
		name, float64(times[0].Nanoseconds())/n, float64(times[3].Nanoseconds())/n)
}

func main() {
	random := make([]uint64, n)
	sequential := make([]uint64, n)
	for i := range random {
		random[i] = splitmix64(uint64(i))
		sequential[i] = uint64(i)
	}
	run("random", random)
	run("sequential", sequential)
}

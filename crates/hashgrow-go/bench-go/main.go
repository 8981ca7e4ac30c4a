// Times 1M inserts of uint64 keys 0..1M into a real Go map[uint64]uint64
// from empty (best of 7 rounds), the workload of examples/insert_1m.rs.
//
//	cd crates/hashgrow-go/bench-go && go run .
package main

import (
	"fmt"
	"time"
)

const n = 1_000_000

func main() {
	best := time.Duration(1 << 62)
	for r := 0; r < 7; r++ {
		t := time.Now()
		m := make(map[uint64]uint64)
		for k := uint64(0); k < n; k++ {
			m[k] = k
		}
		d := time.Since(t)
		if len(m) != n {
			panic("len")
		}
		if d < best {
			best = d
		}
	}
	fmt.Printf("go map[uint64]uint64 insert 1M from empty: %.1f ns/op (best of 7, %v total)\n",
		float64(best.Nanoseconds())/n, best)
}

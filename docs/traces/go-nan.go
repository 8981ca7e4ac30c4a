// NaN keys in the real Go 1.19 map: the runtime's own case of a key whose
// hash is not stable. f64hash gives a NaN a random hash on every call
// (runtime/alg.go:57-84), and NaN != NaN, so a NaN key is never found again.
//
//	go run docs/traces/go-nan.go        # output: docs/generated/go-nan.txt
package main

import (
	"fmt"
	"math"
	"runtime"
)

func main() {
	fmt.Println("#", runtime.Version())
	m := map[float64]int{}
	m[math.NaN()] = 1
	m[math.NaN()] = 2
	m[1.5] = 3
	_, ok := m[math.NaN()]
	fmt.Println("m[NaN] = 1; m[NaN] = 2; m[1.5] = 3 -> len", len(m), "; m[NaN] found:", ok)

	delete(m, math.NaN())
	fmt.Println("delete(m, NaN) -> len", len(m))

	seen := 0
	for k, v := range m {
		if k != k {
			seen++
			_, ok := m[k] // the very key the iterator returned
			fmt.Println("  range sees key", k, "value", v, "; m[that key] found:", ok)
		}
	}
	fmt.Println("range saw", seen, "NaN keys")

	// Deleting every key the iterator returns: each delete hashes the key
	// again and finds nothing. The compiler turns this exact loop into one
	// runtime.mapclear call (which would remove NaNs) only when the key
	// type's == is reflexive (cmd/compile/internal/walk/range.go:317-355,
	// "Keys where equality is not reflexive can not be deleted from maps"):
	// not for float64. Go 1.19 has no clear builtin (Go 1.21 added one, which
	// does remove NaNs); only dropping the map frees these entries.
	for k := range m {
		delete(m, k)
	}
	fmt.Println("for k := range m { delete(m, k) } -> len", len(m))

	// Many NaNs: every insert is a new entry; the map grows as for any key.
	m2 := map[float64]int{}
	for i := 0; i < 1000; i++ {
		m2[math.NaN()] = i
	}
	n := 0
	for k := range m2 {
		if k != k {
			n++
		}
	}
	fmt.Println("1000 inserts of NaN -> len", len(m2), "; range sees", n, "NaN keys")
}

// 100 inserts into a map[uint64]uint64 (4 doublings: B 0 -> 4). Run under
// gdb with docs/traces/go-breakpoints.gdb: runtime.growWork is never hit,
// runtime.growWork_fast64 and runtime.evacuate_fast64 are, because the
// compiler turns m[k] = v into a call of runtime.mapassign_fast64.
//
//	go build -o /tmp/go-breakpoints docs/traces/go-breakpoints.go
//	gdb -batch -nx -x docs/traces/go-breakpoints.gdb /tmp/go-breakpoints
package main

import "fmt"

func main() {
	m := map[uint64]uint64{}
	for i := uint64(0); i < 100; i++ {
		m[i] = i
	}
	fmt.Println("len", len(m))
}

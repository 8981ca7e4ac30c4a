package main

import "sync"

func main() {
	m := map[uint64]uint64{}
	var wg sync.WaitGroup
	for t := uint64(0); t < 2; t++ {
		wg.Add(1)
		go func(t uint64) {
			defer wg.Done()
			for k := uint64(0); k < 1_000_000; k++ {
				m[t<<32|k] = k
			}
		}(t)
	}
	wg.Wait()
}

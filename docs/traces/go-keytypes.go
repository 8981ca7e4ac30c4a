// Key types on the real Go 1.19 map: for uint64, string, struct and a
// 136-byte array key, at several sizes, how big a bucket is, whether keys
// are stored inline, which runtime path the compiler picks, when the map
// grew, and how entries spread over the buckets, against Poisson(count/2^B).
//
//	go run docs/traces/go-keytypes.go            # Go 1.19 (runtime layout below)
//	scripts/go-keytypes.sh                       # the same, saved to docs/generated/
//
// It reads the runtime's private structs (hmap, maptype) through unsafe, as
// go-hmap-offsets.go and ../shared/oracles/go-map do: the field layouts are
// Go 1.19's (runtime/map.go:116 hmap, runtime/type.go:356 maptype) and are
// wrong for any other version, so the program refuses to run on another one.
package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"time"
	"unsafe"
)

// runtime.hmap, Go 1.19 (runtime/map.go:116).
type hmap struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
	extra      unsafe.Pointer
}

// runtime._type and runtime.maptype, Go 1.19 (runtime/type.go:35, :356).
type rtype struct {
	size       uintptr
	ptrdata    uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      unsafe.Pointer
	gcdata     *byte
	str        int32
	ptrToThis  int32
}
type maptype struct {
	typ        rtype
	key        *rtype
	elem       *rtype
	bucket     *rtype
	hasher     unsafe.Pointer
	keysize    uint8
	elemsize   uint8
	bucketsize uint16
	flags      uint32
}

type eface struct {
	typ  *maptype
	data unsafe.Pointer
}

const minTopHash = 5

var sink uint64

// A struct key: 24 bytes, no pointers, hashed with memhash, generic path.
type structKey struct{ A, B, C uint64 }

// A key over maxKeySize (128 bytes): the bucket stores a pointer to it.
type bigKey [17]uint64

// What one map looks like after n inserts.
type result struct {
	n, B, grows, same  int
	noverflow          int // the runtime's counter (exact below B = 16, sampled above)
	overflowCounted    int // overflow buckets found by walking every chain
	hist               []int
	nsPerHit           float64
	bucketsize, keysz  int
	indirectKey, slots bool
}

func build[K comparable](n int, key func(int) K) result {
	m := make(map[K]uint64)
	h := *(**hmap)(unsafe.Pointer(&m))
	var i any = m
	mt := (*eface)(unsafe.Pointer(&i)).typ
	keys := make([]K, n)
	for j := range keys {
		keys[j] = key(j)
	}
	runtime.GC()
	grows, same, prevB, growing := 0, 0, h.B, false
	for j, k := range keys {
		m[k] = uint64(j)
		// Every doubling raises B, also one that starts and ends inside
		// one insert (B 0 -> 1 and 1 -> 2 always do); a same-size grow
		// shows as oldbuckets appearing with B unchanged.
		g := h.oldbuckets != nil
		if h.B != prevB {
			grows += int(h.B - prevB)
		} else if g && !growing {
			same++
		}
		prevB, growing = h.B, g
	}
	// Finish a grow still in progress: overwriting a present key runs
	// growWork (two old buckets) and changes neither count nor B.
	for j := 0; h.oldbuckets != nil; j = (j + 1) % n {
		m[keys[j]] = uint64(j)
	}
	// Entries per bucket chain (head bucket + overflow buckets).
	nb := uintptr(1) << h.B
	bs := uintptr(mt.bucketsize)
	// Lookup cost: every key once, best of 3 passes (hash + compare;
	// the key type's hash function is most of the difference).
	ns := math.Inf(1)
	for pass := 0; pass < 3; pass++ {
		start := time.Now()
		var sum uint64
		for _, k := range keys {
			sum += m[k]
		}
		sink += sum
		ns = math.Min(ns, float64(time.Since(start).Nanoseconds())/float64(n))
	}
	r := result{n: n, B: int(h.B), grows: grows, same: same, noverflow: int(h.noverflow), nsPerHit: ns,
		bucketsize: int(mt.bucketsize), keysz: int(mt.key.size), indirectKey: mt.flags&1 != 0}
	for b := uintptr(0); b < nb; b++ {
		p := unsafe.Pointer(uintptr(h.buckets) + b*bs)
		entries := 0
		for first := true; p != nil; first = false {
			if !first {
				r.overflowCounted++
			}
			top := (*[8]uint8)(p)
			for s := 0; s < 8; s++ {
				if top[s] >= minTopHash {
					entries++
				}
			}
			// The overflow pointer is the last word of the bucket.
			p = *(*unsafe.Pointer)(unsafe.Pointer(uintptr(p) + bs - unsafe.Sizeof(uintptr(0))))
		}
		for len(r.hist) <= entries {
			r.hist = append(r.hist, 0)
		}
		r.hist[entries]++
	}
	runtime.KeepAlive(m)
	return r
}

func poisson(lambda float64, k int) float64 {
	lg, _ := math.Lgamma(float64(k + 1))
	return math.Exp(-lambda + float64(k)*math.Log(lambda) - lg)
}

// Expected overflow buckets if entries per chain were Poisson(lambda):
// a chain holding k entries needs ceil(k/8)-1 overflow buckets (inserts and
// evacuation fill a chain's buckets in order; this program deletes nothing).
func expectedOverflow(lambda float64, nb int) float64 {
	e := 0.0
	for k := 9; k < 200; k++ {
		e += poisson(lambda, k) * float64((k+7)/8-1)
	}
	return e * float64(nb)
}

func main() {
	if !strings.HasPrefix(runtime.Version(), "go1.19") {
		fmt.Fprintf(os.Stderr, "go-keytypes: needs Go 1.19 (reads its private map structs); this is %s\n", runtime.Version())
		os.Exit(2)
	}
	type kind struct {
		name, path string
		sizes      []int
		run        func(n int) result
	}
	sizes := []int{1000, 10000, 100000, 1000000}
	kinds := []kind{
		{"uint64", "mapassign_fast64", sizes, func(n int) result {
			return build(n, func(i int) uint64 { return uint64(i) })
		}},
		{"string", "mapassign_faststr", sizes, func(n int) result {
			return build(n, func(i int) string { return fmt.Sprintf("key-%d", i) })
		}},
		{"struct{A,B,C uint64}", "mapassign", sizes, func(n int) result {
			return build(n, func(i int) structKey { return structKey{uint64(i), uint64(i) * 7, 1} })
		}},
		{"[17]uint64", "mapassign", sizes[:3], func(n int) result {
			return build(n, func(i int) bigKey { var k bigKey; k[0] = uint64(i); return k })
		}},
	}
	fmt.Printf("# %s %s/%s; value type uint64 in every map; keys 0..n-1 (string: \"key-%%d\")\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Println("# key B: key size in bytes; bucket: bucket size in bytes (maptype.bucketsize); indirect: key stored as a pointer (maptype flags&1);")
	fmt.Println("# path: the insert function the compiler calls (cmd/compile/internal/walk/walk.go:206, mapfast)")
	fmt.Println("# grows: doublings while inserting n keys one by one (same-size grows: none, nothing is deleted); noverflow: hmap.noverflow (exact below B = 16, sampled above);")
	fmt.Println("# ovf counted: overflow buckets found by walking every chain; ovf Poisson: expected if entries per bucket were Poisson(n/2^B);")
	fmt.Println("# hit ns: a lookup of every key in insertion order, best of 3 passes (hash + compare; a shared machine: rough)")
	fmt.Println("# A grow still in progress after the n inserts is finished first, by overwriting present keys (growWork runs; count and B do not change).")
	fmt.Println()
	fmt.Printf("%-21s %-18s %5s %6s %8s %5s %3s %5s %9s %11s %11s %6s %9s\n",
		"key", "path", "key B", "bucket", "indirect", "n", "B", "grows", "noverflow", "ovf counted", "ovf Poisson", "n/2^B", "hit ns")
	var hists []string
	for _, k := range kinds {
		for _, n := range k.sizes {
			r := k.run(n)
			nb := 1 << r.B
			lambda := float64(n) / float64(nb)
			fmt.Printf("%-21s %-18s %5d %6d %8v %5s %3d %5d %9d %11d %11.0f %6.2f %9.1f\n",
				k.name, k.path, r.keysz, r.bucketsize, r.indirectKey, short(n), r.B, r.grows, r.noverflow,
				r.overflowCounted, expectedOverflow(lambda, nb), lambda, r.nsPerHit)
			if n == k.sizes[len(k.sizes)-1] || n == 1000000 {
				var sb strings.Builder
				fmt.Fprintf(&sb, "%s, n = %d, B = %d, %d buckets, mean %.2f entries per bucket:\n", k.name, n, r.B, nb, lambda)
				fmt.Fprintf(&sb, "  %-8s %10s %10s\n", "entries", "buckets", "Poisson")
				for e := 0; e < len(r.hist) || poisson(lambda, e)*float64(nb) >= 0.5; e++ {
					got := 0
					if e < len(r.hist) {
						got = r.hist[e]
					}
					fmt.Fprintf(&sb, "  %-8d %10d %10.0f\n", e, got, poisson(lambda, e)*float64(nb))
				}
				hists = append(hists, sb.String())
			}
		}
	}
	fmt.Println()
	fmt.Println("# entries per bucket chain (head + overflow buckets) at the largest size of each key type, against Poisson")
	for _, h := range hists {
		fmt.Println()
		fmt.Print(h)
	}
}

func short(n int) string {
	switch {
	case n >= 1000000:
		return fmt.Sprintf("%dM", n/1000000)
	case n >= 1000:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

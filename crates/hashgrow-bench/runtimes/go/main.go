// The real Go map[uint64]uint64 on one `hashgrow compare` workload, for the
// go-runtime-* rows of `hashgrow compare --runtimes` (crates/hashgrow-bench/
// src/runtimes.rs builds and runs it; one source for Go 1.19 and Go 1.27).
//
//	runtime-go WORKLOAD REPEAT DIR CRON
//
// WORKLOAD is insert, prealloc, lookup, churn or shrink; DIR holds the
// keys the Rust strategies ran on, written by hashgrow as little-endian
// u64 files (present, present_shuffled, absent, and for churn fresh and
// churn_removed, for lookup interleaved). CRON is ignored: a Go map has no
// server cron. Prints one JSON object with RunResult's field names.
//
// What the times include: everything the runtime does inside the map
// operations, allocation and any garbage-collector work they trigger
// (GOGC as set in the environment; runtime.GC() runs before each pass,
// outside the timing, so a pass does not pay for the previous one's
// garbage).
package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"time"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "runtime-go: "+format+"\n", args...)
	os.Exit(2)
}

func readKeys(dir, name string) []uint64 {
	b, err := os.ReadFile(filepath.Join(dir, name+".u64"))
	if err != nil {
		fail("%v", err)
	}
	if len(b)%8 != 0 {
		fail("%s.u64: %d bytes is not a whole number of u64s", name, len(b))
	}
	ks := make([]uint64, len(b)/8)
	for i := range ks {
		ks[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return ks
}

// work is one workload's inputs.
type work struct {
	workload string
	present  []uint64
	// churn: op i deletes removed[i] and inserts fresh[i].
	fresh, removed []uint64
}

func (w *work) ops() int {
	switch w.workload {
	case "churn":
		return len(w.fresh)
	case "shrink":
		return len(w.present) + w.deletes()
	}
	return len(w.present)
}

// deletes is how many keys shrink deletes: the first 90%, as measure.rs's
// GrowThenDelete.
func (w *work) deletes() int { return len(w.present) / 10 * 9 }

// build makes the map before the first op (untimed).
func (w *work) build() map[uint64]uint64 {
	switch w.workload {
	case "prealloc":
		return make(map[uint64]uint64, len(w.present))
	case "churn":
		m := make(map[uint64]uint64)
		for i, k := range w.present {
			m[k] = uint64(i)
		}
		return m
	}
	return make(map[uint64]uint64)
}

// run does every op on m. With lat non-nil, each op is timed on its own
// into lat[i]; otherwise nothing but the ops runs.
func (w *work) run(m map[uint64]uint64, lat []int64) {
	switch w.workload {
	case "churn":
		if lat == nil {
			for i, k := range w.fresh {
				delete(m, w.removed[i])
				m[k] = uint64(i)
			}
			return
		}
		for i, k := range w.fresh {
			t := time.Now()
			delete(m, w.removed[i])
			m[k] = uint64(i)
			lat[i] = int64(time.Since(t))
		}
	case "shrink":
		n := len(w.present)
		if lat == nil {
			for i, k := range w.present {
				m[k] = uint64(i)
			}
			for _, k := range w.present[:w.deletes()] {
				delete(m, k)
			}
			return
		}
		for i, k := range w.present {
			t := time.Now()
			m[k] = uint64(i)
			lat[i] = int64(time.Since(t))
		}
		for i, k := range w.present[:w.deletes()] {
			t := time.Now()
			delete(m, k)
			lat[n+i] = int64(time.Since(t))
		}
	default: // insert, prealloc, and lookup's fill
		if lat == nil {
			for i, k := range w.present {
				m[k] = uint64(i)
			}
			return
		}
		for i, k := range w.present {
			t := time.Now()
			m[k] = uint64(i)
			lat[i] = int64(time.Since(t))
		}
	}
}

var sink uint64

// lookups looks every key up once and returns ns per lookup.
func lookups(m map[uint64]uint64, keys []uint64) float64 {
	var found uint64
	t := time.Now()
	for _, k := range keys {
		if v, ok := m[k]; ok {
			found += v
		}
	}
	d := time.Since(t)
	sink += found
	return float64(d.Nanoseconds()) / float64(max(len(keys), 1))
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func minimum(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		if x < m {
			m = x
		}
	}
	return m
}

// timerOverhead is the median cost of one empty timed region, as
// measure.rs's timer_overhead_ns.
func timerOverhead() int64 {
	s := make([]int64, 10001)
	for i := range s {
		t := time.Now()
		s[i] = int64(time.Since(t))
	}
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// result holds RunResult's field names (crates/hashgrow-bench/src/measure.rs).
type result struct {
	N                   int      `json:"n"`
	Ops                 int      `json:"ops"`
	NsPerOp             float64  `json:"ns_per_op"`
	NsPerOpMin          float64  `json:"ns_per_op_min"`
	TotalNs             float64  `json:"total_ns"`
	LookupHitNs         float64  `json:"lookup_hit_ns"`
	LookupMissNs        float64  `json:"lookup_miss_ns"`
	InterleavedLookupNs *float64 `json:"interleaved_lookup_ns"`
	P50Ns               int64    `json:"p50_ns"`
	P99Ns               int64    `json:"p99_ns"`
	P999Ns              int64    `json:"p999_ns"`
	P9999Ns             int64    `json:"p9999_ns"`
	MaxNs               int64    `json:"max_ns"`
	OpsOver10us         int      `json:"ops_over_10us"`
	OpsOver100us        int      `json:"ops_over_100us"`
	TimerOverheadNs     int64    `json:"timer_overhead_ns"`
	Version             string   `json:"version"`
	Settings            string   `json:"settings"`
}

// percentiles fills the latency fields from per-op times, with the rank
// rule of hdrhistogram's value_at_quantile (the smallest value with at
// least q of the ops at or below it).
func (r *result) percentiles(lat []int64) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	at := func(q float64) int64 {
		i := int(q*float64(len(lat))+0.999999999) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(lat) {
			i = len(lat) - 1
		}
		return lat[i]
	}
	r.P50Ns, r.P99Ns, r.P999Ns, r.P9999Ns = at(0.50), at(0.99), at(0.999), at(0.9999)
	r.MaxNs = lat[len(lat)-1]
	for _, ns := range lat {
		if ns > 10_000 {
			r.OpsOver10us++
		}
		if ns > 100_000 {
			r.OpsOver100us++
		}
	}
}

func main() {
	if len(os.Args) != 5 {
		fail("usage: runtime-go WORKLOAD REPEAT DIR CRON")
	}
	workload, dir := os.Args[1], os.Args[3]
	repeat, err := strconv.Atoi(os.Args[2])
	if err != nil || repeat < 1 {
		fail("REPEAT must be a whole number >= 1, not %q", os.Args[2])
	}
	w := &work{workload: workload, present: readKeys(dir, "present")}
	if len(w.present) == 0 {
		fail("no keys")
	}
	switch workload {
	case "insert", "prealloc", "lookup", "shrink":
	case "churn":
		w.fresh, w.removed = readKeys(dir, "fresh"), readKeys(dir, "churn_removed")
		if len(w.fresh) != len(w.removed) {
			fail("fresh and churn_removed differ in length")
		}
	default:
		fail("unknown workload %q", workload)
	}
	gogc := os.Getenv("GOGC")
	if gogc == "" {
		gogc = "100 (default)"
	}
	r := result{
		N:       len(w.present),
		Ops:     w.ops(),
		Version: runtime.Version(),
		Settings: fmt.Sprintf("GOGC=%s, GOMAXPROCS=%d, runtime.GC() before each pass",
			gogc, runtime.GOMAXPROCS(0)),
	}
	if workload == "shrink" {
		r.N = len(w.present) - w.deletes()
	}

	if workload == "lookup" {
		lookupWorkload(w, dir, repeat, &r)
	} else {
		fills := workload == "insert" || workload == "prealloc"
		var shuffled, absent []uint64
		if fills {
			shuffled, absent = readKeys(dir, "present_shuffled"), readKeys(dir, "absent")
		}
		// One warm-up pass, untimed, then the timed passes.
		runtime.GC()
		w.run(w.build(), nil)
		var totals, hits, misses []float64
		for p := 0; p < repeat; p++ {
			m := w.build()
			runtime.GC()
			t := time.Now()
			w.run(m, nil)
			totals = append(totals, float64(time.Since(t).Nanoseconds()))
			if fills {
				hits = append(hits, lookups(m, shuffled))
				misses = append(misses, lookups(m, absent))
			}
		}
		r.TotalNs = median(totals)
		r.NsPerOp = r.TotalNs / float64(r.Ops)
		r.NsPerOpMin = minimum(totals) / float64(r.Ops)
		if fills {
			r.LookupHitNs, r.LookupMissNs = median(hits), median(misses)
		}
		r.TimerOverheadNs = timerOverhead()
		lat := make([]int64, r.Ops)
		m := w.build()
		runtime.GC()
		w.run(m, lat)
		r.percentiles(lat)
	}
	out, err := json.Marshal(r)
	if err != nil {
		fail("%v", err)
	}
	fmt.Println(string(out))
}

// lookupWorkload: hits and misses on a full map, the latency of each hit,
// and lookups interleaved with inserts (after insert i, a lookup of
// interleaved[i], an earlier key, timed alone).
func lookupWorkload(w *work, dir string, repeat int, r *result) {
	shuffled, absent := readKeys(dir, "present_shuffled"), readKeys(dir, "absent")
	targets := readKeys(dir, "interleaved")
	m := w.build()
	w.run(m, nil)
	runtime.GC()
	lookups(m, shuffled) // warm-up
	var hits, misses []float64
	for p := 0; p < repeat; p++ {
		hits = append(hits, lookups(m, shuffled))
		misses = append(misses, lookups(m, absent))
	}
	r.NsPerOp, r.NsPerOpMin = median(hits), minimum(hits)
	r.TotalNs = r.NsPerOp * float64(len(shuffled))
	r.LookupHitNs, r.LookupMissNs = median(hits), median(misses)
	r.TimerOverheadNs = timerOverhead()
	lat := make([]int64, len(shuffled))
	var found uint64
	for i, k := range shuffled {
		t := time.Now()
		v := m[k]
		lat[i] = int64(time.Since(t))
		found += v
	}
	sink += found
	r.percentiles(lat)

	m = make(map[uint64]uint64)
	runtime.GC()
	var sum int64
	for i, k := range w.present {
		m[k] = uint64(i)
		t := time.Now()
		v := m[targets[i]]
		sum += int64(time.Since(t))
		found += v
	}
	sink += found
	mean := float64(sum) / float64(len(w.present))
	r.InterleavedLookupNs = &mean
}

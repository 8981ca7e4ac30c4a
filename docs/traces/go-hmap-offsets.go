package main

import (
	"fmt"
	"unsafe"
)

// Copied from ../shared/oracles/go-map/main.go (mirrors runtime.hmap, Go 1.19).
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

func main() {
	var h hmap
	fmt.Println("count", unsafe.Offsetof(h.count), "flags", unsafe.Offsetof(h.flags), "B", unsafe.Offsetof(h.B),
		"noverflow", unsafe.Offsetof(h.noverflow), "hash0", unsafe.Offsetof(h.hash0), "buckets", unsafe.Offsetof(h.buckets),
		"oldbuckets", unsafe.Offsetof(h.oldbuckets), "nevacuate", unsafe.Offsetof(h.nevacuate), "extra", unsafe.Offsetof(h.extra), "size", unsafe.Sizeof(h))
}

//! Structural checks for tests (`GoMap::check_invariants`).

use crate::group::tophash;
use crate::layout::{evacuated, Bucket, BUCKET_CNT, EMPTY_ONE, EMPTY_REST, MIN_TOP_HASH};
use crate::raw::GoTable;

/// Walks chain `head`, checking each live key's bucket (`hash & mask ==
/// index`) and tophash, and that no live slot follows an `emptyRest`.
/// Returns the live entries seen.
fn check_chain<K, V>(
    hasher: &impl Fn(&K) -> u64,
    what: &str,
    index: usize,
    mask: usize,
    mut b: Bucket<K, V>,
) -> usize {
    let mut live = 0;
    let mut seen_rest = false;
    while !b.is_null() {
        for i in 0..BUCKET_CNT {
            // SAFETY: `b` walks a live chain of `m`; live slots hold keys.
            let top = unsafe { b.top(i) };
            if top >= MIN_TOP_HASH {
                assert!(!seen_rest, "{what} {index}: live slot after emptyRest");
                // SAFETY: live slot.
                let h = hasher(unsafe { &*b.key(i) });
                assert_eq!(
                    h as usize & mask,
                    index,
                    "{what} {index}: key in the wrong bucket"
                );
                assert_eq!(top, tophash(h), "{what} {index}: wrong tophash");
                live += 1;
            } else {
                assert!(
                    top <= EMPTY_ONE,
                    "{what} {index}: evacuation marker {top} in a live chain"
                );
                if top == EMPTY_REST {
                    seen_rest = true;
                }
            }
        }
        // SAFETY: live bucket.
        b = unsafe { b.overflow() };
    }
    live
}

pub(crate) fn check<K, V>(raw: &GoTable<K, V>, hasher: &impl Fn(&K) -> u64) {
    let mut live = 0;
    if raw.buckets.is_null() {
        assert_eq!(raw.b, 0, "no bucket array but B > 0");
    } else {
        let n = 1usize << raw.b;
        for i in (0..n).filter(|&i| raw.new_ready(i)) {
            // SAFETY: `i < 2^B`, initialised.
            live += check_chain(hasher, "bucket", i, n - 1, unsafe { raw.buckets.at(i) });
        }
    }
    if raw.growing() {
        let oldn = raw.noldbuckets();
        assert!(raw.nevacuate < oldn, "growing with nevacuate past the end");
        for i in 0..oldn {
            // SAFETY: `i < noldbuckets()`.
            let b = unsafe { raw.oldbuckets.at(i) };
            // SAFETY: live old bucket.
            if unsafe { evacuated(b) } {
                continue;
            }
            assert!(
                i >= raw.nevacuate,
                "old bucket {i} below nevacuate {} not evacuated",
                raw.nevacuate
            );
            live += check_chain(hasher, "old", i, oldn - 1, b);
        }
    } else {
        assert!(!raw.same_size, "sameSizeGrow flag set while not growing");
    }
    assert_eq!(live, raw.count, "live entries != len");
}

//! A counting global allocator: live heap bytes and their high-water mark.
//!
//! Counting is switched on only for the passes that measure memory, and
//! only on the thread that runs them (the progress bar's thread, or other
//! tests, allocate too and must not be counted). The timed passes pay one
//! thread-local read per allocation and nothing more.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The allocator installed in the `hashgrow` binary.
pub struct CountingAlloc;

thread_local! {
    /// Whether this thread's allocations are counted. Const-initialised and
    /// without a destructor, so reading it never allocates.
    static ON: Cell<bool> = const { Cell::new(false) };
}

fn on() -> bool {
    ON.try_with(Cell::get).unwrap_or(false)
}
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static OVERALL_PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters are side bookkeeping.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc(layout) };
        if on() && !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // Forwarded as such (not alloc + memset, the trait's default), so a
        // large zeroed table gets fresh zero pages as it would without this
        // allocator.
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc_zeroed(layout) };
        if on() && !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if on() {
            shrank(layout.size());
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if on() && !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

/// Counts `n` more live bytes, raising the peak.
fn grew(n: usize) {
    let now = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
}

/// Counts `n` fewer live bytes (never below zero: a block allocated before
/// counting started may be freed while it runs).
fn shrank(n: usize) {
    LIVE.fetch_sub(n.min(LIVE.load(Relaxed)), Relaxed);
}

/// Starts counting from zero: bytes allocated before this call are not
/// seen (and frees of them are clamped so the count never underflows).
pub fn start() {
    LIVE.store(0, Relaxed);
    PEAK.store(0, Relaxed);
    OVERALL_PEAK.store(0, Relaxed);
    ON.with(|c| c.set(true));
}

/// Stops counting.
pub fn stop() {
    ON.with(|c| c.set(false));
}

/// Bytes allocated since [`start`] and not yet freed.
pub fn live() -> usize {
    LIVE.load(Relaxed)
}

/// The largest [`live`] value since [`start`] or the last [`reset_peak`].
pub fn peak() -> usize {
    PEAK.load(Relaxed)
}

/// Starts a new [`peak`] window at the current live bytes, folding the
/// window that ends into [`overall_peak`].
pub fn reset_peak() {
    OVERALL_PEAK.fetch_max(PEAK.load(Relaxed), Relaxed);
    PEAK.store(LIVE.load(Relaxed), Relaxed);
}

/// The largest [`live`] value since [`start`], across peak windows.
pub fn overall_peak() -> usize {
    OVERALL_PEAK.load(Relaxed).max(PEAK.load(Relaxed))
}

/// Makes the system allocator behave the same for every strategy of a run.
///
/// glibc raises its mmap threshold each time a large block is freed (up to
/// 32 MiB), so after one strategy has grown and dropped a big table, the
/// next strategy's tables come from the reused heap instead of fresh
/// mappings, and each strategy of a run would be measured under different
/// conditions. Fixing the threshold (which turns the adjustment off) keeps
/// every table above 128 KiB a fresh mapping, for every strategy alike.
pub fn fix_system_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tunables; called once at
    // start-up before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// Puts the system allocator in the state of a fresh process before a
/// pass: no free heap memory that a new block could reuse.
///
/// 1. Every free byte of the heap goes back to the OS (glibc's
///    `malloc_trim(0)`).
/// 2. That only unmaps the pages: a free chunk below a live block (one the
///    bench allocated while the previous strategy's map filled the heap)
///    stays free and reusable, and `calloc` must then clear what it reuses
///    with `memset`, faulting in every page, where a fresh mapping is zero
///    already. After a 10M-key run of the `go` replica such a hole was
///    8.7 MiB, and the `redis` op that allocates a 4 MiB table with
///    `calloc` took 1.9 ms instead of microseconds, in every pass. So the
///    holes are **plugged**: allocated (not counted, never touched) until
///    the next call, so that every block of the pass comes from the top of
///    the heap or a fresh mapping, whatever ran before it.
///
/// A no-op off glibc.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::reset_heap();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::sync::Mutex;

    /// Holes smaller than this are left: a small `calloc` clears little.
    const SMALLEST_PLUG: usize = 64 << 10;
    /// Attempts at plugging per call (each halves the size tried).
    const TRIES: usize = 48;

    /// The plugs of the last call, as addresses (`malloc`'s pointers).
    static PLUGS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

    /// Free heap bytes below the top chunk, and the heap's size.
    fn holes() -> (usize, usize) {
        // SAFETY: mallinfo2 only reads the allocator's statistics.
        let m = unsafe { libc::mallinfo2() };
        (m.fordblks.saturating_sub(m.keepcost), m.arena)
    }

    pub(super) fn reset_heap() {
        let mut plugs = PLUGS.lock().unwrap_or_else(|e| e.into_inner());
        for p in plugs.drain(..) {
            // SAFETY: each was returned by `malloc` below and freed once.
            unsafe { libc::free(p as *mut libc::c_void) };
        }
        // SAFETY: malloc_trim only returns free memory to the OS.
        unsafe { libc::malloc_trim(0) };
        let (mut free, arena) = holes();
        let mut size = free;
        for _ in 0..TRIES {
            if free < SMALLEST_PLUG || size < SMALLEST_PLUG {
                break;
            }
            // Less than the hole, for the chunk header. `libc::malloc`, not
            // the global allocator: a plug is not the strategy's memory.
            // SAFETY: plain malloc; the block is freed by the next call.
            let p = unsafe { libc::malloc(size - 64) };
            let (after, arena_after) = holes();
            if !p.is_null() && arena_after == arena && after + size / 2 <= free {
                // Taken from a hole (the heap did not grow, and the free
                // bytes fell by about the size): keep it.
                plugs.push(p as usize);
                free = after;
                size = size.min(free);
            } else {
                // From the top or a fresh mapping: no hole that big.
                // SAFETY: just allocated, freed once.
                unsafe { libc::free(p) };
                size /= 2;
            }
        }
        // Whatever the failed tries extended, handed back again.
        // SAFETY: as above.
        unsafe { libc::malloc_trim(0) };
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    /// Set in the child process that runs the check alone (other tests'
    /// threads allocate too, and the plugging reads the allocator's
    /// process-wide statistics).
    const CHILD: &str = "HASHGROW_TEST_HEAP_CHILD";

    #[test]
    fn a_hole_below_a_live_block_is_not_reused_after_the_reset() {
        if std::env::var_os(CHILD).is_none() {
            let out = std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "alloc::tests::a_hole_below_a_live_block_is_not_reused_after_the_reset",
                    "--test-threads=1",
                    "--nocapture",
                ])
                .env(CHILD, "1")
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "child failed:\n{text}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(text.contains("1 passed"), "the child ran no test:\n{text}");
            return;
        }
        fix_system_allocator();
        // 4 MiB of blocks under the mmap threshold (so from the heap), then
        // a small block above them, then the big ones freed: a hole.
        // SAFETY: plain malloc/free of blocks this test owns.
        unsafe {
            let blocks: Vec<*mut libc::c_void> = (0..40).map(|_| libc::malloc(100 << 10)).collect();
            let pin = libc::malloc(64);
            let lo = blocks.iter().map(|&p| p as usize).min().unwrap();
            let hi = blocks.iter().map(|&p| p as usize).max().unwrap() + (100 << 10);
            assert!(pin as usize > lo, "the pin must sit above the blocks");
            for p in blocks {
                libc::free(p);
            }
            release_free_memory();
            // A table's `calloc`: without the plugs it reuses the hole
            // (and clears it with memset); with them it is a fresh mapping.
            let table = libc::calloc(1, 2 << 20) as usize;
            assert!(
                table + (2 << 20) <= lo || table >= hi,
                "a 2 MiB calloc reused the freed heap at {table:#x} (hole {lo:#x}..{hi:#x})"
            );
            libc::free(table as *mut libc::c_void);
            libc::free(pin);
        }
    }
}

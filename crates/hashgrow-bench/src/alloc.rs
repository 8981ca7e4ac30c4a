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

/// Hands every free byte of the heap back to the OS (glibc's
/// `malloc_trim(0)`), so that each timed pass starts from the same
/// allocator state: nothing free to reuse, whatever the strategy measured
/// before it left behind. A no-op elsewhere.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the OS; it touches no
    // live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

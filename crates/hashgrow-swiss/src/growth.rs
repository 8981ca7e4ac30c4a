//! Growth: everything that replaces a table or frees room in one.
//!
//! - [`grow_to_small`](SwissTable::grow_to_small): the first insert
//!   allocates one group (`growToSmall`);
//! - [`grow_to_table`](SwissTable::grow_to_table): the 9th key turns the
//!   small group into a 16-slot table (`growToTable`);
//! - [`prune_tombstones`](SwissTable::prune_tombstones): a table out of
//!   growth first tries to turn unneeded tombstones back into empty slots
//!   (`pruneTombstones`);
//! - [`rehash`](SwissTable::rehash): else the table is replaced, by one of
//!   twice the capacity up to 1024 slots
//!   ([`rehash_to_double`](SwissTable::rehash_to_double), `table.grow`),
//!   or by two 1024-slot tables split on one more hash bit
//!   ([`split`](SwissTable::split), `table.split`), doubling the directory
//!   when the table already used all its bits (`installTableSplit`).
//!
//! Every copy goes through [`Table::unchecked_copy_in`] into a table held by
//! a [`Building`] guard: if the hasher panics midway, the new table is freed
//! without dropping its (bitwise-copied) entries and the old table, never
//! touched, still owns them all. The old table's memory is freed only once
//! the new one is installed.

use hashgrow::Event;

use crate::directory::DirEntry;
use crate::group::{EMPTY, SLOTS};
use crate::map::SwissTable;
use crate::table::{Building, ProbeSeq, Table, MAX_TABLE_CAPACITY};

impl<K, V> SwissTable<K, V> {
    /// `growToSmall`: one empty group, no directory.
    pub(crate) fn grow_to_small(&mut self) {
        let id = self.fresh_id();
        let t = Table::new(SLOTS, 0, 0, id, &mut self.pool);
        self.dir = vec![DirEntry::of(&t, 0)];
        self.next_dir.clear();
        self.slots = t.capacity;
        self.tables = vec![t];
        self.small = true;
        self.set_global_depth(0);
    }

    /// `growToTable`: the full small group's 8 entries, in slot order, into
    /// a new 16-slot table of depth 0, which becomes the directory's only
    /// entry.
    pub(crate) fn grow_to_table(&mut self, hasher: &impl Fn(&K) -> u64) {
        debug_assert!(self.small);
        let id = self.fresh_id();
        let mut new = Building(Some(Table::new(2 * SLOTS, 0, 0, id, &mut self.pool)));
        let old = &self.tables[0];
        for s in old.full(0) {
            // SAFETY: full slot.
            let hash = hasher(unsafe { &old.entry(0, s).0 });
            // SAFETY: copied bitwise; `old` is freed without dropping below.
            unsafe { new.table().unchecked_copy_in(hash, old.slot_ptr(0, s)) };
        }
        let new = new.finish();
        let moved = new.used as u64;
        self.dir = vec![DirEntry::of(&new, 0)];
        self.next_dir.clear();
        self.slots = new.capacity;
        let old = std::mem::replace(&mut self.tables[0], new);
        old.retire(&mut self.pool);
        self.small = false;
        self.set_global_depth(0);
        self.counters.grows += 1;
        self.counters.entries_moved += moved;
        self.emit_grow(SLOTS);
    }

    /// `table.rehash`: double the table while the result stays within
    /// `maxTableCapacity` (1024 slots), else split it.
    pub(crate) fn rehash(&mut self, ti: usize, hasher: &impl Fn(&K) -> u64) {
        let capacity = self.tables[ti].capacity;
        let new_capacity = 2 * capacity;
        // A table already past 1024 slots is one whose hash could not split
        // it (see `split`): its halves would not fit in 1024 slots each.
        if new_capacity <= MAX_TABLE_CAPACITY || capacity > MAX_TABLE_CAPACITY {
            self.rehash_to_double(ti, new_capacity, hasher);
        } else {
            self.split(ti, hasher);
        }
    }

    /// `table.grow`: every entry, in group and slot order, into a new table
    /// of `new_capacity` slots at the same directory place and depth
    /// (tombstones are left behind).
    pub(crate) fn rehash_to_double(
        &mut self,
        ti: usize,
        new_capacity: usize,
        hasher: &impl Fn(&K) -> u64,
    ) {
        let id = self.fresh_id();
        let old = &self.tables[ti];
        let old_slots = self.total_slots();
        let mut new = Building(Some(Table::new(
            new_capacity,
            old.prefix,
            old.local_depth,
            id,
            &mut self.pool,
        )));
        for g in 0..=old.mask {
            for s in old.full(g) {
                // SAFETY: full slot.
                let hash = hasher(unsafe { &old.entry(g, s).0 });
                // SAFETY: copied bitwise; `old` is freed without dropping
                // once `new` is installed.
                unsafe { new.table().unchecked_copy_in(hash, old.slot_ptr(g, s)) };
            }
        }
        let new = new.finish();
        let moved = new.used as u64;
        self.slots += new.capacity;
        let old = std::mem::replace(&mut self.tables[ti], new);
        self.slots -= old.capacity;
        self.tombstones -= old.tombstones();
        old.retire(&mut self.pool);
        self.replace_table(ti);
        self.counters.grows += 1;
        self.counters.entries_moved += moved;
        self.emit_grow(old_slots);
    }

    /// `table.split`: every entry into one of two new 1024-slot tables of
    /// depth `localDepth + 1`, by the hash bit just below the table's
    /// prefix (the bit `64 - (localDepth + 1)`): 0 goes left, 1 right.
    pub(crate) fn split(&mut self, ti: usize, hasher: &impl Fn(&K) -> u64) {
        let (left_id, right_id) = (self.fresh_id(), self.fresh_id());
        let old = &self.tables[ti];
        let old_slots = self.total_slots();
        let depth = old.local_depth + 1;
        let bit = 1u64 << (64 - u32::from(depth));
        let mut left = Building(Some(Table::new(
            MAX_TABLE_CAPACITY,
            0,
            depth,
            left_id,
            &mut self.pool,
        )));
        let mut right = Building(Some(Table::new(
            MAX_TABLE_CAPACITY,
            0,
            depth,
            right_id,
            &mut self.pool,
        )));
        for g in 0..=old.mask {
            for s in old.full(g) {
                // SAFETY: full slot.
                let hash = hasher(unsafe { &old.entry(g, s).0 });
                let half = if hash & bit == 0 {
                    &mut left
                } else {
                    &mut right
                };
                // SAFETY: copied bitwise; `old` is freed without dropping
                // once the halves are installed.
                unsafe { half.table().unchecked_copy_in(hash, old.slot_ptr(g, s)) };
            }
        }
        if left.table().used == 0 || right.table().used == 0 {
            // Every entry went one way: the hash has no bit to tell them
            // apart (the chance is 2^-895 for a real hash). The runtime would
            // split the full half again at once, and again, doubling the
            // directory each time until memory runs out; we drop the two
            // halves (the old table still owns every entry) and double the
            // table past 1024 slots instead.
            drop((left, right));
            let new_capacity = 2 * self.tables[ti].capacity;
            self.rehash_to_double(ti, new_capacity, hasher);
            return;
        }
        let (left, right) = (left.finish(), right.finish());
        let moved = (left.used + right.used) as u64;
        self.install_split(ti, left, right);
        self.counters.grows += 1;
        self.counters.splits += 1;
        self.counters.entries_moved += moved;
        self.emit(Event::Split {
            local_depth: depth,
            directory_depth: self.global_depth,
            entries: moved,
        });
        self.emit_grow(old_slots);
    }

    /// `installTableSplit`: if the old table used every directory bit,
    /// double the directory first (each entry twice, each table's index
    /// doubled); then the left half takes the old table's first entries
    /// and the right half the ones after them.
    fn install_split(&mut self, ti: usize, mut left: Table<K, V>, mut right: Table<K, V>) {
        self.prepare_next_blocks();
        if self.tables[ti].local_depth == self.global_depth {
            // The doubled directory, copied ahead by earlier splits and
            // kept current by `replace_table` (see `prepare_next_blocks`):
            // normally nothing is left to copy here.
            let mut dir = std::mem::take(&mut self.next_dir);
            dir.reserve_exact(2 * self.dir.len() - dir.len());
            for e in &self.dir[dir.len() / 2..] {
                dir.push(*e);
                dir.push(*e);
            }
            // The old block is kept, not freed: glibc returns a block
            // this size (128 KiB and up) to the OS with `munmap` at once,
            // which costs this insert up to a millisecond on a VM
            // (strace at 10M keys: 0.9 ms for the 128 KiB directory of
            // depth 13, the slowest insert of the run). The runtime's old
            // directory is garbage for its collector, never freed inside
            // the insert either. The kept blocks total less than the
            // directory (half, a quarter...): 32 bytes per entry.
            let old = std::mem::replace(&mut self.dir, dir);
            self.retired_dirs.push(old);
            // The runtime doubles every table's `index` here; a prefix
            // does not change.
            self.set_global_depth(self.global_depth + 1);
        }
        // `left.index = t.index`, `right.index = left.index + 2^(globalDepth
        // - localDepth)`: the old prefix with one more bit, 0 and 1.
        left.prefix = 2 * self.tables[ti].prefix;
        right.prefix = left.prefix + 1;
        self.slots += left.capacity + right.capacity;
        let old = std::mem::replace(&mut self.tables[ti], left);
        self.slots -= old.capacity;
        self.tombstones -= old.tombstones();
        old.retire(&mut self.pool);
        self.tables.push(right);
        self.replace_table(ti);
        self.replace_table(self.tables.len() - 1);
    }

    /// Prepares, a little at each split, the two blocks that would
    /// otherwise be allocated or copied inside one insert, so that no insert
    /// pays a system call, a big copy or a run of page faults for them:
    ///
    /// * The doubled directory. A doubling writes `2^(globalDepth + 1)`
    ///   entries, each old entry twice (256 KiB at 10M keys: 0.1–0.3 ms in
    ///   one insert here, and every page of a fresh block faulting in).
    ///   Instead, once its block is allocated, each split copies the next
    ///   64 entries of the directory into it, doubled, and `replace_table`
    ///   updates the copied part as it updates the directory, so the
    ///   doubling only swaps the two (the Go runtime allocates and copies
    ///   the new directory inside the insert, `installTableSplit`; the
    ///   directory's contents at any moment are the same).
    /// * The table list. It would reach its capacity (a power of two) on
    ///   the very split that doubles the directory, since that happens when
    ///   the tables number a power of two plus one; a `Vec` would then
    ///   reallocate it inside that insert (an `mremap` for a list of 128 KiB
    ///   and up: 0.07–1.9 ms on this VM at 2049 tables). Instead a block for
    ///   twice the directory's entries is allocated on one split, faulted
    ///   in a page per split, and the tables are moved into it on the split
    ///   after (a copy of 64 bytes a table, about 30 µs for 4096 tables);
    ///   the old block is kept (see `retired_dirs`).
    ///
    /// One allocation per split at most: the table list first, then the
    /// directory block. There are about `2^(globalDepth - 1)` splits
    /// between doublings (every table splits once); both blocks need about
    /// `2^globalDepth / 16` of them. A small map may double before its
    /// blocks are ready; a `Vec` then grows as usual.
    fn prepare_next_blocks(&mut self) {
        const STEP: usize = 64;
        let want = 2 * self.dir.len();
        if self.tables.capacity() < want {
            self.prepare_next_tables(want);
            return;
        }
        if self.next_dir.capacity() < want {
            self.next_dir = Vec::with_capacity(want);
            return;
        }
        let from = self.next_dir.len() / 2;
        for e in &self.dir[from..(from + STEP).min(self.dir.len())] {
            self.next_dir.push(*e);
            self.next_dir.push(*e);
        }
    }

    /// The table-list half of [`prepare_next_blocks`](Self::prepare_next_blocks):
    /// allocate a block for `want` tables, fault it in a page per call,
    /// then move the tables into it.
    fn prepare_next_tables(&mut self, want: usize) {
        const PAGE: usize = 4096;
        if self.next_tables.capacity() < want {
            self.next_tables = Vec::with_capacity(want);
            self.next_tables_touched = 0;
            return;
        }
        let bytes = want * std::mem::size_of::<Table<K, V>>();
        if self.next_tables_touched < bytes {
            let end = (self.next_tables_touched + PAGE).min(bytes);
            let spare = self.next_tables.spare_capacity_mut();
            // SAFETY: `next_tables` is empty with room for `want` tables, so
            // bytes `touched..end < bytes` lie in its spare capacity, which
            // is `MaybeUninit` and may hold any bytes.
            unsafe {
                spare
                    .as_mut_ptr()
                    .cast::<u8>()
                    .add(self.next_tables_touched)
                    .write_bytes(0, end - self.next_tables_touched);
            }
            self.next_tables_touched = end;
            return;
        }
        let mut next = std::mem::take(&mut self.next_tables);
        next.append(&mut self.tables);
        let old = std::mem::replace(&mut self.tables, next);
        self.retired_tables.push(old);
    }

    /// `replaceTable`: point the `2^(globalDepth - localDepth)` directory
    /// entries from the table's index at it.
    fn replace_table(&mut self, ti: usize) {
        let t = &self.tables[ti];
        let span = 1usize << (self.global_depth - t.local_depth);
        let index = self.table_index(t);
        let entry = DirEntry::of(t, ti);
        for e in &mut self.dir[index..index + span] {
            *e = entry;
        }
        // The part of the next (doubled) directory copied so far follows.
        let copied = self.next_dir.len() / 2;
        if index < copied {
            let end = (index + span).min(copied);
            for e in &mut self.next_dir[2 * index..2 * end] {
                *e = entry;
            }
        }
    }

    /// `pruneTombstones`, best effort and only when it pays: nothing unless
    /// at least 10% of the slots are tombstones; then trace every entry's
    /// probe path and mark each group it walks past that has a free slot
    /// (its tombstones keep the path going), and every group with an empty
    /// slot; the tombstones of the unmarked groups are turned back into
    /// empty slots only if they are at least 10% of the capacity (else the
    /// caller grows instead). No entry moves.
    pub(crate) fn prune_tombstones(&mut self, ti: usize, hasher: &impl Fn(&K) -> u64) {
        let t = &self.tables[ti];
        if t.tombstones() * 10 < t.capacity {
            return;
        }
        // One bit per group (128 groups in a full-size table).
        let mut needed = vec![0u64; (t.mask + 1).div_ceil(64)];
        for g in 0..=t.mask {
            for s in t.full(g) {
                // SAFETY: full slot.
                let hash = hasher(unsafe { &t.entry(g, s).0 });
                let mut seq = ProbeSeq::new(hash, t.mask);
                while seq.offset != g {
                    if t.ctrl(seq.offset).match_empty_or_deleted().any() {
                        needed[seq.offset / 64] |= 1 << (seq.offset % 64);
                    }
                    seq.next();
                }
            }
            if t.ctrl(g).match_empty().any() {
                needed[g / 64] |= 1 << (g % 64);
            }
        }
        let unneeded = |g: usize| needed[g / 64] >> (g % 64) & 1 == 0;
        let count: usize = (0..=t.mask)
            .filter(|&g| unneeded(g))
            .map(|g| t.ctrl(g).match_empty_or_deleted().count())
            .sum();
        if count * 10 < t.capacity {
            return;
        }
        let t = &mut self.tables[ti];
        for g in 0..=t.mask {
            if unneeded(g) {
                for s in t.ctrl(g).match_empty_or_deleted() {
                    t.set_ctrl(g, s, EMPTY);
                    t.growth_left += 1;
                }
            }
        }
        self.tombstones -= count;
        self.counters.tombstones_pruned += count as u64;
        self.emit(Event::Pruned {
            tombstones: count as u64,
        });
    }

    /// A committed table replacement, as a start/end pair.
    fn emit_grow(&mut self, old_slots: usize) {
        if self.hook.is_none() {
            return;
        }
        let (capacity, len) = (self.total_slots() as u64, self.len);
        self.emit(Event::GrowStart {
            old_capacity: old_slots as u64,
            new_capacity: capacity,
            same_size: false,
            len,
        });
        self.emit(Event::GrowEnd { capacity, len });
    }
}

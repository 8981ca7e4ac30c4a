//! Tree bins: red-black trees ordered by `(hash as i32, key)`.
//!
//! A bin becomes a tree when it grows past 8 nodes (see
//! [`JavaTable::treeify_bin`]). A tree bin is *also* still a doubly linked
//! `next`/`prev` list, and that list (not the tree) is what iteration, a
//! resize split and an untreeify walk. Rules mirrored from JDK 17's
//! documented behaviour:
//!
//! - **Order**: by the spread hash compared as a *signed* 32-bit int, then
//!   by the key's [`Ord`] (Java: `compareTo` of `Comparable` keys).
//! - **Treeify** walks the list in order and inserts each node into the
//!   tree (plain BST insert + red-black insert fixup), then moves the root
//!   to the front of the list ("moveRootToFront").
//! - **Insert** into a tree bin links the new node in the list right after
//!   its tree parent, balances, then moves the (possibly new) root to the
//!   front.
//! - **Remove** first unlinks the node from the list. Then, if the tree is
//!   "too small" — the current root has no right child, or no left child,
//!   or its left child has no left child — the whole bin becomes a list
//!   (untreeify) and no tree delete is done. Otherwise a textbook (CLR)
//!   delete: a node with two children swaps *places* (links and colours,
//!   not data) with its successor, the node is spliced out, the delete
//!   fixup runs, and the root moves to the front.
//! - **Split** (resize) sorts the list into lo/hi halves like a list bin;
//!   a half of at most 6 nodes becomes a list; a larger half is re-treeified
//!   from its list order, unless the other half is empty, in which case the
//!   tree is kept as it is.
//!
//! The balancing code is the textbook one (Cormen, Leiserson, Rivest and
//! Stein, "Introduction to Algorithms", RB-INSERT-FIXUP and
//! RB-DELETE-FIXUP), with the node being deleted standing in for the nil
//! sentinel when it has no child.

use std::borrow::Borrow;
use std::cmp::Ordering;

use hashgrow::Event;

use crate::arena::{dense, NIL};
use crate::bin::Bin;
use crate::raw::{JavaTable, Links, Put, TREE_BIT, UNTREEIFY_THRESHOLD};

/// Compares `(h1, k1)` with `(h2, k2)` in tree order.
#[inline]
pub(crate) fn tree_cmp<Q: Ord + ?Sized>(h1: u32, k1: &Q, h2: u32, k2: &Q) -> Ordering {
    (h1 as i32).cmp(&(h2 as i32)).then_with(|| k1.cmp(k2))
}

impl<K, V> JavaTable<K, V> {
    // ---- link accessors ---------------------------------------------------

    /// The tree links of node `i` (indexed by its [`dense`] position).
    #[inline(always)]
    pub(crate) fn tl(&self, i: u32) -> &Links {
        &self.links[dense(i)]
    }
    #[inline(always)]
    fn lk(&mut self, i: u32) -> &mut Links {
        &mut self.links[dense(i)]
    }
    #[inline(always)]
    pub(crate) fn parent(&self, i: u32) -> u32 {
        self.tl(i).parent
    }
    #[inline(always)]
    pub(crate) fn left(&self, i: u32) -> u32 {
        self.tl(i).left
    }
    #[inline(always)]
    pub(crate) fn right(&self, i: u32) -> u32 {
        self.tl(i).right
    }
    #[inline(always)]
    pub(crate) fn is_red(&self, i: u32) -> bool {
        i != NIL && self.tl(i).red
    }
    #[inline(always)]
    fn set_red(&mut self, i: u32, red: bool) {
        self.lk(i).red = red;
    }

    /// Makes sure every node index has a [`Links`] slot.
    fn ensure_links(&mut self) {
        let n = self.arena.dense_len();
        if self.links.len() < n {
            let want = n.next_power_of_two().max(64);
            self.links.resize(want, Links::EMPTY);
        }
    }

    // ---- lookup -----------------------------------------------------------

    /// BST search from `root` by `(hash as i32, key)`.
    ///
    /// Kept out of line: tree bins are rare (a bin of 9 or more nodes),
    /// and inlining this search into [`JavaTable::find`] made every lookup
    /// an out-of-line call.
    #[inline(never)]
    pub(crate) fn tree_find<Q>(&self, root: u32, hash: u32, key: &Q) -> u32
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let mut p = root;
        while p != NIL {
            p = match tree_cmp(hash, key, self.arena.hash(p), self.arena.key(p).borrow()) {
                Ordering::Less => self.left(p),
                Ordering::Greater => self.right(p),
                Ordering::Equal => return p,
            };
        }
        NIL
    }

    // ---- treeify / untreeify ----------------------------------------------

    /// Builds a red-black tree from the list starting at `first` (a plain
    /// list, or the half of a split tree bin): walks the list in order,
    /// inserts each node by `(hash, key)` and balances; then moves the root
    /// to the front of the list. Returns the root, now the list's head.
    /// Sets `prev` links along the list.
    pub(crate) fn treeify(&mut self, first: u32) -> u32
    where
        K: Ord,
    {
        self.ensure_links();
        let mut root = NIL;
        let mut prev = NIL;
        let mut x = first;
        while x != NIL {
            let next = self.arena.next(x);
            *self.lk(x) = Links {
                prev,
                ..Links::EMPTY
            };
            if root == NIL {
                root = x;
            } else {
                let (xp, dir) = self.descend(root, x);
                self.lk(x).parent = xp;
                if dir == Ordering::Greater {
                    self.lk(xp).right = x;
                } else {
                    self.lk(xp).left = x;
                }
                root = self.balance_insertion(root, x);
            }
            prev = x;
            x = next;
        }
        self.move_root_to_front(first, root)
    }

    /// Finds where node `x` (not in the tree) hangs below `root`: its
    /// parent-to-be and the side.
    fn descend(&self, root: u32, x: u32) -> (u32, Ordering)
    where
        K: Ord,
    {
        let (xh, xk) = (self.arena.hash(x), self.arena.key(x));
        let mut p = root;
        loop {
            // Keys in one map are distinct, so `Equal` cannot happen; it
            // would go left, as Java's `dir <= 0`.
            let dir = tree_cmp(xh, xk, self.arena.hash(p), self.arena.key(p));
            let child = if dir == Ordering::Greater {
                self.right(p)
            } else {
                self.left(p)
            };
            if child == NIL {
                return (p, dir);
            }
            p = child;
        }
    }

    /// Makes `root` the first node of the list whose first node is `first`
    /// ("moveRootToFront"); returns `root`.
    fn move_root_to_front(&mut self, first: u32, root: u32) -> u32 {
        if root != first {
            let rn = self.arena.next(root);
            let rp = self.tl(root).prev;
            if rn != NIL {
                self.lk(rn).prev = rp;
            }
            if rp != NIL {
                self.arena.set_next(rp, rn);
            }
            if first != NIL {
                self.lk(first).prev = root;
            }
            self.arena.set_next(root, first);
            self.lk(root).prev = NIL;
        }
        root
    }

    /// Turns tree bin `bin` into a list bin whose nodes' hashes make
    /// `filter`. The list order is the `next` order, which is kept; only
    /// the bin's tag changes.
    fn untreeify_bin(&mut self, bin: usize, first: u32, filter: u32, nodes_hint: Option<usize>) {
        self.table[bin] = Bin::list(first, filter);
        self.note_untreeify(bin, first, nodes_hint);
    }

    #[cold]
    fn note_untreeify(&mut self, bin: usize, first: u32, nodes: Option<usize>) {
        self.counters.untreeifies += 1;
        if self.hook.is_some() {
            let nodes = nodes.unwrap_or_else(|| self.list_len(first));
            self.emit(Event::Untreeify { bin, nodes });
        }
    }

    /// Turns list bin `bin`, whose list starts at `head`, into a tree bin.
    /// The caller has installed the list (with its filter) in the slot, so
    /// that a panic in `Ord` while the tree is built leaves a list bin.
    pub(crate) fn treeify_into(&mut self, bin: usize, head: u32, nodes: Option<usize>)
    where
        K: Ord,
    {
        debug_assert_eq!(self.table[bin].head(), head, "the list is installed");
        let root = self.treeify(head);
        self.table[bin] = Bin::tree(root);
        self.tree_bins += 1;
        self.counters.treeifies += 1;
        if self.hook.is_some() {
            let nodes = nodes.unwrap_or_else(|| self.list_len(root));
            self.emit(Event::Treeify { bin, nodes });
        }
    }

    // ---- insert -----------------------------------------------------------

    /// `putTreeVal`: finds `key` in tree bin `bin`, or inserts a new node
    /// below the node where the search fell off, links it in the list right
    /// after that parent, balances and moves the root to the front.
    pub(crate) fn tree_put(&mut self, bin: usize, hash: u32, key: K, value: V) -> Put<K, V>
    where
        K: Ord,
    {
        let root = self.table[bin].head() & !TREE_BIT;
        let mut p = root;
        let (xp, dir) = loop {
            let dir = tree_cmp(hash, &key, self.arena.hash(p), self.arena.key(p));
            let child = match dir {
                Ordering::Equal => return Put::Present(p, key, value),
                Ordering::Less => self.left(p),
                Ordering::Greater => self.right(p),
            };
            if child == NIL {
                break (p, dir);
            }
            p = child;
        };
        let xpn = self.arena.next(xp);
        let x = self.arena.alloc(hash, key, value);
        self.ensure_links();
        self.arena.set_next(x, xpn);
        *self.lk(x) = Links {
            parent: xp,
            prev: xp,
            ..Links::EMPTY
        };
        if dir == Ordering::Less {
            self.lk(xp).left = x;
        } else {
            self.lk(xp).right = x;
        }
        self.arena.set_next(xp, x);
        if xpn != NIL {
            self.lk(xpn).prev = x;
        }
        let new_root = self.balance_insertion(root, x);
        let first = self.move_root_to_front(root, new_root);
        self.table[bin] = Bin::tree(first);
        Put::Inserted(x)
    }

    // ---- resize -----------------------------------------------------------

    /// Resize of a tree bin (Java's `TreeNode.split`): old bin `j` with
    /// root/first node `first` goes to `j` (lo) and `j + old_cap` (hi) by
    /// `hash & old_cap`, each half in list order. Then, for each non-empty
    /// half: at most [`UNTREEIFY_THRESHOLD`] nodes → a list bin; otherwise a
    /// tree bin, re-treeified from its list if the other half is non-empty,
    /// or the old tree kept as it is if the other half is empty.
    pub(crate) fn split_tree(&mut self, j: usize, first: u32, old_cap: usize)
    where
        K: Ord,
    {
        let bit = old_cap as u32;
        let [lo, hi] = self.partition(first, bit);
        self.tree_bins -= 1;
        for (half, other, bin) in [(lo, hi.count, j), (hi, lo.count, j + old_cap)] {
            let (head, count) = (half.head, half.count);
            if head == NIL {
                continue;
            }
            self.counters.slots_written += 1;
            if count <= UNTREEIFY_THRESHOLD {
                self.untreeify_bin(bin, head, half.filter, Some(count));
            } else if other == 0 {
                // All nodes went one way: the tree is kept as is (its
                // root is still the first node).
                self.table[bin] = Bin::tree(head);
                self.tree_bins += 1;
            } else {
                self.table[bin] = Bin::list(head, half.filter);
                self.treeify_into(bin, head, Some(count));
            }
        }
    }

    // ---- remove -----------------------------------------------------------

    /// `removeTreeNode`: removes node `p` from tree bin `bin` (the caller
    /// frees it). See the module docs for the untreeify rule.
    pub(crate) fn remove_tree_node(&mut self, bin: usize, p: u32) {
        let old_first = self.table[bin].head() & !TREE_BIT;
        // 1. Unlink from the next/prev list.
        let succ = self.arena.next(p);
        let pred = self.tl(p).prev;
        let first = if pred == NIL {
            succ
        } else {
            self.arena.set_next(pred, succ);
            old_first
        };
        if succ != NIL {
            self.lk(succ).prev = pred;
        }
        if first == NIL {
            // `p` was the only node.
            self.table[bin] = Bin::EMPTY;
            self.tree_bins -= 1;
            return;
        }
        self.table[bin] = Bin::tree(first);
        // 2. Too small a tree (judged on the current root, before removing
        //    `p`)? Then the bin becomes a list, without a tree delete.
        let mut root = first;
        while self.parent(root) != NIL {
            root = self.parent(root);
        }
        let (rl, rr) = (self.left(root), self.right(root));
        if rr == NIL || rl == NIL || self.left(rl) == NIL {
            self.tree_bins -= 1;
            let filter = self.list_filter(first);
            self.untreeify_bin(bin, first, filter, None);
            return;
        }
        // 3. Tree delete. If `p` has two children, swap its place in the
        //    tree with its successor `s` (links and colours).
        let (pl, pr) = (self.left(p), self.right(p));
        let replacement;
        if pl != NIL && pr != NIL {
            let mut s = pr;
            while self.left(s) != NIL {
                s = self.left(s);
            }
            let (sr, pp) = (self.right(s), self.parent(p));
            let (cs, cp) = (self.is_red(s), self.is_red(p));
            self.set_red(s, cp);
            self.set_red(p, cs);
            if s == pr {
                self.lk(p).parent = s;
                self.lk(s).right = p;
            } else {
                let sp = self.parent(s);
                self.lk(p).parent = sp;
                if sp != NIL {
                    if s == self.left(sp) {
                        self.lk(sp).left = p;
                    } else {
                        self.lk(sp).right = p;
                    }
                }
                self.lk(s).right = pr;
                self.lk(pr).parent = s;
            }
            self.lk(p).left = NIL;
            self.lk(p).right = sr;
            if sr != NIL {
                self.lk(sr).parent = p;
            }
            self.lk(s).left = pl;
            self.lk(pl).parent = s;
            self.lk(s).parent = pp;
            if pp == NIL {
                root = s;
            } else if p == self.left(pp) {
                self.lk(pp).left = s;
            } else {
                self.lk(pp).right = s;
            }
            replacement = if sr != NIL { sr } else { p };
        } else if pl != NIL {
            replacement = pl;
        } else if pr != NIL {
            replacement = pr;
        } else {
            replacement = p;
        }
        // 4. Splice `p` out (when it has a child; a leaf stays attached as
        //    the fixup's stand-in for the nil sentinel).
        if replacement != p {
            let pp = self.parent(p);
            self.lk(replacement).parent = pp;
            if pp == NIL {
                root = replacement;
                self.set_red(replacement, false);
            } else if p == self.left(pp) {
                self.lk(pp).left = replacement;
            } else {
                self.lk(pp).right = replacement;
            }
            *self.lk(p) = Links::EMPTY;
        }
        // 5. Fix up if a black node was removed.
        let r = if self.is_red(p) {
            root
        } else {
            self.balance_deletion(root, replacement)
        };
        // 6. Detach a leaf `p`.
        if replacement == p {
            let pp = self.parent(p);
            self.lk(p).parent = NIL;
            if pp != NIL {
                if p == self.left(pp) {
                    self.lk(pp).left = NIL;
                } else if p == self.right(pp) {
                    self.lk(pp).right = NIL;
                }
            }
        }
        let first = self.move_root_to_front(first, r);
        self.table[bin] = Bin::tree(first);
    }

    // ---- red-black balancing (CLR) ------------------------------------------

    /// Left rotation at `p`; returns the (possibly new) root. A node rotated
    /// into the root position is coloured black.
    fn rotate_left(&mut self, mut root: u32, p: u32) -> u32 {
        if p == NIL || self.right(p) == NIL {
            return root;
        }
        let r = self.right(p);
        let rl = self.left(r);
        self.lk(p).right = rl;
        if rl != NIL {
            self.lk(rl).parent = p;
        }
        let pp = self.parent(p);
        self.lk(r).parent = pp;
        if pp == NIL {
            root = r;
            self.set_red(r, false);
        } else if self.left(pp) == p {
            self.lk(pp).left = r;
        } else {
            self.lk(pp).right = r;
        }
        self.lk(r).left = p;
        self.lk(p).parent = r;
        root
    }

    /// Right rotation at `p`, mirror of [`JavaTable::rotate_left`].
    fn rotate_right(&mut self, mut root: u32, p: u32) -> u32 {
        if p == NIL || self.left(p) == NIL {
            return root;
        }
        let l = self.left(p);
        let lr = self.right(l);
        self.lk(p).left = lr;
        if lr != NIL {
            self.lk(lr).parent = p;
        }
        let pp = self.parent(p);
        self.lk(l).parent = pp;
        if pp == NIL {
            root = l;
            self.set_red(l, false);
        } else if self.right(pp) == p {
            self.lk(pp).right = l;
        } else {
            self.lk(pp).left = l;
        }
        self.lk(l).right = p;
        self.lk(p).parent = l;
        root
    }

    /// The child of `n` on `side`.
    fn child(&self, n: u32, side: Side) -> u32 {
        match side {
            Side::Left => self.left(n),
            Side::Right => self.right(n),
        }
    }

    /// Rotates `p` towards `side` (`Side::Left`: its right child rises);
    /// returns the root.
    fn rotate(&mut self, root: u32, p: u32, side: Side) -> u32 {
        match side {
            Side::Left => self.rotate_left(root, p),
            Side::Right => self.rotate_right(root, p),
        }
    }

    /// RB-INSERT-FIXUP for the newly linked node `x`; returns the root.
    /// Written once for both mirror cases: `side` is the side of `x`'s
    /// parent under its grandparent, `far` the other one.
    fn balance_insertion(&mut self, mut root: u32, mut x: u32) -> u32 {
        self.set_red(x, true);
        loop {
            let mut xp = self.parent(x);
            if xp == NIL {
                self.set_red(x, false);
                return x;
            }
            if !self.is_red(xp) {
                return root;
            }
            let mut xpp = self.parent(xp);
            if xpp == NIL {
                return root;
            }
            let side = if xp == self.left(xpp) {
                Side::Left
            } else {
                Side::Right
            };
            let far = side.other();
            let uncle = self.child(xpp, far);
            if self.is_red(uncle) {
                self.set_red(uncle, false);
                self.set_red(xp, false);
                self.set_red(xpp, true);
                x = xpp;
            } else {
                if x == self.child(xp, far) {
                    x = xp;
                    root = self.rotate(root, x, side);
                    xp = self.parent(x);
                    xpp = if xp == NIL { NIL } else { self.parent(xp) };
                }
                if xp != NIL {
                    self.set_red(xp, false);
                    if xpp != NIL {
                        self.set_red(xpp, true);
                        root = self.rotate(root, xpp, far);
                    }
                }
            }
        }
    }

    /// RB-DELETE-FIXUP starting at `x` (the node that took the removed
    /// black node's place, or the removed leaf itself standing in for nil);
    /// returns the root. Written once for both mirror cases: `side` is the
    /// side of `x` under its parent, `far` the sibling's side.
    fn balance_deletion(&mut self, mut root: u32, mut x: u32) -> u32 {
        loop {
            if x == NIL || x == root {
                return root;
            }
            let xp = self.parent(x);
            if xp == NIL {
                self.set_red(x, false);
                return x;
            }
            if self.is_red(x) {
                self.set_red(x, false);
                return root;
            }
            let side = if x == self.left(xp) {
                Side::Left
            } else {
                Side::Right
            };
            let far = side.other();
            let mut w = self.child(xp, far);
            if self.is_red(w) {
                // case 1: red sibling
                self.set_red(w, false);
                self.set_red(xp, true);
                root = self.rotate(root, xp, side);
                w = self.child(xp, far);
            }
            if w == NIL {
                x = xp;
                continue;
            }
            let (near, far_nephew) = (self.child(w, side), self.child(w, far));
            if !self.is_red(near) && !self.is_red(far_nephew) {
                // case 2: black sibling, black nephews
                self.set_red(w, true);
                x = xp;
            } else {
                if !self.is_red(far_nephew) {
                    // case 3: far nephew black
                    if near != NIL {
                        self.set_red(near, false);
                    }
                    self.set_red(w, true);
                    root = self.rotate(root, w, far);
                    w = self.child(xp, far);
                }
                // case 4
                if w != NIL {
                    let c = self.is_red(xp);
                    self.set_red(w, c);
                    let wf = self.child(w, far);
                    if wf != NIL {
                        self.set_red(wf, false);
                    }
                }
                self.set_red(xp, false);
                root = self.rotate(root, xp, side);
                x = root;
            }
        }
    }
}

/// A side of a tree node, so the mirrored red-black cases are written once.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Left,
    Right,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }
}

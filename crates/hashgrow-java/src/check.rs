//! `check_invariants`: the structural rules every operation must keep.

use std::cmp::Ordering;
use std::collections::HashSet;

use crate::arena::NIL;
use crate::bin::Bin;
use crate::raw::{JavaTable, MAXIMUM_CAPACITY, TREE_BIT};

impl<K: Ord, V> JavaTable<K, V> {
    /// Panics with a description of the first broken invariant:
    /// capacity a power of two; every node in the bin its hash picks;
    /// every node reachable once; `size` right; for tree bins: `prev` links
    /// mirror `next`, the root is first and has no parent, the tree holds
    /// exactly the list's nodes, BST order by `(hash as i32, key)`, no red
    /// node with a red child, equal black heights, root black; `tree_bins`
    /// right.
    pub(crate) fn check_invariants(&self) {
        let cap = self.table.len();
        assert!(
            cap == 0 || (cap.is_power_of_two() && cap <= MAXIMUM_CAPACITY),
            "capacity {cap}"
        );
        if cap == 0 {
            assert_eq!(self.size, 0, "entries without a table");
            return;
        }
        let mask = self.mask();
        let mut seen = HashSet::new();
        let mut trees = 0;
        for (b, &bin) in self.table.iter().enumerate() {
            let slot = bin.head();
            if slot == NIL {
                assert_eq!(bin, Bin::EMPTY, "bin {b}: an empty bin with a filter");
                continue;
            }
            let head = slot & !TREE_BIT;
            let is_tree = slot & TREE_BIT != 0;
            let mut list = Vec::new();
            let mut e = head;
            while e != NIL {
                assert!(seen.insert(e), "node {e} reachable twice (bin {b})");
                let n = self.arena.link(e);
                assert_eq!((n.hash & mask) as usize, b, "node {e} in the wrong bin");
                list.push(e);
                e = n.next;
            }
            let filter = self.list_filter(head);
            assert_eq!(
                bin.filter() & filter,
                filter,
                "bin {b}: the filter misses a node's hash"
            );
            if is_tree {
                assert_eq!(bin, Bin::tree(head), "bin {b}: a tree's filter");
                trees += 1;
                self.check_tree(b, &list);
            }
        }
        assert_eq!(seen.len(), self.size, "size");
        assert_eq!(trees, self.tree_bins, "tree_bins");
    }

    fn check_tree(&self, b: usize, list: &[u32]) {
        let root = list[0];
        assert_eq!(
            self.parent(root),
            NIL,
            "bin {b}: first node is not the root"
        );
        assert!(!self.is_red(root), "bin {b}: red root");
        for (i, &x) in list.iter().enumerate() {
            let want = if i == 0 { NIL } else { list[i - 1] };
            assert_eq!(self.tl(x).prev, want, "bin {b}: prev of {x}");
        }
        let mut in_tree = Vec::new();
        self.check_subtree(b, root, &mut in_tree);
        let mut a = in_tree.clone();
        let mut l = list.to_vec();
        a.sort_unstable();
        l.sort_unstable();
        assert_eq!(a, l, "bin {b}: tree and list hold different nodes");
        for w in in_tree.windows(2) {
            let (x, y) = (w[0], w[1]);
            let o = crate::tree::tree_cmp(
                self.arena.hash(x),
                self.arena.key(x),
                self.arena.hash(y),
                self.arena.key(y),
            );
            assert_eq!(o, Ordering::Less, "bin {b}: tree out of order");
        }
    }

    /// In-order walk from `x`; returns the black height.
    fn check_subtree(&self, b: usize, x: u32, out: &mut Vec<u32>) -> usize {
        if x == NIL {
            return 1;
        }
        let (l, r) = (self.left(x), self.right(x));
        for c in [l, r] {
            if c != NIL {
                assert_eq!(self.parent(c), x, "bin {b}: parent link of {c}");
                assert!(
                    !(self.is_red(x) && self.is_red(c)),
                    "bin {b}: red {x} has red child {c}"
                );
            }
        }
        let hl = self.check_subtree(b, l, out);
        out.push(x);
        let hr = self.check_subtree(b, r, out);
        assert_eq!(hl, hr, "bin {b}: black heights differ below {x}");
        hl + usize::from(!self.is_red(x))
    }
}

//! Test support shared by the strategy crates' test suites. Not part of the
//! API: hidden from the docs, and may change at any time.

use std::cell::RefCell;
use std::rc::Rc;

/// `n` pseudo-random keys: the xorshift64 sequence (13, 7, 17) after `seed`
/// (non-zero). The examples' timing loops use it, so that the same seed
/// gives every map the same keys.
pub fn xorshift_keys(seed: u64, n: usize) -> Vec<u64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        })
        .collect()
}

/// Keys per hostile-hasher test: small under Miri.
pub fn hostile_n() -> u64 {
    if cfg!(miri) {
        40
    } else {
        3_000
    }
}

/// Counts drops per object id (keys and values share the id space).
#[derive(Default)]
pub struct DropLog(RefCell<Vec<u32>>);

impl DropLog {
    /// A new object id.
    pub fn id(&self) -> usize {
        let mut v = self.0.borrow_mut();
        v.push(0);
        v.len() - 1
    }
    /// Records a drop of object `id`.
    pub fn dropped(&self, id: usize) {
        self.0.borrow_mut()[id] += 1;
    }
    /// No object dropped twice; returns how many were never dropped.
    pub fn leaked(&self) -> usize {
        let v = self.0.borrow();
        for (id, &d) in v.iter().enumerate() {
            assert!(d <= 1, "object {id} dropped {d} times");
        }
        v.iter().filter(|&&d| d == 0).count()
    }
}

/// A value whose drop is counted.
pub struct Val {
    /// The key it was stored under.
    pub k: u64,
    id: usize,
    log: Rc<DropLog>,
}

impl Val {
    /// A value for key `k`, its drop counted in `log`.
    pub fn new(k: u64, log: &Rc<DropLog>) -> Self {
        Val {
            k,
            id: log.id(),
            log: Rc::clone(log),
        }
    }
}

impl Drop for Val {
    fn drop(&mut self) {
        self.log.dropped(self.id);
    }
}

/// The hostile-hasher suite every strategy runs (`tests/hostile.rs`).
///
/// `hostile_suite!(Map)` defines, for a map type with the std-like API
/// (`with_hasher`, `insert`, `get`, `get_mut`, `remove`, `entry`, `iter`,
/// `clear`, `len`, `check_invariants`), tests that a constant hash, a hash
/// with only the top or only the bottom bits set, and a hash that changes on
/// every call never make it hang, panic, lose track of `len` or drop a value
/// twice, and that the deterministic ones keep exactly std's contents.
/// `hostile_suite!(Map, grow = |m, n| m.reserve(n as usize))` also runs the
/// given growth step in the middle of the per-call test.
#[macro_export]
macro_rules! hostile_suite {
    ($map:ident $(, grow = |$m:ident, $n:ident| $grow:expr)?) => {
        /// Inserts, updates, removes, re-inserts and looks up, comparing every
        /// answer with std's map; checks the invariants along the way.
        fn matches_std(mode: $crate::hash::hostile::Hostility) {
            let n = $crate::testing::hostile_n();
            let mut m = $map::with_hasher($crate::hash::hostile::Hostile(mode));
            let mut model = ::std::collections::HashMap::new();
            for k in 0..n {
                assert_eq!(m.insert(k, k * 3), model.insert(k, k * 3), "insert {k}");
            }
            m.check_invariants();
            for k in (0..n).step_by(3) {
                assert_eq!(m.insert(k, k), model.insert(k, k), "update {k}");
            }
            for k in (0..n).step_by(2) {
                assert_eq!(m.remove(&k), model.remove(&k), "remove {k}");
            }
            m.check_invariants();
            for k in n..n + n / 4 {
                *m.entry(k).or_insert(0) += k;
                *model.entry(k).or_insert(0) += k;
            }
            for k in 0..n + n / 2 {
                assert_eq!(m.get(&k), model.get(&k), "get {k}");
            }
            assert_eq!(m.len(), model.len());
            let mut got: Vec<_> = m.iter().map(|(k, v)| (*k, *v)).collect();
            let mut want: Vec<_> = model.into_iter().collect();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want);
            m.check_invariants();
            m.clear();
            m.check_invariants();
            assert_eq!(m.get(&1), None);
        }

        #[test]
        fn constant_hash_matches_std() {
            matches_std($crate::hash::hostile::Hostility::Constant);
        }

        #[test]
        fn top_bits_only_hash_matches_std() {
            matches_std($crate::hash::hostile::Hostility::TopBits);
        }

        #[test]
        fn bottom_bits_only_hash_matches_std() {
            matches_std($crate::hash::hostile::Hostility::BottomBits);
        }

        /// A hash that changes on every call: keys go missing, duplicates appear,
        /// but every answer must be about the right key, `len` must follow what
        /// the map reported, and every value must be dropped exactly once.
        #[test]
        fn per_call_hash_is_memory_safe() {
            let n = $crate::testing::hostile_n();
            let log = ::std::rc::Rc::new($crate::testing::DropLog::default());
            let mut m = $map::with_hasher($crate::hash::hostile::Hostile($crate::hash::hostile::Hostility::PerCall));
            let mut len = 0usize;
            for _round in 0..3 {
                for k in 0..n {
                    match m.insert(k, $crate::testing::Val::new(k, &log)) {
                        None => len += 1,
                        Some(old) => assert_eq!(old.k, k),
                    }
                    assert_eq!(m.len(), len);
                }
            }
            for k in 0..n {
                if let Some(v) = m.get(&k) {
                    assert_eq!(v.k, k);
                }
                if let Some(v) = m.get_mut(&k) {
                    assert_eq!(v.k, k);
                }
            }
            for k in (0..n).step_by(2) {
                if let Some(v) = m.remove(&k) {
                    assert_eq!(v.k, k);
                    len -= 1;
                }
                assert_eq!(m.len(), len);
            }
            for k in 0..n / 4 {
                let mut fresh = Some($crate::testing::Val::new(k, &log));
                let v = m.entry(k).or_insert_with(|| {
                    len += 1;
                    fresh.take().unwrap()
                });
                assert_eq!(v.k, k);
                assert_eq!(m.len(), len);
            }
            let mut seen = 0;
            for (k, v) in m.iter() {
                assert_eq!(*k, v.k);
                seen += 1;
            }
            assert_eq!(seen, len);
            $( let $m = &mut m; let $n = n; $grow; )?
            assert_eq!(m.iter().count(), len);
            drop(m);
            assert_eq!(log.leaked(), 0);

            // And once more through `clear`.
            let log = ::std::rc::Rc::new($crate::testing::DropLog::default());
            let mut m = $map::with_hasher($crate::hash::hostile::Hostile($crate::hash::hostile::Hostility::PerCall));
            for k in 0..n {
                m.insert(k % 7, $crate::testing::Val::new(k % 7, &log));
            }
            m.clear();
            assert_eq!((m.len(), m.iter().count()), (0, 0));
            for k in 0..n / 2 {
                m.insert(k, $crate::testing::Val::new(k, &log));
            }
            drop(m);
            assert_eq!(log.leaked(), 0);
        }
    };
}

/// Keys and values for panic-safety tests (`tests/panic_safety.rs`): a key
/// whose `Hash`, `Eq` or `Ord` panics on the Nth call after being armed, and
/// drop counting for keys and values alike.
pub mod bomb {
    pub use super::{DropLog, Val};
    use std::cell::Cell;
    use std::cmp::Ordering;
    use std::hash::{Hash, Hasher};
    use std::rc::Rc;

    /// Which trait method of [`Bomb`] an armed fuse makes panic.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum Trigger {
        /// `Hash::hash`.
        Hash,
        /// `PartialEq::eq`.
        Eq,
        /// `Ord::cmp`.
        Ord,
    }

    thread_local! {
        /// The armed trigger and how many more calls of it may succeed.
        static FUSE: Cell<Option<(Trigger, u64)>> = const { Cell::new(None) };
    }

    /// Makes the `calls_before_panic + 1`-th call of `trigger` on this thread panic.
    pub fn arm(trigger: Trigger, calls_before_panic: u64) {
        FUSE.with(|f| f.set(Some((trigger, calls_before_panic))));
    }

    /// Removes the fuse.
    pub fn disarm() {
        FUSE.with(|f| f.set(None));
    }

    /// Runs `f` with the fuse armed (`arm(trigger, calls_before_panic)`),
    /// then disarms it: `f`'s result, or the panic it was stopped by.
    pub fn with_fuse<R>(
        trigger: Trigger,
        calls_before_panic: u64,
        f: impl FnOnce() -> R,
    ) -> std::thread::Result<R> {
        arm(trigger, calls_before_panic);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        disarm();
        r
    }

    fn tick(trigger: Trigger) {
        FUSE.with(|f| match f.get() {
            Some((t, 0)) if t == trigger => {
                f.set(None);
                panic!("armed {trigger:?} panic");
            }
            Some((t, left)) if t == trigger => f.set(Some((t, left - 1))),
            _ => {}
        });
    }

    /// A key that ticks the fuse on every `hash` and `eq`. `h` is what it
    /// feeds the hasher.
    pub struct Bomb {
        /// The key proper: equality and order.
        pub k: u64,
        /// What it feeds the hasher.
        pub h: u64,
        id: usize,
        log: Rc<DropLog>,
    }

    impl Bomb {
        /// A key `k` hashing as `h`, its drop counted in `log`.
        pub fn new(k: u64, h: u64, log: &Rc<DropLog>) -> Self {
            Bomb {
                k,
                h,
                id: log.id(),
                log: Rc::clone(log),
            }
        }
    }

    impl Hash for Bomb {
        fn hash<H: Hasher>(&self, state: &mut H) {
            tick(Trigger::Hash);
            state.write_u64(self.h);
        }
    }

    impl PartialEq for Bomb {
        fn eq(&self, other: &Self) -> bool {
            tick(Trigger::Eq);
            self.k == other.k
        }
    }
    impl Eq for Bomb {}

    impl PartialOrd for Bomb {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }

    impl Ord for Bomb {
        fn cmp(&self, other: &Self) -> Ordering {
            tick(Trigger::Ord);
            self.k.cmp(&other.k)
        }
    }

    impl Drop for Bomb {
        fn drop(&mut self) {
            self.log.dropped(self.id);
        }
    }

    /// Spreads small `k` over the whole u64 range (a multiply by the golden
    /// ratio), for use as a [`Bomb`]'s hash through the pass-through hasher.
    pub fn spread(k: u64) -> u64 {
        k.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    /// The map holds exactly `model` (key -> value key), checked through
    /// lookups, iteration and the invariants; the keys' hashes are
    /// [`spread`] through the pass-through hasher.
    pub fn assert_holds<R>(
        m: &crate::Map<Bomb, Val, R, crate::hash::PassThroughBuildHasher>,
        model: &std::collections::BTreeMap<u64, u64>,
        log: &Rc<DropLog>,
    ) where
        R: crate::raw::RawLookup<Bomb, Val, Bomb>,
    {
        m.check_invariants();
        assert_eq!(m.len(), model.len());
        for (&k, &v) in model {
            let probe = Bomb::new(k, spread(k), log);
            assert_eq!(m.get(&probe).map(|v| v.k), Some(v), "key {k}");
        }
        let mut got: Vec<(u64, u64)> = m.iter().map(|(k, v)| (k.k, v.k)).collect();
        got.sort_unstable();
        assert_eq!(got, model.iter().map(|(&k, &v)| (k, v)).collect::<Vec<_>>());
    }
}

/// A program written against `std::collections::HashMap` habits, run on a
/// strategy's map: `std_shaped_suite!(GoMap)` defines tests that use every
/// std method (constructors, the entry API, every iterator, `retain`,
/// `drain`, `extract_if`, `get_disjoint_mut`, the reserve family, the trait
/// impls), compare every answer with std's map, and check at compile time
/// that the map is `Send + Sync` and covariant in `K` and `V` as std's is.
#[macro_export]
macro_rules! std_shaped_suite {
    ($map:ident) => {
        // Compile-time checks: these functions only type-check if the map
        // has std's auto traits and variance.
        #[allow(dead_code)]
        fn covariant<'a>(m: $map<&'static str, &'static str>) -> $map<&'a str, &'a str> {
            m
        }
        #[allow(dead_code)]
        fn send_sync() {
            fn is<T: Send + Sync>() {}
            is::<$map<u64, String>>();
        }

        /// A size no machine can hold is a clean panic, an error or a
        /// hint the runtime ignores: never an abort.
        #[test]
        fn huge_hints_and_reserves_never_abort() {
            use ::std::panic::{catch_unwind, AssertUnwindSafe};
            for hint in [usize::MAX, usize::MAX / 2, 1 << 60] {
                if let Ok(m) = catch_unwind(|| $map::<u64, u64>::with_capacity(hint)) {
                    assert!(m.is_empty());
                }
            }
            let mut m: $map<u64, u64> = $map::new();
            m.insert(1, 1);
            assert!(m.try_reserve(usize::MAX).is_err());
            assert!(catch_unwind(AssertUnwindSafe(|| m.reserve(usize::MAX))).is_err());
            assert_eq!(m.get(&1), Some(&1));
        }

        #[test]
        fn a_std_hashmap_program_runs_unchanged() {
            use ::std::collections::HashMap;
            let n: u64 = if cfg!(miri) { 40 } else { 2_000 };
            let mut m: $map<u64, String> = $map::new();
            let mut model: HashMap<u64, String> = HashMap::new();
            assert!(m.is_empty());
            for k in 0..n {
                assert_eq!(m.insert(k, k.to_string()), model.insert(k, k.to_string()));
            }
            assert_eq!(m.insert(3, "three".into()), model.insert(3, "three".into()));
            assert_eq!(m.len(), model.len());
            assert_eq!(m.get(&3).map(String::as_str), Some("three"));
            assert_eq!(m.get_key_value(&4), Some((&4, &"4".to_string())));
            assert!(m.contains_key(&5) && !m.contains_key(&n));
            m.get_mut(&5).unwrap().push('!');
            model.get_mut(&5).unwrap().push('!');
            assert_eq!(m[&5], "5!");
            *m.entry(6).or_insert_with(String::new) += "+";
            *model.entry(6).or_insert_with(String::new) += "+";
            m.entry(n).or_default().push('x');
            model.entry(n).or_default().push('x');
            m.entry(7)
                .and_modify(|v| v.clear())
                .or_insert_with_key(|k| k.to_string());
            model
                .entry(7)
                .and_modify(|v| v.clear())
                .or_insert_with_key(|k| k.to_string());
            assert_eq!(m.remove(&8), model.remove(&8));
            assert_eq!(m.remove_entry(&9), model.remove_entry(&9));
            assert_eq!(m.remove(&8), None);
            let same = |m: &$map<u64, String>, model: &HashMap<u64, String>| {
                assert_eq!(m.len(), model.len());
                for (k, v) in model {
                    assert_eq!(m.get(k), Some(v), "key {k}");
                }
                let mut keys: Vec<u64> = m.keys().copied().collect();
                keys.sort_unstable();
                let mut want: Vec<u64> = model.keys().copied().collect();
                want.sort_unstable();
                assert_eq!(keys, want);
                assert_eq!(m.iter().len(), model.len());
                assert_eq!(m.values().count(), model.len());
            };
            same(&m, &model);
            for (_, v) in m.iter_mut() {
                v.push('.');
            }
            for v in model.values_mut() {
                v.push('.');
            }
            for v in m.values_mut() {
                v.push('_');
            }
            for (_, v) in &mut model {
                v.push('_');
            }
            same(&m, &model);
            m.retain(|k, _| k % 3 != 0);
            model.retain(|k, _| k % 3 != 0);
            same(&m, &model);
            let mut out: Vec<u64> = m.extract_if(|k, _| k % 5 == 0).map(|(k, _)| k).collect();
            out.sort_unstable();
            let mut want: Vec<u64> = model.keys().copied().filter(|k| k % 5 == 0).collect();
            want.sort_unstable();
            model.retain(|k, _| k % 5 != 0);
            assert_eq!(out, want);
            same(&m, &model);
            {
                let [a, b, c] = m.get_disjoint_mut([&1, &2, &4]);
                ::std::mem::swap(a.unwrap(), b.unwrap());
                c.unwrap().push('#');
            }
            let (a, b) = (model[&1].clone(), model[&2].clone());
            model.insert(1, b);
            model.insert(2, a);
            model.get_mut(&4).unwrap().push('#');
            same(&m, &model);
            m.reserve(10);
            assert!(m.try_reserve(10).is_ok());
            assert!(m.try_reserve(usize::MAX).is_err());
            m.shrink_to_fit();
            m.shrink_to(0);
            same(&m, &model);
            let c = m.clone();
            assert_eq!(c, m);
            assert!(format!("{m:?}").starts_with('{'));
            let owned: HashMap<u64, String> = c.into_iter().collect();
            assert_eq!(owned, model);
            let mut k2: Vec<u64> = m.clone().into_keys().collect();
            k2.sort_unstable();
            assert_eq!(k2.len(), model.len());
            assert_eq!(m.clone().into_values().count(), model.len());
            let drained: HashMap<u64, String> = m.drain().collect();
            assert_eq!(drained, model);
            assert!(m.is_empty());
            m.extend(drained.clone());
            assert_eq!(m.len(), drained.len());
            m.clear();
            assert!(m.is_empty() && m.get(&1).is_none());
            let mut small: $map<u8, u8> = [(1, 10), (2, 20)].into();
            small.extend([(&3, &30)]);
            let total: u32 = (&small).into_iter().map(|(_, v)| u32::from(*v)).sum();
            assert_eq!(total, 60);
            let d: $map<u8, u8> = Default::default();
            assert_ne!(d, small);
            let collected: $map<u8, u8> = small.iter().map(|(k, v)| (*k, *v)).collect();
            assert_eq!(collected, small);
            for (k, v) in small {
                assert_eq!(u32::from(k) * 10, u32::from(v));
            }
        }
    };
}

/// Oracle parity: replaying recorded scripts and comparing with what the
/// real runtime printed, byte for byte.
pub mod oracle {
    use std::fs;
    use std::path::{Path, PathBuf};

    use crate::script::ScriptError;

    /// A readable account of the first difference between two outputs.
    pub fn diff(expected: &str, got: &str) -> String {
        let (e, g): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), got.lines().collect());
        let first = e
            .iter()
            .zip(&g)
            .position(|(a, b)| a != b)
            .unwrap_or(e.len().min(g.len()));
        let clip = |s: &str| {
            if s.len() > 200 {
                // For the long `order` line, show where it starts to differ.
                format!("{}... ({} chars)", &s[..200], s.len())
            } else {
                s.to_string()
            }
        };
        let mut out = format!(
            "first difference at line {} (expected {} lines, got {})\n",
            first + 1,
            e.len(),
            g.len()
        );
        for i in first.saturating_sub(2)..(first + 3) {
            if let Some(l) = e.get(i) {
                out += &format!("  expected {:>4}: {}\n", i + 1, clip(l));
            }
            if let Some(l) = g.get(i) {
                out += &format!("  got      {:>4}: {}\n", i + 1, clip(l));
            }
        }
        if let (Some(el), Some(gl)) = (e.get(first), g.get(first)) {
            if el.starts_with("order") && gl.starts_with("order") {
                let (ew, gw): (Vec<&str>, Vec<&str>) =
                    (el.split(' ').collect(), gl.split(' ').collect());
                let at = ew
                    .iter()
                    .zip(&gw)
                    .position(|(a, b)| a != b)
                    .unwrap_or(ew.len().min(gw.len()));
                let lo = at.saturating_sub(3);
                out += &format!(
                    "  order differs at position {at}: expected ..{:?}.., got ..{:?}..\n",
                    &ew[lo..(at + 4).min(ew.len())],
                    &gw[lo..(at + 4).min(gw.len())]
                );
            }
        }
        out
    }

    /// The `NAME.ops` files of `dir`, sorted.
    pub fn fixtures(dir: &Path) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ops"))
            .collect();
        v.sort();
        v
    }

    /// Replays every `NAME.ops` of `dir` with `replay` and asserts the
    /// output equals `NAME.expected`, reporting each fixture that differs
    /// with a readable diff; asserts there are at least `at_least`.
    pub fn assert_fixtures_replay(
        dir: &Path,
        at_least: usize,
        replay: impl Fn(&str) -> Result<String, ScriptError>,
    ) {
        let fixtures = fixtures(dir);
        assert!(
            fixtures.len() >= at_least,
            "expected at least {at_least} fixtures in {}, found {}",
            dir.display(),
            fixtures.len()
        );
        let mut failures = Vec::new();
        for ops in &fixtures {
            let name = ops.file_stem().unwrap().to_string_lossy().into_owned();
            let script = fs::read_to_string(ops).unwrap();
            let expected = fs::read_to_string(ops.with_extension("expected"))
                .unwrap_or_else(|e| panic!("{name}.expected: {e}"));
            let actual = replay(&script).unwrap_or_else(|e| panic!("{name}: {e}"));
            if actual != expected {
                failures.push(format!("--- fixture {name}:\n{}", diff(&expected, &actual)));
            }
        }
        assert!(
            failures.is_empty(),
            "{} fixture(s) differ:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

/// The model-test harness: a map and std's `HashMap` given the same random
/// ops, every answer compared, the map's invariants checked as it goes.
///
/// The core ops are the std API's ([`Op`](model::Op)); a strategy adds its own
/// (`Op::Own`: Redis's `rehash` and `shrink`, Java's `entry`, ...) and
/// applies them with the function it passes to [`run`](model::run).
#[cfg(feature = "model")]
pub mod model {
    use std::collections::HashMap;
    use std::convert::Infallible;
    use std::fmt::Debug;
    use std::hash::BuildHasher;

    use proptest::prelude::*;
    use proptest::strategy::Union;
    use proptest::test_runner::TestCaseError;

    use crate::map::Map;
    use crate::raw::{RawLookup, RawTable};

    /// The model: what the map must hold after every op.
    pub type Model = HashMap<u16, u32>;

    /// One op of a model test.
    #[derive(Clone, Debug)]
    pub enum Op<X> {
        Insert(u16, u32),
        Remove(u16),
        Get(u16),
        Clear,
        /// One of the strategy's own ops.
        Own(X),
    }

    /// Ops of a strategy with none of its own.
    pub type CoreOps = Vec<Op<Infallible>>;

    /// How often each core op is drawn, relative to the strategy's own
    /// ops' weights (0: never).
    #[derive(Clone, Copy, Debug)]
    pub struct Mix {
        pub insert: u32,
        pub remove: u32,
        pub get: u32,
        pub clear: u32,
    }

    /// Up to `max_len` ops on keys below `key_space`, drawn by `mix` and
    /// the strategy's own ops with their weights.
    pub fn ops<X: Clone + Debug + 'static>(
        key_space: u16,
        max_len: usize,
        mix: Mix,
        own: Vec<(u32, BoxedStrategy<X>)>,
    ) -> impl Strategy<Value = Vec<Op<X>>> {
        let mut arms: Vec<(u32, BoxedStrategy<Op<X>>)> = vec![
            (
                mix.insert,
                (0..key_space, any::<u32>())
                    .prop_map(|(k, v)| Op::Insert(k, v))
                    .boxed(),
            ),
            (mix.remove, (0..key_space).prop_map(Op::Remove).boxed()),
            (mix.get, (0..key_space).prop_map(Op::Get).boxed()),
            (mix.clear, Just(Op::Clear).boxed()),
        ];
        arms.extend(
            own.into_iter()
                .map(|(w, s)| (w, s.prop_map(Op::Own).boxed())),
        );
        arms.retain(|&(w, _)| w > 0);
        proptest::collection::vec(Union::new_weighted(arms), 0..max_len)
    }

    /// Runs `ops` on `m` and on a [`Model`], comparing every answer and
    /// the length after each op and checking `m`'s invariants every
    /// `check_every` ops and at the end; then compares every key's value
    /// and the whole contents. `own` applies an `Op::Own` to both (and
    /// compares what it should).
    pub fn run<R, S, X>(
        mut m: Map<u16, u32, R, S>,
        ops: &[Op<X>],
        check_every: usize,
        mut own: impl FnMut(&mut Map<u16, u32, R, S>, &mut Model, &X) -> Result<(), TestCaseError>,
    ) -> Result<(), TestCaseError>
    where
        R: RawTable<u16, u32> + RawLookup<u16, u32, u16>,
        S: BuildHasher,
    {
        let mut model = Model::new();
        for (step, op) in ops.iter().enumerate() {
            match op {
                &Op::Insert(k, v) => {
                    let (got, want) = (m.insert(k, v), model.insert(k, v));
                    prop_assert_eq!(got, want, "insert {} (op {})", k, step);
                }
                Op::Remove(k) => {
                    let (got, want) = (m.remove(k), model.remove(k));
                    prop_assert_eq!(got, want, "remove {} (op {})", k, step);
                }
                Op::Get(k) => prop_assert_eq!(m.get(k), model.get(k), "get {} (op {})", k, step),
                Op::Clear => {
                    m.clear();
                    model.clear();
                }
                Op::Own(x) => own(&mut m, &mut model, x)?,
            }
            prop_assert_eq!(m.len(), model.len(), "len after op {}", step);
            if step % check_every.max(1) == 0 {
                m.check_invariants();
            }
        }
        m.check_invariants();
        for (k, v) in &model {
            prop_assert_eq!(m.get(k), Some(v), "get {} at the end", k);
        }
        prop_assert_eq!(m.iter().count(), model.len());
        let mut got: Vec<(u16, u32)> = m.into_iter().collect();
        let mut want: Vec<(u16, u32)> = model.into_iter().collect();
        got.sort_unstable();
        want.sort_unstable();
        prop_assert_eq!(got, want);
        Ok(())
    }

    /// The `own` function of a strategy with no ops of its own.
    pub fn no_own<M>(_: &mut M, _: &mut Model, x: &Infallible) -> Result<(), TestCaseError> {
        match *x {}
    }
}

//! The hash functions hashgrow uses and compares, as [hash builders](std::hash::BuildHasher).
//!
//! | name | builder | what it is |
//! | --- | --- | --- |
//! | `fold` | [`FoldBuildHasher`], [`DefaultHashBuilder`] | foldhash (the `foldhash` crate), hashbrown's default |
//! | `fx` | `FxBuildHasher` | FxHash (the `fxhash` crate), rustc's hasher |
//! | `sip13` | `SipBuildHasher` | SipHash-1-3 (the `siphasher` crate), std's |
//! | `fnv1a` | `FnvBuildHasher` | FNV-1a 64-bit (the `fnv` crate) |
//! | `bytesum` | [`ByteSumBuildHasher`](type@ByteSumBuildHasher) | sum of the key's bytes: the classic bad hash |
//! | (replay) | [`PassThroughBuildHasher`](type@PassThroughBuildHasher) | returns the u64 it is given, unchanged |
//!
//! `fx`, `sip13` and `fnv1a` (and `HashKind`) come with the `hashers`
//! feature, which the bench turns on; a map crate needs none of them.
//! (Those names are plain text here so that these docs build without the
//! feature; each item has its own docs when it is on.)
//!
//! # The default: foldhash, seeded per map
//!
//! [`DefaultHashBuilder`] is `foldhash::fast::RandomState`, the hasher
//! hashbrown's own `HashMap` defaults to: a fast, high-quality hash whose
//! seed is drawn per map, so keys an adversary picks (or merely unlucky
//! ones, such as multiples of 4096, which FxHash sends to a handful of
//! buckets) do not all land in the same buckets. The real runtimes do the
//! same: Go seeds its map hash per map, Redis seeds its SipHash per
//! process. Compared with `hashgrow hashdist`, foldhash spreads every key
//! set as well as SipHash-1-3 and hashes a `u64` in about FxHash's time
//! (see `docs/hash-quality.md`).
//!
//! A random seed makes layouts and iteration orders differ between runs.
//! Where a run must be reproducible (the bench, the docs' figures, the
//! replays), name a deterministic hasher: [`FoldBuildHasher`] (fixed seed),
//! FxHash, or [`PassThroughBuildHasher`](type@PassThroughBuildHasher) with recorded hashes.
//!
//! ```
//! use std::hash::BuildHasher;
//! use hashgrow::hash::{ByteSumBuildHasher, PassThroughBuildHasher, Prehashed};
//!
//! // The byte sum of "ab" is 97 + 98 (plus str's 0xff terminator byte).
//! assert_eq!(ByteSumBuildHasher.hash_one("ab"), 97 + 98 + 0xff);
//! // A prehashed key hashes to the recorded hash, whatever the key.
//! let k = Prehashed { key: 7u64, hash: 0xdead_beef };
//! assert_eq!(PassThroughBuildHasher.hash_one(k), 0xdead_beef);
//! ```

#[cfg(feature = "hashers")]
use std::hash::BuildHasher;
use std::hash::{BuildHasherDefault, Hash, Hasher};

#[cfg(feature = "hashers")]
pub use fnv::{FnvBuildHasher, FnvHasher};
#[cfg(feature = "hashers")]
pub use fxhash::{FxBuildHasher, FxHasher};

/// The hasher maps use when none is named: foldhash with a random seed per
/// map (see the module docs for why).
pub type DefaultHashBuilder = foldhash::fast::RandomState;

/// foldhash with a fixed seed: the default's function, reproducible from
/// run to run (`FixedState::default()` is seed 0). The bench's `fold`
/// hasher.
pub type FoldBuildHasher = foldhash::fast::FixedState;

#[cfg(feature = "hashers")]
/// SipHash-1-3 with a fixed 128-bit key, the function `std`'s `RandomState`
/// uses (there with random keys).
///
/// [`SipBuildHasher::default`] uses the all-zero key, so results are
/// reproducible; [`SipBuildHasher::random`] draws a key from `std`'s
/// per-process random source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SipBuildHasher {
    k0: u64,
    k1: u64,
}

#[cfg(feature = "hashers")]
impl SipBuildHasher {
    /// A builder with the given key.
    pub const fn with_keys(k0: u64, k1: u64) -> Self {
        SipBuildHasher { k0, k1 }
    }

    /// A builder with a random key, for maps fed untrusted keys.
    ///
    /// ```
    /// use std::hash::BuildHasher;
    /// use hashgrow::hash::SipBuildHasher;
    /// let (a, b) = (SipBuildHasher::random(), SipBuildHasher::random());
    /// assert_ne!(a.hash_one(1u64), b.hash_one(1u64));
    /// ```
    pub fn random() -> Self {
        let rs = std::collections::hash_map::RandomState::new();
        SipBuildHasher {
            k0: rs.hash_one(0u64),
            k1: rs.hash_one(1u64),
        }
    }
}

#[cfg(feature = "hashers")]
impl BuildHasher for SipBuildHasher {
    type Hasher = siphasher::sip::SipHasher13;
    fn build_hasher(&self) -> Self::Hasher {
        siphasher::sip::SipHasher13::new_with_keys(self.k0, self.k1)
    }
}

/// The naive byte-sum hash: the sum of every byte written, as a u64.
///
/// Anagrams collide, and all the sums of short keys fall in a narrow range,
/// so most buckets stay empty: the textbook bad hash, kept here to show
/// what a bad hash does to growth and chains.
#[derive(Clone, Copy, Debug, Default)]
pub struct ByteSumHasher(u64);

impl Hasher for ByteSumHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.wrapping_add(u64::from(b));
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`ByteSumHasher`]s.
pub type ByteSumBuildHasher = BuildHasherDefault<ByteSumHasher>;
#[allow(non_upper_case_globals)]
/// The (stateless) byte-sum builder, as a value.
pub const ByteSumBuildHasher: ByteSumBuildHasher = BuildHasherDefault::new();

/// A hasher that returns the integer it is given, unchanged.
///
/// Made for replaying recorded hashes: an oracle prints the hash the real
/// runtime computed for each key, and the replica must use exactly that
/// value. Each integer write (`write_u8` .. `write_u64`, `write_usize`)
/// *replaces* the state with the integer (zero-extended), so a `u64` key
/// hashes to itself and a [`Prehashed`] key to its recorded hash. Byte
/// slices (strings) are folded in eight bytes at a time, little-endian,
/// with a rotate-xor: usable, but not a good hash.
#[derive(Clone, Copy, Debug, Default)]
pub struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(29) ^ u64::from_le_bytes(word);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = u64::from(i);
    }
    fn write_u16(&mut self, i: u16) {
        self.0 = u64::from(i);
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = u64::from(i);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = i as u64;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`PassThroughHasher`]s.
pub type PassThroughBuildHasher = BuildHasherDefault<PassThroughHasher>;
#[allow(non_upper_case_globals)]
/// The (stateless) pass-through builder, as a value.
pub const PassThroughBuildHasher: PassThroughBuildHasher = BuildHasherDefault::new();

/// A key that carries its own recorded hash.
///
/// Equality and ordering look at `key` only; [`Hash`] writes only `hash`
/// (with `write_u64`), so under [`PassThroughBuildHasher`](type@PassThroughBuildHasher) the map sees
/// exactly the recorded hash. This is how `hashgrow replay` feeds a
/// replica the hashes the real Go and Java runtimes computed.
///
/// Keys that are equal must carry equal hashes, as with any `Hash` impl.
#[derive(Clone, Copy, Debug)]
pub struct Prehashed<K> {
    /// The key itself.
    pub key: K,
    /// The hash recorded for it.
    pub hash: u64,
}

impl<K: PartialEq> PartialEq for Prehashed<K> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<K: Eq> Eq for Prehashed<K> {}

impl<K: PartialOrd> PartialOrd for Prehashed<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.key.partial_cmp(&other.key)
    }
}
impl<K: Ord> Ord for Prehashed<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

impl<K> Hash for Prehashed<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

#[cfg(feature = "hashers")]
/// The hash functions `hashgrow` compares, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashKind {
    /// foldhash, fixed seed (the default map hasher's function).
    Fold,
    /// FxHash.
    Fx,
    /// SipHash-1-3, zero key.
    Sip13,
    /// FNV-1a 64-bit.
    Fnv1a,
    /// Sum of bytes.
    ByteSum,
}

#[cfg(feature = "hashers")]
impl HashKind {
    /// Every kind, in the order tables list them.
    pub const ALL: [HashKind; 5] = [
        HashKind::ByteSum,
        HashKind::Fnv1a,
        HashKind::Fold,
        HashKind::Fx,
        HashKind::Sip13,
    ];

    /// The name used on the command line and in reports.
    ///
    /// ```
    /// use hashgrow::hash::HashKind;
    /// assert_eq!(HashKind::Fold.name(), "fold");
    /// assert_eq!("sip13".parse::<HashKind>().unwrap(), HashKind::Sip13);
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            HashKind::Fold => "fold",
            HashKind::Fx => "fx",
            HashKind::Sip13 => "sip13",
            HashKind::Fnv1a => "fnv1a",
            HashKind::ByteSum => "bytesum",
        }
    }

    /// Hashes one value with this kind's (deterministic) builder.
    ///
    /// ```
    /// use hashgrow::hash::HashKind;
    /// assert_eq!(HashKind::Fx.hash_one(7u64), HashKind::Fx.hash_one(7u64));
    /// ```
    pub fn hash_one<T: Hash>(self, value: T) -> u64 {
        match self {
            HashKind::Fold => FoldBuildHasher::default().hash_one(value),
            HashKind::Fx => FxBuildHasher::default().hash_one(value),
            HashKind::Sip13 => SipBuildHasher::default().hash_one(value),
            HashKind::Fnv1a => FnvBuildHasher::default().hash_one(value),
            HashKind::ByteSum => ByteSumBuildHasher.hash_one(value),
        }
    }
}

#[cfg(feature = "hashers")]
impl std::str::FromStr for HashKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        HashKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = HashKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown hasher `{s}` (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

#[cfg(feature = "hashers")]
impl std::fmt::Display for HashKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The SplitMix64 finaliser (Steele, Lea and Flood): a bijection on `u64`,
/// so distinct inputs give distinct, well-spread outputs. The benchmarks
/// make their keys with it, and a counter run through it is the
/// SplitMix64 generator.
pub const fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hashers that misbehave on purpose, for testing that a map never hangs,
/// panics or corrupts memory whatever its hasher does.
///
/// ```
/// use std::hash::BuildHasher;
/// use hashgrow::hash::hostile::{Hostile, Hostility};
///
/// let h = Hostile(Hostility::Constant);
/// assert_eq!(h.hash_one(1u64), h.hash_one(2u64));
/// let bottom = Hostile(Hostility::BottomBits);
/// assert!(bottom.hash_one(12345u64) <= 0xFF);
/// ```
#[cfg(feature = "hashers")]
pub mod hostile {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::FxHasher;

    /// How a [`Hostile`] hasher misbehaves.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Hostility {
        /// Every key hashes to the same value.
        Constant,
        /// A fresh value on every call (a process-wide counter, mixed):
        /// keys cannot be found again, but the map must stay memory safe.
        PerCall,
        /// FxHash with only the top byte kept.
        TopBits,
        /// FxHash with only the bottom byte kept.
        BottomBits,
        /// FxHash with only its top and bottom 4 bits kept: many keys share
        /// both a probe start and a tag.
        FewBits,
    }

    static CALLS: AtomicU64 = AtomicU64::new(0);

    /// A [`BuildHasher`] with the given [`Hostility`].
    #[derive(Clone, Copy, Debug)]
    pub struct Hostile(pub Hostility);

    /// The hasher [`Hostile`] builds: FxHash, then spoiled.
    #[derive(Clone, Debug)]
    pub struct HostileHasher(Hostility, FxHasher);

    impl Hasher for HostileHasher {
        fn write(&mut self, bytes: &[u8]) {
            self.1.write(bytes);
        }
        fn write_u64(&mut self, i: u64) {
            self.1.write_u64(i);
        }
        fn finish(&self) -> u64 {
            let h = self.1.finish();
            match self.0 {
                Hostility::Constant => 0x9e37_79b9_7f4a_7c15,
                // splitmix64 of a counter: every bit changes per call.
                Hostility::PerCall => super::splitmix64(CALLS.fetch_add(1, Ordering::Relaxed)),
                Hostility::TopBits => h & 0xFF00_0000_0000_0000,
                Hostility::BottomBits => h & 0xFF,
                Hostility::FewBits => h & 0xF000_0000_0000_000F,
            }
        }
    }

    impl BuildHasher for Hostile {
        type Hasher = HostileHasher;
        fn build_hasher(&self) -> HostileHasher {
            HostileHasher(self.0, FxHasher::default())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn the_default_is_seeded_per_map_and_fold_is_fixed() {
        let (a, b) = (DefaultHashBuilder::default(), DefaultHashBuilder::default());
        assert_ne!(a.hash_one(7u64), b.hash_one(7u64));
        let f = FoldBuildHasher::default();
        assert_eq!(f.hash_one(7u64), FoldBuildHasher::default().hash_one(7u64));
    }

    #[cfg(feature = "hashers")]
    #[test]
    fn fnv1a_matches_reference_vectors() {
        // FNV-1a 64 of "" is the offset basis; of "a" is 0xaf63dc4c8601ec8c.
        let mut h = FnvHasher::default();
        h.write(b"");
        assert_eq!(h.finish(), 0xcbf29ce484222325);
        let mut h = FnvHasher::default();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63dc4c8601ec8c);
    }

    #[test]
    fn bytesum_collides_on_anagrams() {
        let b = ByteSumBuildHasher;
        assert_eq!(b.hash_one("listen"), b.hash_one("silent"));
        assert_ne!(b.hash_one("listen"), b.hash_one("listens"));
    }

    #[test]
    fn passthrough_returns_integers_unchanged() {
        let b = PassThroughBuildHasher;
        assert_eq!(b.hash_one(0x1234_5678_9abc_def0u64), 0x1234_5678_9abc_def0);
        assert_eq!(b.hash_one(Prehashed { key: "x", hash: 42 }), 42);
    }

    #[cfg(feature = "hashers")]
    #[test]
    fn sip13_is_keyed() {
        let a = SipBuildHasher::default().hash_one(5u64);
        let b = SipBuildHasher::with_keys(1, 2).hash_one(5u64);
        assert_ne!(a, b);
        assert_eq!(a, SipBuildHasher::default().hash_one(5u64));
    }

    #[cfg(feature = "hashers")]
    #[test]
    fn hash_kind_parses_names_and_rejects_unknown() {
        for k in HashKind::ALL {
            assert_eq!(k.name().parse::<HashKind>().unwrap(), k);
        }
        let err = "md5".parse::<HashKind>().unwrap_err();
        assert!(err.contains("unknown hasher `md5`"), "{err}");
    }
}

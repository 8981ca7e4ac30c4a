//! The strategies `hashgrow` can run, by name, and how each is built.

use std::fmt;
use std::hash::{BuildHasher, Hash};

use clap::ValueEnum;
use hashgrow::Table;
use hashgrow_go::GoMap;
use hashgrow_java::JavaMap;
use hashgrow_redis::RedisMap;
use hashgrow_stw::StwMap;
use hashgrow_swiss::SwissMap;

use crate::baseline::{BaselineMap, Counted, Plain};

/// A growth strategy, as named on the command line and in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ValueEnum)]
pub enum Strategy {
    /// Go-style (`hashgrow-go`): Go 1.19's map, incremental evacuation.
    Go,
    /// Go 1.24+ (`hashgrow-swiss`): a directory of Swiss tables of at most
    /// 1024 slots, each grown or split on its own (extendible hashing).
    GoSwiss,
    /// Java-style (`hashgrow-java`): JDK 17's HashMap, lo/hi split, tree bins.
    Java,
    /// Stop-the-world rehash (`hashgrow-stw`): grows by moving every entry
    /// at once.
    Stw,
    /// Redis-style (`hashgrow-redis`): Redis 7.0's dict.c, two chained
    /// tables, one bucket rehashed per operation.
    Redis,
    /// Baseline: `hashbrown::HashMap` (SwissTable, stop-the-world).
    Hashbrown,
    /// Baseline: `std::collections::HashMap` (hashbrown inside).
    Std,
    /// Baseline: `griddle::HashMap`, hashbrown with incremental resize (the
    /// closest published peer to Go's approach).
    Griddle,
}

impl Strategy {
    /// Every strategy, in report order.
    pub fn all() -> Vec<Strategy> {
        Strategy::value_variants().to_vec()
    }

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Go => "go",
            Strategy::GoSwiss => "go-swiss",
            Strategy::Java => "java",
            Strategy::Stw => "stw",
            Strategy::Redis => "redis",
            Strategy::Hashbrown => "hashbrown",
            Strategy::Std => "std",
            Strategy::Griddle => "griddle",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A map the benchmark can build: a [`Table`] with a capacity constructor.
pub trait BenchMap<K, V>: Table<K, V> {
    /// An empty map with room for `capacity` entries (0: no allocation).
    fn make(capacity: usize) -> Self;

    /// What the strategy's server does between commands (`--cron`):
    /// nothing, except for Redis.
    fn cron(&mut self) {}
}

impl<K: Hash + Eq, V, S: BuildHasher + Default> BenchMap<K, V> for StwMap<K, V, S> {
    fn make(capacity: usize) -> Self {
        StwMap::with_capacity_and_hasher(capacity, S::default())
    }
}

impl<K: Hash + Eq, V, S: BuildHasher + Default> BenchMap<K, V> for GoMap<K, V, S> {
    fn make(capacity: usize) -> Self {
        GoMap::with_capacity_and_hasher(capacity, S::default())
    }
}

impl<K: Hash + Eq, V, S: BuildHasher + Default> BenchMap<K, V> for SwissMap<K, V, S> {
    fn make(capacity: usize) -> Self {
        SwissMap::with_capacity_and_hasher(capacity, S::default())
    }
}

impl<K: Hash + Eq, V, S: BuildHasher + Default> BenchMap<K, V> for RedisMap<K, V, S> {
    fn make(capacity: usize) -> Self {
        RedisMap::with_capacity_and_hasher(capacity, S::default())
    }

    /// One pass of Redis's `databasesCron` over this dict:
    /// `tryResizeHashTables` (shrink a table under 10% full) then
    /// `incrementallyRehash`'s `dictRehash(d, 100)` (one step of its 1 ms
    /// loop).
    fn cron(&mut self) {
        use hashgrow_redis::RedisMapExt;
        self.shrink();
        self.rehash(100);
    }
}

impl<K: Hash + Ord, V, S: BuildHasher + Default> BenchMap<K, V> for JavaMap<K, V, S> {
    /// Java's capacity counts bins, and a table resizes past 3/4 full: ask
    /// for `capacity / 0.75` bins so `capacity` entries fit without a resize,
    /// as `HashMap.newHashMap(n)` does in JDK 19+.
    fn make(capacity: usize) -> Self {
        if capacity == 0 {
            JavaMap::with_hasher(S::default())
        } else {
            JavaMap::with_capacity_and_hasher(capacity.div_ceil(3) * 4, S::default())
        }
    }
}

impl<K, V, M: BaselineMap<K, V>> BenchMap<K, V> for Plain<M> {
    fn make(capacity: usize) -> Self {
        Plain(M::make(capacity))
    }
}

impl<K, V, M: BaselineMap<K, V>> BenchMap<K, V> for Counted<M> {
    fn make(capacity: usize) -> Self {
        Counted::new(M::make(capacity))
    }
}

/// griddle, counted with its incremental moves spread over inserts.
pub struct CountedGriddle<M>(Counted<M>);

impl<K, V, M: BaselineMap<K, V>> Table<K, V> for CountedGriddle<M> {
    fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.0.insert(key, value)
    }
    fn get(&self, key: &K) -> Option<&V> {
        self.0.get(key)
    }
    fn remove(&mut self, key: &K) -> Option<V> {
        self.0.remove(key)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn stats(&self) -> hashgrow::Stats {
        self.0.stats()
    }
}

impl<K, V, M: BaselineMap<K, V>> BenchMap<K, V> for CountedGriddle<M> {
    fn make(capacity: usize) -> Self {
        CountedGriddle(Counted::incremental(M::make(capacity)))
    }
}

/// Something to run once per strategy: it receives two map types, `Fast`
/// (for timed passes, no bookkeeping) and `Counting` (for the stats pass;
/// the same type for strategies that count their own growth).
pub trait WithMaps<K, V> {
    /// What the run returns.
    type Output;
    /// Runs with the chosen map types.
    fn run<Fast: BenchMap<K, V>, Counting: BenchMap<K, V>>(self) -> Self::Output;
}

/// Calls `job` with the map types of `strategy` under hasher `S`.
pub fn with_maps<K, V, S, J>(strategy: Strategy, job: J) -> J::Output
where
    K: Hash + Ord,
    S: BuildHasher + Default,
    J: WithMaps<K, V>,
{
    type Hb<K, V, S> = hashbrown::HashMap<K, V, S>;
    type Sd<K, V, S> = std::collections::HashMap<K, V, S>;
    type Gr<K, V, S> = griddle::HashMap<K, V, S>;
    match strategy {
        Strategy::Go => job.run::<GoMap<K, V, S>, GoMap<K, V, S>>(),
        Strategy::GoSwiss => job.run::<SwissMap<K, V, S>, SwissMap<K, V, S>>(),
        Strategy::Java => job.run::<JavaMap<K, V, S>, JavaMap<K, V, S>>(),
        Strategy::Stw => job.run::<StwMap<K, V, S>, StwMap<K, V, S>>(),
        Strategy::Redis => job.run::<RedisMap<K, V, S>, RedisMap<K, V, S>>(),
        Strategy::Hashbrown => job.run::<Plain<Hb<K, V, S>>, Counted<Hb<K, V, S>>>(),
        Strategy::Std => job.run::<Plain<Sd<K, V, S>>, Counted<Sd<K, V, S>>>(),
        Strategy::Griddle => job.run::<Plain<Gr<K, V, S>>, CountedGriddle<Gr<K, V, S>>>(),
    }
}

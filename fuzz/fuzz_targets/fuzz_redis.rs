#![no_main]
//! Differential fuzzing of the `redis` strategy against std's HashMap; the
//! input format and the checks are in `hashgrow_difftest` (the inputs are
//! the same for every strategy: seed it with any `fuzz/corpus/*`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| hashgrow_difftest::run_redis(data));

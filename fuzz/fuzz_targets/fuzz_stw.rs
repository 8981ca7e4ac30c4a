#![no_main]
//! Differential fuzzing of the `stw` strategy against std's HashMap; the
//! input format and the checks are in `hashgrow_difftest`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| hashgrow_difftest::run_stw(data));

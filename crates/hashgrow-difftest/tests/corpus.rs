//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the
//! same differential driver the fuzz targets use, so CI covers it without a
//! nightly toolchain or cargo-fuzz.

use std::fs;
use std::path::PathBuf;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    let limit = if cfg!(miri) { 2 } else { files.len() };
    for f in &files[..limit] {
        let data = fs::read(f).unwrap();
        if let Err(e) = std::panic::catch_unwind(|| run(&data)) {
            panic!("{}: {e:?}", f.display());
        }
    }
}

#[test]
fn stw_corpus_agrees_with_std() {
    replay("fuzz_stw", hashgrow_difftest::run_stw);
}

#[test]
fn go_corpus_agrees_with_std() {
    replay("fuzz_go", hashgrow_difftest::run_go);
}

#[test]
fn java_corpus_agrees_with_std() {
    replay("fuzz_java", hashgrow_difftest::run_java);
}

/// The inputs mean the same for every strategy, so the two newer maps
/// replay every committed corpus.
#[test]
fn swiss_and_redis_agree_with_std_on_every_corpus() {
    for target in ["fuzz_stw", "fuzz_go", "fuzz_java"] {
        replay(target, hashgrow_difftest::run_swiss);
        replay(target, hashgrow_difftest::run_redis);
    }
}

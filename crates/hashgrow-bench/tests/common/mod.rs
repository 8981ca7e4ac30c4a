//! Helpers shared by the `hashgrow` binary's integration tests.

use std::process::{Command, Output};

/// Runs the `hashgrow` binary with `args`, without backtraces.
pub fn hashgrow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hashgrow"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("cannot run hashgrow")
}

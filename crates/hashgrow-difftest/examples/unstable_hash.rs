//! A key whose hash changes mid-grow, on every strategy (see
//! `hashgrow_difftest::unstable` and `docs/unstable-hash.md`).
//!
//!     cargo run -p hashgrow-difftest --example unstable_hash
//!
//! Prints the table committed as `docs/generated/unstable-hash.txt`;
//! `tests/unstable_hash.rs` fails if the behaviour changes.
fn main() {
    println!("$ cargo run -p hashgrow-difftest --example unstable_hash");
    print!(
        "{}",
        hashgrow_difftest::unstable::report(&hashgrow_difftest::unstable::all())
    );
}

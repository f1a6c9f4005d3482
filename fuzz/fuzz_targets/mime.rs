//! Fuzz our MIME reader against mail-parser: on any input, reading plainly
//! formed messages ourselves must give exactly what mail-parser gives.
//! Run with `cargo +nightly fuzz run mime`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    bounce_doctor::diagnose::fuzz_readings_agree(data);
});

//! A program written with `std::collections::HashMap` habits compiles and
//! runs unchanged against `SwissMap`, which is also `Send + Sync` and
//! covariant in its key and value types, as std's map is.

use hashgrow_swiss::SwissMap;

hashgrow::std_shaped_suite!(SwissMap);

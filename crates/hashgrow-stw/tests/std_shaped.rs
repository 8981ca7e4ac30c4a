//! A program written with `std::collections::HashMap` habits compiles and
//! runs unchanged against `StwMap`, which is also `Send + Sync` and
//! covariant in its key and value types, as std's map is.

use hashgrow_stw::StwMap;

hashgrow::std_shaped_suite!(StwMap);

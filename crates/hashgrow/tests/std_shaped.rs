//! The facade alone, on the textbook table: a program written with
//! `std::collections::HashMap` habits runs unchanged against `LinearMap`
//! (also under Miri, which checks the facade's `unsafe`).

use hashgrow::linear::LinearMap;

hashgrow::std_shaped_suite!(LinearMap);

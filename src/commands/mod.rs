//! One module per subcommand: each turns parsed arguments into calls on the library crates.

pub mod baseline;
pub mod eval;
pub mod export;
pub mod scenario;
pub mod simulate;
pub mod verify;

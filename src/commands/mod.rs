//! One module per subcommand: each turns parsed arguments into calls on the library crates.

pub mod scenario;
pub mod simulate;
pub mod verify;

//! How a command fails: a message for stderr and an exit code.

use std::fmt;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The user's input is wrong (exit 2).
    BadInput(String),
    /// Scenario diagnostics, already formatted as `FILE:LINE:COL: error: ...` (exit 2).
    Diagnostics(String),
    /// Something went wrong while running (exit 1).
    Runtime(String),
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::BadInput(_) | Failure::Diagnostics(_) => 2,
            Failure::Runtime(_) => 1,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::BadInput(message) | Failure::Runtime(message) => {
                write!(f, "error: {}", message.trim_end())
            }
            Failure::Diagnostics(text) => write!(f, "{}", text.trim_end()),
        }
    }
}

//! The `orgforge` command line: parses arguments and wires engine, generators and output.
//!
//! Nothing else lives here. Exit codes: 0 success, 1 runtime failure (for `verify`: violations
//! found), 2 bad input.

mod cli;
mod commands;
mod failure;
mod progress;

use clap::Parser;

use crate::cli::{Cli, Command, ScenarioCommand};

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Simulate(args) => commands::simulate::run(args),
        Command::Scenario { command } => match command {
            ScenarioCommand::Validate(args) => commands::scenario::validate(args),
            ScenarioCommand::Schema => commands::scenario::schema(),
            ScenarioCommand::Init(args) => commands::scenario::init(args),
        },
        Command::Verify(args) => commands::verify::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Baseline(args) => commands::baseline::run(args),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(failure) => {
            eprintln!("{failure}");
            std::process::exit(failure.exit_code());
        }
    }
}

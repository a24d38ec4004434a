//! The command line's subcommands (`validate`, `sweep`) and what they share with a plain run.
//! Declared from `main.rs`, so that none of it is in the library the page builds.

pub mod scenario_file;
pub mod sweep;
pub mod trace;
pub mod validate;

use clap::error::ErrorKind;
use clap::CommandFactory;

/// Stops with a message and exit code 2, the way clap reports a bad argument, with the usage
/// of the subcommand `name`.
pub fn fail_in(name: &str, message: String) -> ! {
    let mut command = crate::Args::command();
    command.build();
    match command.find_subcommand_mut(name) {
        Some(sub) => sub.clone().error(ErrorKind::ValueValidation, message).exit(),
        None => command.error(ErrorKind::ValueValidation, message).exit(),
    }
}

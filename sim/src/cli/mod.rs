//! The command line's subcommands (`validate`) and what they share with a plain run.
//! Declared from `main.rs`, so that none of it is in the library the page builds.

pub mod scenario_file;
pub mod validate;

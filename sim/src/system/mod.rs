//! Systems as data: the scenario file format, its checks, and the built-in scenarios, which
//! are such files too.

pub mod builtin;
pub mod compile;
pub mod read;
mod saga;
pub mod registry;
pub mod schema;
mod schemas;
mod shape;

pub use compile::{compile, load, Problem};
pub use schema::{Icon, Role, ScenarioFile};

//! The news content model: plain types and rules, no I/O.

pub mod ads;
pub mod article;
pub mod pagination;
pub mod slug;
pub mod time;

pub use article::*;

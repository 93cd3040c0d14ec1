//! The news content model: plain types and rules, no I/O.

pub mod access;
pub mod account;
pub mod ads;
pub mod article;
pub mod membership;
pub mod pagination;
pub mod slug;
pub mod time;

pub use article::*;

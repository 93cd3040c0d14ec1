//! The news content model: plain types and rules, no I/O.

pub mod access;
pub mod account;
pub mod ads;
pub mod article;
pub mod body_text;
pub mod comment;
pub mod front_page;
pub mod membership;
pub mod newsroom;
pub mod pagination;
pub mod payment;
pub mod redirect;
pub mod search;
pub mod slug;
pub mod story;
pub mod text;
pub mod time;
pub mod totp;
pub mod web_address;

pub use article::*;

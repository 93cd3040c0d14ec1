//! The use cases, one module per area, beside the newsroom's `Desk`. Each
//! takes the `Core` (never the web layer), asks `domain` for the rules and
//! the store for the data; handlers and CLI commands only parse, call and
//! render, so a grant made from the back office or the CLI is checked and
//! audited alike.

pub mod accounts;
pub mod comments;
pub mod events;
pub mod feeds;
pub mod front_page;
pub mod mail;
pub mod memberships;
pub mod newsroom;
pub mod pages;
pub mod payments;
pub mod pings;
pub mod search;
pub mod staff;
pub mod two_factor;
pub mod webhooks;

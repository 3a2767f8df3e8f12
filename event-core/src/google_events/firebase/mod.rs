//! Firebase events through Eventarc: Authentication ([`auth`]), Realtime Database
//! ([`database`]), Remote Config ([`remoteconfig`]) and Test Lab ([`testlab`]).

pub mod auth;
pub mod database;
pub mod remoteconfig;
pub mod testlab;

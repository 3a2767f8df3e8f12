//! Firebase events through Eventarc: Realtime Database ([`database`]) and Remote Config
//! ([`remoteconfig`]).

pub mod database;
pub mod remoteconfig;

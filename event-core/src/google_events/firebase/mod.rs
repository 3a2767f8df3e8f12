//! Firebase events through Eventarc: Realtime Database ([`database`]).

pub mod database;

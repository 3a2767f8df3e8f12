//! Firebase events through Eventarc: Alerts ([`alerts`]), Analytics ([`analytics`]),
//! Authentication ([`auth`]), Realtime Database ([`database`]), Remote Config
//! ([`remoteconfig`]) and Test Lab ([`testlab`]).

pub mod alerts;
pub mod analytics;
pub mod auth;
pub mod database;
pub mod remoteconfig;
pub mod testlab;

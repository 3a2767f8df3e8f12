//! Cloud Scheduler through Eventarc (`google.events.cloud.scheduler.v1`): the data of
//! `google.cloud.scheduler.job.v1.executed`, the job's own payload.

use serde::{Deserialize, Serialize};

use super::json;

/// The data of a Cloud Scheduler `executed` event.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchedulerJobData {
    /// The payload the job was configured with (base64 in JSON).
    #[prost(bytes = "vec", tag = "1")]
    #[serde(
        default,
        alias = "custom_data",
        with = "json::bytes",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub custom_data: Vec<u8>,
}

impl super::GoogleEventData for SchedulerJobData {
    const MESSAGE_NAME: &'static str = "google.events.cloud.scheduler.v1.SchedulerJobData";
}

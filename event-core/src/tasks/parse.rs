//! Reading the Cloud Tasks and Cloud Scheduler headers: recognition, then each value typed.

use chrono::{DateTime, Utc};
use http::HeaderMap;

use super::{CloudTasksContext, SchedulerContext};

/// A Cloud Tasks or Cloud Scheduler header whose value cannot be read: answered `400`, naming
/// the header (never its value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {0} header")]
pub struct HeaderError(pub &'static str);

/// Which of the two sources a request head is from, if either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    CloudTasks,
    CloudScheduler,
}

const QUEUE: &str = "X-CloudTasks-QueueName";
const TASK: &str = "X-CloudTasks-TaskName";
const RETRY_COUNT: &str = "X-CloudTasks-TaskRetryCount";
const EXECUTION_COUNT: &str = "X-CloudTasks-TaskExecutionCount";
const ETA: &str = "X-CloudTasks-TaskETA";
const PREVIOUS_RESPONSE: &str = "X-CloudTasks-TaskPreviousResponse";
const RETRY_REASON: &str = "X-CloudTasks-TaskRetryReason";
const SCHEDULER: &str = "X-CloudScheduler";
const JOB: &str = "X-CloudScheduler-JobName";
const SCHEDULE_TIME: &str = "X-CloudScheduler-ScheduleTime";

impl Source {
    /// Tells the source from the head: both Cloud Tasks name headers, or `X-CloudScheduler:
    /// true` with a job name.
    pub(crate) fn detect(headers: &HeaderMap) -> Option<Self> {
        if headers.contains_key(QUEUE) && headers.contains_key(TASK) {
            return Some(Self::CloudTasks);
        }
        let scheduler = headers
            .get(SCHEDULER)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
        (scheduler && headers.contains_key(JOB)).then_some(Self::CloudScheduler)
    }
}

/// One header's text: `None` when absent; an error when present twice, not visible ASCII, or
/// empty.
fn text(headers: &HeaderMap, name: &'static str) -> Result<Option<String>, HeaderError> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(HeaderError(name));
    }
    let text = value.to_str().map_err(|_| HeaderError(name))?.trim();
    if text.is_empty() {
        return Err(HeaderError(name));
    }
    Ok(Some(text.to_owned()))
}

fn required(headers: &HeaderMap, name: &'static str) -> Result<String, HeaderError> {
    text(headers, name)?.ok_or(HeaderError(name))
}

/// Seconds since the epoch, fractional (`1733486400.5`), as Cloud Tasks sends its ETA.
fn epoch_seconds(value: &str) -> Option<DateTime<Utc>> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let digits = fraction.get(..9).unwrap_or(fraction);
    let nanos: u32 = if digits.is_empty() {
        0
    } else {
        let scale = 10u32.pow(9 - u32::try_from(digits.len()).ok()?);
        digits.parse::<u32>().ok()? * scale
    };
    DateTime::from_timestamp(seconds, nanos)
}

/// An informational header's value: absent when it is missing or unreadable (a warning then,
/// naming the header, never its value), so an unexpected value from Google never turns every
/// attempt of a task into a refusal.
fn informational<T>(
    headers: &HeaderMap,
    name: &'static str,
    read: impl FnOnce(&str) -> Option<T>,
) -> Option<T> {
    let value = match text(headers, name) {
        Ok(value) => value?,
        Err(_) => {
            tracing::warn!(header = name, "unreadable header ignored");
            return None;
        }
    };
    let read = read(&value);
    if read.is_none() {
        tracing::warn!(header = name, "unreadable header ignored");
    }
    read
}

fn count(value: &str) -> Option<u32> {
    value
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| value.parse().ok())
        .flatten()
}

/// The Cloud Tasks context of a recognised head. Only the identity (queue and task name) is
/// strict: missing, doubled or unreadable is a `400` naming the header. The rest is
/// information: unreadable means absent (counts 0).
pub(crate) fn cloud_tasks(headers: &HeaderMap) -> Result<CloudTasksContext, HeaderError> {
    Ok(CloudTasksContext {
        queue_name: required(headers, QUEUE)?,
        task_name: required(headers, TASK)?,
        retry_count: informational(headers, RETRY_COUNT, count).unwrap_or(0),
        execution_count: informational(headers, EXECUTION_COUNT, count).unwrap_or(0),
        eta: informational(headers, ETA, epoch_seconds),
        previous_response: informational(headers, PREVIOUS_RESPONSE, |code| {
            code.parse::<u16>()
                .ok()
                .filter(|code| (100..=599).contains(code))
        }),
        retry_reason: informational(headers, RETRY_REASON, |reason| Some(reason.to_owned())),
    })
}

/// The Cloud Scheduler context of a recognised head.
pub(crate) fn scheduler(headers: &HeaderMap) -> Result<SchedulerContext, HeaderError> {
    let schedule_time = match text(headers, SCHEDULE_TIME)? {
        None => None,
        Some(value) => Some(
            DateTime::parse_from_rfc3339(&value)
                .map_err(|_| HeaderError(SCHEDULE_TIME))?
                .with_timezone(&Utc),
        ),
    };
    Ok(SchedulerContext {
        job_name: required(headers, JOB)?,
        schedule_time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn recognition_needs_both_names_or_the_scheduler_flag_and_a_job() {
        let tasks = head(&[(QUEUE, "q"), (TASK, "t")]);
        assert_eq!(Source::detect(&tasks), Some(Source::CloudTasks));
        assert_eq!(Source::detect(&head(&[(QUEUE, "q")])), None);
        let job = head(&[(SCHEDULER, "true"), (JOB, "nightly")]);
        assert_eq!(Source::detect(&job), Some(Source::CloudScheduler));
        assert_eq!(Source::detect(&head(&[(SCHEDULER, "true")])), None);
        assert_eq!(
            Source::detect(&head(&[(SCHEDULER, "no"), (JOB, "j")])),
            None
        );
    }

    #[test]
    fn etas_are_fractional_epoch_seconds() {
        let at = epoch_seconds("1733486400.25").unwrap();
        assert_eq!(at.to_rfc3339(), "2024-12-06T12:00:00.250+00:00");
        assert_eq!(
            epoch_seconds("1733486400").unwrap().timestamp(),
            1_733_486_400
        );
        for bad in [
            "",
            ".5",
            "-1",
            "1e9",
            "12:00",
            "1.2.3",
            "99999999999999999999",
        ] {
            assert_eq!(epoch_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_identity_headers_are_strict() {
        let base = [(QUEUE, "q"), (TASK, "t")];
        for (name, value) in [
            (RETRY_COUNT, "two"),
            (RETRY_COUNT, "-1"),
            (EXECUTION_COUNT, "4294967296"),
            (ETA, "tomorrow"),
            (PREVIOUS_RESPONSE, "99"),
            (PREVIOUS_RESPONSE, "OK"),
        ] {
            let mut pairs = base.to_vec();
            pairs.push((name, value));
            let task = cloud_tasks(&head(&pairs)).expect(name);
            assert_eq!(
                (
                    task.retry_count,
                    task.execution_count,
                    task.eta,
                    task.previous_response
                ),
                (0, 0, None, None),
                "{name}: absent"
            );
        }
        let twice = head(&[
            (QUEUE, "q"),
            (TASK, "t"),
            (RETRY_COUNT, "1"),
            (RETRY_COUNT, "2"),
        ]);
        assert_eq!(cloud_tasks(&twice).map(|t| t.retry_count), Ok(0));
        let twice = head(&[(QUEUE, "q"), (TASK, "t"), (TASK, "u")]);
        assert_eq!(cloud_tasks(&twice), Err(HeaderError(TASK)));
        assert_eq!(
            cloud_tasks(&head(&[(QUEUE, "q"), (TASK, " ")])),
            Err(HeaderError(TASK))
        );
        let job = head(&[(SCHEDULER, "true"), (JOB, "j"), (SCHEDULE_TIME, "nightly")]);
        assert_eq!(scheduler(&job), Err(HeaderError(SCHEDULE_TIME)));
    }
}

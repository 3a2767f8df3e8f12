//! Removing done keys past their retention: in small batches, never in anyone's way.

use std::time::Duration;

use super::{InboxError, PgInbox};

impl PgInbox {
    /// Runs [`cleanup`](Self::cleanup) in the background every `every`, in batches of `batch`
    /// until a batch comes back short; a failing database is logged and tried again at the
    /// next tick. Abort the returned task to stop it (it stops with the runtime anyway).
    pub fn spawn_cleanup(&self, every: Duration, batch: u32) -> tokio::task::JoinHandle<()> {
        let inbox = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                loop {
                    match inbox.cleanup(batch).await {
                        Ok(removed) if removed >= u64::from(batch) => {}
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "inbox cleanup failed; trying again later");
                            break;
                        }
                    }
                }
            }
        })
    }

    /// Removes up to `batch` done keys older than the retention; returns how many. Call it
    /// again while it returns `batch` (or from a periodic task): small batches keep each
    /// statement short. It never makes a claim wait (a key being claimed is skipped, and a key
    /// being removed is answered `busy` to its claim at once), and several instances' cleanups
    /// skip each other's rows instead of queueing behind them.
    pub async fn cleanup(&self, batch: u32) -> Result<u64, InboxError> {
        let sql = format!(
            "DELETE FROM {t} WHERE key IN (SELECT key FROM {t} WHERE done_at < now() - make_interval(secs => $1) AND pg_try_advisory_xact_lock(hashtextextended($3 || ':' || key, 0)) LIMIT $2 FOR UPDATE SKIP LOCKED)",
            t = self.names.table
        );
        let done = sqlx::query(&sql)
            .bind(self.retention.as_secs_f64())
            .bind(i64::from(batch))
            .bind(&self.names.plain)
            .execute(&self.pool)
            .await
            .map_err(InboxError::database)?;
        Ok(done.rows_affected())
    }
}

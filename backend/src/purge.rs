//! The background job that deletes expired flows, tokens and captcha records, and the Ventanilla
//! documents of cases closed longer ago than `ventanilla.retention_after_close`.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{
    clock::Clock,
    store::{Store, StoreError},
};

/// One purge at `now`; returns how many rows went.
pub async fn run_once(
    store: &dyn Store,
    now: DateTime<Utc>,
    document_retention: Duration,
) -> Result<u64, StoreError> {
    let expired = store.purge_expired(now).await?;
    let documents = crate::ventanilla::purge_documents(store, document_retention, now).await?;
    Ok(expired + documents)
}

/// Runs one purge now and then every `every`, until `shutdown` is cancelled.
pub fn spawn(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    every: Duration,
    document_retention: Duration,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = ticker.tick() => {}
            }
            match run_once(&*store, clock.now(), document_retention).await {
                Ok(n) => {
                    metrics::counter!("clave_purged_rows_total").increment(n);
                    if n > 0 {
                        tracing::info!(rows = n, "purged expired records");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "purge failed; will retry"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use super::*;
    use crate::{clock::ManualClock, testing::TestDb, tokens};

    #[tokio::test]
    async fn expired_tokens_are_purged_and_live_ones_kept() {
        let db = TestDb::new().await;
        let store = db.store.clone();
        let clock = Arc::new(ManualClock::at_institute_time(2026, 11, 21, 9, 0, 0));
        let short =
            tokens::issue(&*store, "p", "a", Duration::from_secs(60), clock.now()).await.expect("issue");
        let long =
            tokens::issue(&*store, "p", "b", Duration::from_secs(3600), clock.now()).await.expect("issue");
        clock.advance(Duration::from_secs(61));

        let shutdown = CancellationToken::new();
        let job = spawn(
            store.clone(),
            clock.clone(),
            Duration::from_millis(10),
            Duration::from_secs(86_400),
            shutdown.clone(),
        );
        // The first tick runs at once; wait (bounded) until the expired row is gone.
        let mut purged = false;
        for _ in 0..200 {
            let rows: i64 = db.scalar("SELECT COUNT(*) FROM tokens").await;
            if rows == 1 {
                purged = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        shutdown.cancel();
        job.await.expect("job stops on shutdown");
        assert!(purged, "the expired token was not purged");
        assert!(store.live_token_subject(&long.hash(), "p", clock.now()).await.expect("db").is_some());
        assert!(store.live_token_subject(&short.hash(), "p", clock.now()).await.expect("db").is_none());
    }
}

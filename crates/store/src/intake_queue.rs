//! Group commit for case intake. One transaction per intake spends most of its time on
//! what every transaction pays (the writer lock, the commit, the audit head, the number
//! counter), not on the case. So intakes that arrive while a write is under way wait in a
//! queue, and whoever holds the writer's turn next writes all of them in one transaction.
//! Each caller still gets its own answer only after the transaction that holds its case
//! has committed, so an answered intake is as durable as before.
//!
//! The batch is written by a spawned task, not by the caller who happened to take the
//! turn: a caller whose request is dropped (client gone) must not abandon the other
//! callers' cases half-way through a commit.

use std::sync::{Arc, Mutex};

use fengqiao_domain::model::NewAudit;
use fengqiao_domain::model::case::Case;
use fengqiao_domain::ports::CaseIntake;
use fengqiao_domain::{DomainError, Result};
use tokio::sync::oneshot;

/// Enough to take the per-transaction cost off each case; small enough that one
/// transaction stays short and every multi-row statement stays under the bind limits.
pub(crate) const MAX_BATCH: usize = 128;

pub(crate) struct Job {
    pub intake: CaseIntake,
    pub audit: NewAudit,
    pub reply: oneshot::Sender<Result<Case>>,
}

/// Writes a batch and answers every job in it (a backend's store implements it).
pub(crate) trait IntakeWriter: Clone + Send + Sync + 'static {
    fn write_intakes(&self, jobs: Vec<Job>) -> impl std::future::Future<Output = ()> + Send;
}

#[derive(Default)]
pub(crate) struct IntakeQueue {
    pending: Mutex<Vec<Job>>,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl IntakeQueue {
    pub(crate) async fn submit<W: IntakeWriter>(self: &Arc<Self>, writer: &W, intake: CaseIntake, audit: NewAudit) -> Result<Case> {
        let (reply, mut answer) = oneshot::channel();
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).push(Job { intake, audit, reply });
        // Whoever holds the turn writes everything pending, so the answer may come before
        // the turn does; under steady load the turn-holder keeps draining and the turn
        // may not come free for a while.
        let turn = tokio::select! {
            biased;
            result = &mut answer => return result.unwrap_or_else(|_| Err(lost())),
            turn = self.turn.clone().lock_owned() => turn,
        };
        match answer.try_recv() {
            Ok(result) => return result,
            Err(oneshot::error::TryRecvError::Closed) => return Err(lost()),
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let queue = Arc::clone(self);
        let writer = writer.clone();
        tokio::spawn(async move {
            // Drain until empty: a job pushed while the turn was taken belongs to a caller
            // waiting for its answer or the turn; leaving it would make that caller wait
            // for a turn nobody else may come to take.
            loop {
                let jobs = queue.take(MAX_BATCH);
                if jobs.is_empty() {
                    break;
                }
                writer.write_intakes(jobs).await;
            }
            drop(turn);
        });
        answer.await.unwrap_or_else(|_| Err(lost()))
    }

    fn take(&self, max: usize) -> Vec<Job> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let n = pending.len().min(max);
        pending.drain(..n).collect()
    }
}

/// Only if the writing task itself died (a panic): the intake may or may not be stored.
fn lost() -> DomainError {
    DomainError::Internal("the intake's write was interrupted; look the case up before taking it in again".into())
}

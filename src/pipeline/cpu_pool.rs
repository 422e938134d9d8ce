//! The threads that run the CPU-bound work (decode, enrich, serialize):
//! by default one per core, and always the same ones.
//!
//! Why not tokio's blocking pool: it gives a job to an idle thread and
//! starts a new one when none is idle at that moment, and the thread that
//! has just finished a job often is not idle yet. At thousands of jobs a
//! second the jobs spread over many threads (about 17 per worker in a
//! perf profile at saturation), each with its own allocator heap and cold
//! caches: mimalloc's allocation fast path was the hottest function of
//! those threads (11 % of their samples). With this fixed pool the same
//! benchmark enriched ~50 % more articles a second (docs/benchmark-record.md,
//! "A fixed pool of CPU threads").

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A job's panic, as `catch_unwind` gives it.
pub type Panic = Box<dyn Any + Send + 'static>;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The pool's threads could not be started.
#[derive(Debug, thiserror::Error)]
#[error("cannot start the enrichment threads: {0}; check the process's thread limit (ulimit -u)")]
pub struct CpuPoolError(#[source] std::io::Error);

/// A fixed pool of named threads for CPU-bound jobs, awaited from async
/// code. Jobs start in the order they were submitted.
///
/// The threads take jobs from one queue and sleep on it when it is empty.
/// Not rayon's pool, which this was: an idle rayon thread yields the CPU
/// some thirty times before it sleeps, so at 1,000 articles a second the
/// two threads made ~5,000 `sched_yield` calls a second, as many context
/// switches, taking turns from the broker that shares the cores
/// (docs/benchmark-record.md, "The pool's idle threads").
pub struct CpuPool {
    jobs: crossbeam_channel::Sender<Job>,
    threads: usize,
}

impl CpuPool {
    /// Starts `threads` threads (at least one), named `cpu-0`, `cpu-1`, ….
    /// They end once the pool is dropped and the jobs queued before that
    /// have run.
    pub fn new(threads: usize) -> Result<Self, CpuPoolError> {
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        let threads = threads.max(1);
        for i in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("cpu-{i}"))
                .spawn(move || queue.iter().for_each(|job| job()))
                .map_err(CpuPoolError)?;
        }
        Ok(Self { jobs, threads })
    }

    /// The pool `worker.enrich_threads` asks for: `configured` threads,
    /// or with 0, one per core the process may use. The standard library
    /// counts the cores of the process's affinity mask (`taskset`, a
    /// container's cpuset) and its cgroup CPU quota, so a worker given two
    /// cores of a larger host starts two threads, not one per core of the
    /// host.
    pub fn configured(configured: usize) -> Result<Self, CpuPoolError> {
        Self::new(match configured {
            0 => std::thread::available_parallelism().map_or(2, usize::from),
            n => n,
        })
    }

    /// How many threads the pool runs.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `job` on the pool and waits for it. A panic in `job` comes
    /// back as `Err` instead of taking the thread down. If the caller
    /// stops waiting before the job has started (a partition revoked, a
    /// shutdown), the job is skipped.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Panic> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            if done.is_closed() {
                return;
            }
            // The receiver may have gone meanwhile: the result is dropped.
            let _ = done.send(catch_unwind(AssertUnwindSafe(job)));
        });
        // The queue outlives every sender (each thread holds it), so a
        // send fails only if every thread has gone: then, as when the job
        // is dropped unsent, the caller hears it below.
        let _ = self.jobs.send(job);
        result.await.unwrap_or_else(|_| {
            Err(Box::new(
                "the CPU pool's threads are gone; the job did not run",
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_threads_configured_is_one_per_core() {
        let cores = std::thread::available_parallelism().unwrap().get();
        assert_eq!(CpuPool::configured(0).unwrap().threads(), cores);
        assert_eq!(CpuPool::configured(3).unwrap().threads(), 3);
        assert_eq!(CpuPool::new(0).unwrap().threads(), 1);
    }

    #[tokio::test]
    async fn runs_jobs_and_returns_their_values() {
        let pool = CpuPool::new(2).unwrap();
        let jobs = (0..100u64).map(|n| pool.run(move || n * n));
        let squares: Vec<u64> = futures::future::join_all(jobs)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(squares, (0..100u64).map(|n| n * n).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_panic_comes_back_as_an_error_and_the_pool_goes_on() {
        let pool = CpuPool::new(1).unwrap();
        let panic = pool.run(|| -> u8 { panic!("boom") }).await.unwrap_err();
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"boom"));
        assert_eq!(pool.run(|| 7).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn a_job_whose_caller_left_before_it_started_is_skipped() {
        let pool = CpuPool::new(1).unwrap();
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        let mut busy = Box::pin(pool.run(move || blocked.recv().is_ok()));
        assert!(futures::poll!(busy.as_mut()).is_pending());
        let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut left = Box::pin(pool.run({
            let ran = ran.clone();
            move || ran.store(true, std::sync::atomic::Ordering::SeqCst)
        }));
        // Polled once, the job is queued behind the busy one (one thread,
        // jobs in order); then its caller leaves.
        assert!(futures::poll!(left.as_mut()).is_pending());
        drop(left);
        release.send(()).unwrap();
        let (busy, after) = tokio::join!(busy, pool.run(|| ()));
        assert!(busy.unwrap());
        after.unwrap();
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[tokio::test]
    async fn a_pool_asked_for_no_threads_still_runs_jobs() {
        let pool = CpuPool::new(0).unwrap();
        assert_eq!(pool.run(|| 6 * 7).await.unwrap(), 42);
    }

    #[tokio::test]
    async fn jobs_run_on_the_pools_named_threads() {
        let pool = CpuPool::new(2).unwrap();
        let name = pool
            .run(|| std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert!(name.is_some_and(|n| n.starts_with("cpu-")));
    }
}

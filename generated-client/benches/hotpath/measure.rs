//! What both parts of the bench measure with: the counting allocator, round sizes, medians, the
//! CPU share and the machine's name.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Counts every allocation (and reallocation) made through the system allocator, on any
/// thread, while [`COUNTING`] is on; off, it costs one relaxed load, so the timed rounds are
/// not slowed by the counter.
pub struct CountingAllocator;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);

fn count() {
    if COUNTING.load(Ordering::Relaxed) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counter
// has no effect on the memory handed out.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocations per run of `work`, over `batch` runs (the counter's increase, divided).
pub fn allocations_per(batch: u64, mut work: impl FnMut()) -> f64 {
    let counter = Counter::start();
    for _ in 0..batch {
        work();
    }
    counter.stop() as f64 / batch as f64
}

/// Counts allocations from [`Counter::start`] to [`Counter::stop`].
pub struct Counter(u64);

impl Counter {
    pub fn start() -> Counter {
        COUNTING.store(true, Ordering::Relaxed);
        Counter(ALLOCATIONS.load(Ordering::Relaxed))
    }

    /// The allocations since the start.
    pub fn stop(self) -> u64 {
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - self.0;
        COUNTING.store(false, Ordering::Relaxed);
        allocations
    }
}

/// A number from the environment variable `name`, else `default`.
pub fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&v| v > 0)
        .unwrap_or(default)
}

/// The number of rounds per side: `BENCH_ROUNDS`, else `default`.
pub fn rounds(default: u64) -> usize {
    setting("BENCH_ROUNDS", default) as usize
}

/// How many iterations make a round of about `target` (`BENCH_ROUND_MS` overrides it), given
/// one timed at `per_op_ns`.
pub fn iterations_for(per_op_ns: f64, target: Duration) -> u64 {
    let target = setting("BENCH_ROUND_MS", target.as_millis() as u64) as f64 * 1e6;
    let n = target / per_op_ns.max(1.0);
    (n as u64).max(10)
}

/// The nanoseconds this thread has spent on a CPU so far (`/proc/thread-self/schedstat`):
/// unlike the wall clock, it does not grow while other processes have the CPU.
pub fn on_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// User plus system CPU time of this process so far, in clock ticks (`/proc/self/stat`).
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the `(comm)`, which may contain spaces: utime and stime are the 12th and
    // 13th of them.
    let rest = stat.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// The wall time and CPU time of what ran between [`CpuShare::start`] and
/// [`CpuShare::stop`], summed over every start and stop.
#[derive(Default)]
pub struct CpuShare {
    wall: Duration,
    ticks: u64,
    started: Option<(Instant, Option<u64>)>,
}

impl CpuShare {
    pub fn start(&mut self) {
        self.started = Some((Instant::now(), cpu_ticks()));
    }

    pub fn stop(&mut self) {
        if let Some((start, ticks)) = self.started.take() {
            self.wall += start.elapsed();
            if let (Some(before), Some(after)) = (ticks, cpu_ticks()) {
                self.ticks += after.saturating_sub(before);
            }
        }
    }

    /// CPU seconds per wall second (clock ticks are 1/100 s on Linux): for one busy thread,
    /// well under 1 means the machine was busy and every absolute figure is inflated.
    pub fn share(&self) -> f64 {
        self.ticks as f64 / 100.0 / self.wall.as_secs_f64()
    }
}

pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{model}, {cores} cores available")
}

pub fn per_second(ns: f64) -> String {
    let rate = 1e9 / ns;
    if rate >= 1e6 {
        format!("{:.2} M/s", rate / 1e6)
    } else {
        format!("{:.1} k/s", rate / 1e3)
    }
}

pub fn micros(ns: f64) -> String {
    format!("{:.2} µs", ns / 1e3)
}

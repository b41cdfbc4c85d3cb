//! How fast the signer signs one request, against the vendor's official Python signer.
//!
//! ```sh
//! cargo bench -p metastudio --bench signing
//! PYTHON=/path/to/venv/bin/python cargo bench -p metastudio --bench signing
//! ```
//!
//! The request is an `UpdateActiveCode` call: `PUT`, 3 query pairs, 5 headers (a fixed
//! `X-Sdk-Date` among them) and a 20-byte JSON body. The bench prints, in one run:
//!
//! * the ratio of our throughput to the official signer's, when `huaweicloudsdkcore` is
//!   importable by `$PYTHON` (default `python3`): the two are timed alternately, round for round,
//!   and each side's figure is the median of its rounds. On both sides the requests are built
//!   before the clock starts, and the clock covers signing each one and freeing it once signed;
//! * the absolute numbers: time per signature and signatures per second, for each side;
//! * the allocations per signature (counted by a `#[global_allocator]` wrapping the system one);
//! * the machine: the CPU model from `/proc/cpuinfo` and the number of cores.
//!
//! Before any timing, both sides sign the request once and must produce the same `Authorization`
//! value; the bench fails if they do not. Nothing here uses the network.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, UNIX_EPOCH};

use metastudio::runtime::credentials::AkSk;
use metastudio::runtime::signer::{self, SdkDate, SignableRequest};

/// Counts every allocation (and reallocation) made through the system allocator while
/// [`COUNTING`] is on; off, it costs one relaxed load, so the timed rounds are not slowed by
/// the counter.
struct CountingAllocator;

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

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Rounds per side (`BENCH_ROUNDS` overrides it); each side's figure is the median of its rounds.
const ROUNDS: usize = 7;
/// How long one round should take, roughly (`BENCH_ROUND_MS` overrides it).
const ROUND_TARGET: Duration = Duration::from_millis(300);

/// A number from the environment variable `name`, else `default`.
fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&v| v > 0)
        .unwrap_or(default)
}
/// The Python SDK version the reference numbers (and the vectors) come from.
const PYTHON_SDK: &str = "huaweicloudsdkcore==3.1.219";

/// The request, the same in both languages.
struct Fixture {
    ak: &'static str,
    sk: &'static str,
    method: &'static str,
    host: &'static str,
    path: &'static str,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: &'static [u8],
}

fn fixture() -> Fixture {
    let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    Fixture {
        ak: "HPUAEXAMPLEAK0000001",
        sk: "ExampleSecretKey0123456789abcdefghijklmn",
        method: "PUT",
        host: "metastudio.cn-north-4.myhuaweicloud.com",
        path: "/v1/70b76xxxxxx34253880af501cdxxxxxx/digital-human-chat/active-code/39b9cedccec1f19b33d8f7ce1a6d35b9",
        query: pairs(&[
            ("robot_id", "9a5f0b3c-robot 01"),
            ("offset", "0"),
            ("limit", "10"),
        ]),
        headers: pairs(&[
            ("X-App-UserId", "third-party-user-001"),
            ("Content-Type", "application/json"),
            ("User-Agent", "huaweicloud-usdk-python/3.0; bench/1.0"),
            ("X-Sdk-Date", "20230901T065021Z"),
            ("X-Project-Id", "70b76xxxxxx34253880af501cdxxxxxx"),
        ]),
        body: br#"{"valid_period": 10}"#,
    }
}

/// The Python side: reads the request as JSON on its first input line and answers with the
/// `Authorization` value it signs to; then, for each `time <n>` line, signs `n` fresh copies of
/// the request (built before the clock starts; each freed once signed, as `pop` leaves it
/// unreferenced) and answers with the elapsed nanoseconds.
const PYTHON_SCRIPT: &str = r#"
import json, sys, time, types
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

spec = json.loads(sys.stdin.readline())
signer = Signer(types.SimpleNamespace(ak=spec["ak"], sk=spec["sk"]))
body = bytes(spec["body"])

def request():
    return SdkRequest(method=spec["method"], schema="https", host=spec["host"],
                      resource_path=spec["path"],
                      query_params=[tuple(p) for p in spec["query"]],
                      header_params=dict(spec["headers"]), body=body)

print(signer.sign(request()).header_params["Authorization"], flush=True)
for line in sys.stdin:
    n = int(line.split()[1])
    requests = [request() for _ in range(n)]
    sign = signer.sign
    start = time.perf_counter_ns()
    while requests:
        sign(requests.pop())
    print(time.perf_counter_ns() - start, flush=True)
"#;

/// JSON for a string (the fixture's strings are printable ASCII, but escape properly anyway).
fn json_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_pairs(pairs: &[(String, String)]) -> String {
    let items: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("[{}, {}]", json_string(k), json_string(v)))
        .collect();
    format!("[{}]", items.join(", "))
}

fn fixture_json(f: &Fixture) -> String {
    let body: Vec<String> = f.body.iter().map(u8::to_string).collect();
    format!(
        "{{\"ak\": {}, \"sk\": {}, \"method\": {}, \"host\": {}, \"path\": {}, \"query\": {}, \
         \"headers\": {}, \"body\": [{}]}}",
        json_string(f.ak),
        json_string(f.sk),
        json_string(f.method),
        json_string(f.host),
        json_string(f.path),
        json_pairs(&f.query),
        json_pairs(&f.headers),
        body.join(", ")
    )
}

/// A running Python signer.
struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    version: String,
}

impl Python {
    /// Starts the Python side when `$PYTHON` can import the SDK; `Err` says why not.
    fn start(interpreter: &str, fixture: &Fixture) -> Result<(Python, String), String> {
        let probe = Command::new(interpreter)
            .args([
                "-c",
                "import huaweicloudsdkcore, platform; \
                 print(platform.python_implementation(), platform.python_version())",
            ])
            .output()
            .map_err(|e| format!("cannot run `{interpreter}`: {e}"))?;
        if !probe.status.success() {
            return Err(format!("`{interpreter}` cannot import huaweicloudsdkcore"));
        }
        let version = String::from_utf8_lossy(&probe.stdout).trim().to_owned();
        let mut child = Command::new(interpreter)
            .args(["-c", PYTHON_SCRIPT])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run `{interpreter}`: {e}"))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("the Python process has no pipes".to_owned());
        };
        let mut python = Python {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            version,
        };
        let authorization = python.ask(&fixture_json(fixture))?;
        Ok((python, authorization))
    }

    /// Sends one line and reads one line back.
    fn ask(&mut self, line: &str) -> Result<String, String> {
        writeln!(self.stdin, "{line}").map_err(|e| format!("writing to Python: {e}"))?;
        self.stdin
            .flush()
            .map_err(|e| format!("writing to Python: {e}"))?;
        let mut answer = String::new();
        let read = self
            .stdout
            .read_line(&mut answer)
            .map_err(|e| format!("reading from Python: {e}"))?;
        if read == 0 {
            return Err("the Python process ended early (see its error above)".to_owned());
        }
        Ok(answer.trim_end().to_owned())
    }

    /// Nanoseconds per signature over `n` signatures.
    fn round(&mut self, n: u64) -> Result<f64, String> {
        let answer = self.ask(&format!("time {n}"))?;
        let nanos: f64 = answer
            .parse()
            .map_err(|_| format!("Python answered `{answer}`, not a number"))?;
        Ok(nanos / n as f64)
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        // The script would wait for another line forever: end it, then reap it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn our_authorization(aksk: &AkSk, request: &SignableRequest<'_>) -> String {
    match signer::sign(request, aksk, SdkDate(UNIX_EPOCH)) {
        Ok(signed) => signed.authorization,
        Err(e) => format!("error: {e}"),
    }
}

/// Nanoseconds per signature over `n` signatures, each signed request freed before the next
/// one is made (as the Python side frees each of its requests once signed).
fn our_round(request: &SignableRequest<'_>, aksk: &AkSk, n: u64) -> f64 {
    let date = SdkDate(UNIX_EPOCH);
    let start = Instant::now();
    for _ in 0..n {
        let signed = signer::sign(black_box(request), black_box(aksk), date);
        drop(black_box(signed));
    }
    start.elapsed().as_nanos() as f64 / n as f64
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

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// How many iterations make a round of about [`ROUND_TARGET`], given one timed at `per_op_ns`.
fn iterations_for(per_op_ns: f64) -> u64 {
    let target = setting("BENCH_ROUND_MS", ROUND_TARGET.as_millis() as u64) as f64 * 1e6;
    let n = target / per_op_ns.max(1.0);
    (n as u64).max(10)
}

fn machine() -> String {
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

fn per_second(ns: f64) -> String {
    let rate = 1e9 / ns;
    if rate >= 1e6 {
        format!("{:.2} M/s", rate / 1e6)
    } else {
        format!("{:.1} k/s", rate / 1e3)
    }
}

fn micros(ns: f64) -> String {
    format!("{:.3} µs", ns / 1e3)
}

fn main() -> ExitCode {
    // `cargo test --benches` runs this with `--test`-like flags; `--bench` is what `cargo bench`
    // passes. Anything else: do a quick smoke run.
    let quick = !std::env::args().any(|a| a == "--bench");
    let f = fixture();
    let aksk = AkSk::new(f.ak, f.sk);
    let request = SignableRequest {
        method: f.method,
        host: f.host,
        path: f.path,
        query: &f.query,
        headers: &f.headers,
        body: Some(f.body),
    };

    let ours = our_authorization(&aksk, &request);
    println!("request: PUT, 3 query pairs, 5 headers, 20-byte body, fixed X-Sdk-Date");
    println!("our Authorization:    {ours}");

    let interpreter = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut python = match Python::start(&interpreter, &f) {
        Ok((python, theirs)) => {
            println!("python Authorization: {theirs}");
            if theirs != ours {
                eprintln!("the two signers disagree on the same request: not timing");
                return ExitCode::FAILURE;
            }
            Some(python)
        }
        Err(why) => {
            println!(
                "the official Python signer is not measured: {why}.\n  To compare, install it \
                 (e.g. `python3 -m venv /tmp/hwsdk && /tmp/hwsdk/bin/pip install {PYTHON_SDK}`) \
                 and run with PYTHON=/tmp/hwsdk/bin/python."
            );
            None
        }
    };

    // Allocations per signature: the counter's increase over a batch, divided.
    let batch = 1000_u64;
    COUNTING.store(true, Ordering::Relaxed);
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..batch {
        let signed = signer::sign(black_box(&request), black_box(&aksk), SdkDate(UNIX_EPOCH));
        drop(black_box(signed));
    }
    let allocations = (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / batch as f64;
    COUNTING.store(false, Ordering::Relaxed);

    if quick {
        let ns = our_round(&request, &aksk, 1000);
        println!(
            "quick run (use `cargo bench` for numbers): {} per signature, {allocations} allocations",
            micros(ns)
        );
        return ExitCode::SUCCESS;
    }

    // Warm up and size the rounds.
    let ours_n = iterations_for(our_round(&request, &aksk, 20_000));
    let python_n = match python.as_mut().map(|p| p.round(200)) {
        Some(Ok(ns)) => Some(iterations_for(ns)),
        Some(Err(e)) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
        None => None,
    };

    let rounds = setting("BENCH_ROUNDS", ROUNDS as u64) as usize;
    let mut our_rounds = Vec::with_capacity(rounds);
    let mut python_rounds = Vec::with_capacity(rounds);
    let (mut our_wall, mut our_ticks) = (Duration::ZERO, 0_u64);
    for _ in 0..rounds {
        let (ticks, start) = (cpu_ticks(), Instant::now());
        our_rounds.push(our_round(&request, &aksk, ours_n));
        our_wall += start.elapsed();
        if let (Some(before), Some(after)) = (ticks, cpu_ticks()) {
            our_ticks += after.saturating_sub(before);
        }
        if let (Some(p), Some(n)) = (python.as_mut(), python_n) {
            match p.round(n) {
                Ok(ns) => python_rounds.push(ns),
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    let ours_ns = median(&mut our_rounds);
    let ours_fastest = our_rounds.first().copied().unwrap_or(f64::NAN);
    // The share of a core this process had while our rounds ran (clock ticks are 1/100 s on
    // Linux): well under 100 % means the machine was busy and every figure is inflated.
    let cpu_share = our_ticks as f64 / 100.0 / our_wall.as_secs_f64();

    let ours_line = format!(
        "{} per signature ({}), median of {rounds} rounds of {ours_n} (fastest {}); \
         {allocations} allocations per signature",
        micros(ours_ns),
        per_second(ours_ns),
        micros(ours_fastest)
    );
    println!();
    if let Some(p) = &python {
        let python_ns = median(&mut python_rounds);
        println!(
            "ratio: {:.1}x the official Python signer's throughput",
            python_ns / ours_ns
        );
        println!("  ours:   {ours_line}");
        println!(
            "  python: {} per signature ({}), median of {rounds} rounds of {}; {PYTHON_SDK} on {}",
            micros(python_ns),
            per_second(python_ns),
            python_n.unwrap_or(0),
            p.version
        );
    } else {
        println!("ours: {ours_line}");
    }
    println!(
        "machine: {}; this process had {:.0} % of a core during our rounds{}",
        machine(),
        cpu_share * 100.0,
        if cpu_share < 0.9 {
            " (the machine was busy: the absolute numbers are inflated)"
        } else {
            ""
        }
    );
    ExitCode::SUCCESS
}

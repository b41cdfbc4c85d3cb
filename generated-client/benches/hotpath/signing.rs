//! Part 1: how fast the signer signs one request, against the vendor's official Python signer.
//!
//! The request is an `UpdateActiveCode` call: `PUT`, 3 query pairs, 5 headers (a fixed
//! `X-Sdk-Date` among them) and a 20-byte JSON body. When `huaweicloudsdkcore` is importable by
//! `$PYTHON` (default `python3`), the two signers are timed alternately, round for round, and
//! each side's figure is the median of its rounds. On both sides the requests are built before
//! the clock starts, and the clock covers signing each one and freeing it once signed.
//!
//! Before any timing, both sides sign the request once and must produce the same `Authorization`
//! value; the bench fails if they do not. Nothing here uses the network.

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Instant, UNIX_EPOCH};

use metastudio::runtime::credentials::AkSk;
use metastudio::runtime::signer::{self, SdkDate, SignableRequest};

use std::time::Duration;

use crate::measure::{CpuShare, allocations_per, iterations_for, median};

/// Rounds per side (`BENCH_ROUNDS` overrides it); each side's figure is the median of its rounds.
pub const ROUNDS: u64 = 7;
/// How long one round should take, roughly (`BENCH_ROUND_MS` overrides it).
const ROUND_TARGET: Duration = Duration::from_millis(300);

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

/// What part 1 measured.
pub struct Signing {
    /// Our nanoseconds per signature (median of the rounds) and the fastest round's.
    pub ours_ns: f64,
    pub ours_fastest_ns: f64,
    /// Allocations per signature.
    pub allocations: f64,
    /// Iterations per round, and rounds.
    pub ours_n: u64,
    pub rounds: usize,
    /// The Python signer's nanoseconds per signature, iterations per round and version, when
    /// it was measured; else why not.
    pub python: Result<(f64, u64, String), String>,
    /// The CPU share this process had during our rounds.
    pub cpu_share: f64,
}

/// Signs the fixture with both signers (checking they agree), then times them alternately.
/// `quick`: one short round of ours, no Python.
pub fn run(quick: bool) -> Result<Signing, String> {
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
    println!("signing: PUT, 3 query pairs, 5 headers, 20-byte body, fixed X-Sdk-Date");
    println!("  our Authorization:    {ours}");

    let allocations = allocations_per(1000, || {
        let signed = signer::sign(black_box(&request), black_box(&aksk), SdkDate(UNIX_EPOCH));
        drop(black_box(signed));
    });
    if quick {
        let ns = our_round(&request, &aksk, 1000);
        return Ok(Signing {
            ours_ns: ns,
            ours_fastest_ns: ns,
            allocations,
            ours_n: 1000,
            rounds: 1,
            python: Err("not measured in a quick run".to_owned()),
            cpu_share: f64::NAN,
        });
    }

    let interpreter = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut python = match Python::start(&interpreter, &f) {
        Ok((python, theirs)) => {
            println!("  python Authorization: {theirs}");
            if theirs != ours {
                return Err("the two signers disagree on the same request: not timing".to_owned());
            }
            Ok(python)
        }
        Err(why) => Err(format!(
            "{why}. To compare, install it outside the repository (`python3 -m venv \
             /tmp/hwsdk && /tmp/hwsdk/bin/pip install {PYTHON_SDK}`) and run with \
             PYTHON=/tmp/hwsdk/bin/python"
        )),
    };

    // Warm up and size the rounds.
    let ours_n = iterations_for(our_round(&request, &aksk, 20_000), ROUND_TARGET);
    let python_n = match python.as_mut() {
        Ok(p) => Some(iterations_for(p.round(200)?, ROUND_TARGET)),
        Err(_) => None,
    };

    let rounds = crate::measure::rounds(ROUNDS);
    let mut our_rounds = Vec::with_capacity(rounds);
    let mut python_rounds = Vec::with_capacity(rounds);
    let mut cpu = CpuShare::default();
    for _ in 0..rounds {
        cpu.start();
        our_rounds.push(our_round(&request, &aksk, ours_n));
        cpu.stop();
        if let (Ok(p), Some(n)) = (python.as_mut(), python_n) {
            python_rounds.push(p.round(n)?);
        }
    }
    let ours_ns = median(&mut our_rounds);
    let ours_fastest_ns = our_rounds.first().copied().unwrap_or(f64::NAN);
    let python = match python {
        Ok(p) => Ok((
            median(&mut python_rounds),
            python_n.unwrap_or(0),
            format!("{PYTHON_SDK} on {}", p.version),
        )),
        Err(why) => Err(why),
    };
    Ok(Signing {
        ours_ns,
        ours_fastest_ns,
        allocations,
        ours_n,
        rounds,
        python,
        cpu_share: cpu.share(),
    })
}

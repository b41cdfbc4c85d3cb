//! Part 2: what one `update_active_code` call costs, with token auth and with AK/SK signing,
//! next to a bare `reqwest` call of the same bytes.
//!
//! A loopback server (127.0.0.1, no allocation per request) answers every request with the
//! documented UpdateActiveCode body. Each of the three clients keeps one keep-alive connection
//! to it. The server and the clients run on one current-thread tokio runtime, so a call's time
//! is the work of both ends and the kernel's loopback, without waiting for another thread to be
//! scheduled (which, on a busy machine, would drown what the clients differ by). The bare call
//! is a `reqwest::Client` (the same crate and features as ours, no redirects) that sends the
//! headers our token call sends, in the same order (the bench checks that the two requests are
//! byte for byte the same), serializes the same typed body and decodes the answer into the same
//! type; it has no validation, retries, timeout, tracing span, error mapping or typed headers.
//!
//! The three are timed alternately, in many short rounds (the order turning each round). A
//! ratio is the median over the rounds of the call's time over the bare call's in the same
//! round; an absolute figure is the median of its rounds. Each is given on the wall clock (the
//! latency) and on the CPU (`/proc/thread-self/schedstat`: the time the bench's one thread
//! ran, which other processes on a busy machine do not inflate; client and server share that
//! thread and nothing in a call waits, so on an idle machine the two agree).

use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use metastudio::operations::UpdateActiveCodeError;
use metastudio::types::{ActiveCodeInfo, UpdateActiveCodeReq};
use metastudio::{Client, Credentials, Error};

use std::time::Duration;

use crate::measure::{Counter, CpuShare, iterations_for, median, on_cpu_ns, rounds};

/// Rounds per kind of call (`BENCH_ROUNDS` overrides it): many short ones, so that the three
/// kinds, alternating, meet the same load.
const ROUNDS: u64 = 31;
/// How long one round should take, roughly (`BENCH_ROUND_MS` overrides it).
const ROUND_TARGET: Duration = Duration::from_millis(60);

const PROJECT_ID: &str = "70b76xxxxxx34253880af501cdxxxxxx";
const ACTIVE_CODE_ID: &str = "39b9cedccec1f19b33d8f7ce1a6d35b9";
const APP_USER_ID: &str = "third-party-user-001";
const TOKEN: &str = "MIIEXAMPLE-token-0123456789abcdefghijklmnopqrstuvwxyz";
const AK: &str = "HPUAEXAMPLEAK0000001";
const SK: &str = "ExampleSecretKey0123456789abcdefghijklmn";

/// The documented answer (DESIGN.md's example).
const ANSWER: &str = r#"{"active_code_id": "39b9cedccec1f19b33d8f7ce1a6d35b9", "active_code": "H7GW3T2E7", "robot_id": "4d54xxxxxxc446249xxxxxxxxxx6526", "room_id": "41c86xxxxxx34253850af102cdxxxxxx", "valid_period": 10, "expire_time": "2023-09-11T06:50:21Z", "create_time": "2023-09-01T06:34:21Z", "update_time": "2023-09-01T06:50:21Z"}"#;

/// The first request head of each connection, in the order the connections came.
type Heads = Arc<Mutex<Vec<Vec<u8>>>>;

/// Starts the server on the current runtime; returns its base URL and where it keeps the first
/// request of each connection.
async fn serve() -> Result<(String, Heads), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("local address: {e}"))?;
    let reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
         x-request-id: 6b5bd0e2b8d94ab4a1e1c3a1a1f8d1b2\r\ncontent-length: {}\r\n\r\n{ANSWER}",
        ANSWER.len()
    )
    .into_bytes();
    let reply: Arc<[u8]> = reply.into();
    let heads = Heads::default();
    let kept = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(connection(stream, Arc::clone(&reply), Arc::clone(&kept)));
        }
    });
    Ok((format!("http://{address}"), heads))
}

/// Answers every request on one connection with `reply`, allocating nothing per request.
async fn connection(mut stream: TcpStream, reply: Arc<[u8]>, heads: Heads) {
    let _ = stream.set_nodelay(true);
    let mut buffer = vec![0_u8; 64 * 1024];
    let (mut filled, mut first) = (0_usize, true);
    loop {
        let head_end = loop {
            if let Some(at) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match stream.read(&mut buffer[filled..]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        };
        let head = &buffer[..head_end];
        if first {
            first = false;
            if let Ok(mut heads) = heads.lock() {
                heads.push(head.to_vec());
            }
        }
        let end = head_end + content_length(head);
        if end > buffer.len() {
            return;
        }
        while filled < end {
            match stream.read(&mut buffer[filled..]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        }
        if stream.write_all(&reply).await.is_err() {
            return;
        }
        buffer.copy_within(end..filled, 0);
        filled -= end;
    }
}

/// The `Content-Length` of a request head (0 when absent).
fn content_length(head: &[u8]) -> usize {
    let text = String::from_utf8_lossy(head);
    text.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

/// The three ways of making the call.
struct Callers {
    token: Client,
    aksk: Client,
    bare: reqwest::Client,
    /// The bare call's URL and the headers our token call sends, in its order.
    url: String,
    user_agent: String,
}

impl Callers {
    fn new(base: &str) -> Result<Callers, String> {
        let build = |credentials: Credentials| {
            Client::builder()
                .endpoint(base)
                .project_id(PROJECT_ID)
                .credentials(credentials)
                .build()
                .map_err(|e| format!("building the client: {e}"))
        };
        let token = build(Credentials::token(TOKEN))?;
        let user_agent = token.user_agent().to_owned();
        Ok(Callers {
            token,
            aksk: build(Credentials::ak_sk(AK, SK))?,
            bare: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| format!("building the bare client: {e}"))?,
            url: format!("{base}/v1/{PROJECT_ID}/digital-human-chat/active-code/{ACTIVE_CODE_ID}"),
            user_agent,
        })
    }

    async fn ours(client: &Client) -> Result<ActiveCodeInfo, Error<UpdateActiveCodeError>> {
        let response = client
            .update_active_code()
            .active_code_id(ACTIVE_CODE_ID)
            .x_app_user_id(APP_USER_ID)
            .body(UpdateActiveCodeReq::default().valid_period(10))
            .send()
            .await?;
        Ok(response.into_body())
    }

    async fn bare(&self) -> Result<ActiveCodeInfo, String> {
        let body = serde_json::to_vec(&UpdateActiveCodeReq::default().valid_period(10))
            .map_err(|e| e.to_string())?;
        let response = self
            .bare
            .put(&self.url)
            .header("User-Agent", &self.user_agent)
            .header("X-App-UserId", APP_USER_ID)
            .header("Content-Type", "application/json")
            .header("X-Auth-Token", TOKEN)
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }

    /// One call of `kind`.
    async fn call(&self, kind: Kind) -> Result<ActiveCodeInfo, String> {
        match kind {
            Kind::Bare => self.bare().await,
            Kind::Token => Self::ours(&self.token).await.map_err(|e| e.to_string()),
            Kind::AkSk => Self::ours(&self.aksk).await.map_err(|e| e.to_string()),
        }
    }

    /// Nanoseconds per call over `n` calls of `kind`: on the wall clock, and on the CPU.
    async fn round(&self, kind: Kind, n: u64) -> Result<(f64, f64), String> {
        let (start, cpu) = (Instant::now(), on_cpu_ns());
        for _ in 0..n {
            std::hint::black_box(self.call(kind).await?);
        }
        let wall = start.elapsed().as_nanos() as f64 / n as f64;
        let cpu = match (cpu, on_cpu_ns()) {
            (Some(before), Some(after)) => after.saturating_sub(before) as f64 / n as f64,
            _ => f64::NAN,
        };
        Ok((wall, cpu))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bare,
    Token,
    AkSk,
}

const KINDS: [Kind; 3] = [Kind::Bare, Kind::Token, Kind::AkSk];

/// One way of calling, measured.
pub struct Measured {
    /// Nanoseconds per call on the wall clock, median of the rounds.
    pub ns: f64,
    /// Nanoseconds per call on the CPU, median of the rounds.
    pub cpu_ns: f64,
    /// Allocations per call.
    pub allocations: f64,
    /// Per call, the median over the rounds of this kind's time over the bare call's in the
    /// same round: on the wall clock, and on the CPU.
    pub ratio: f64,
    pub cpu_ratio: f64,
}

/// What part 2 measured.
pub struct Calls {
    pub bare: Measured,
    pub token: Measured,
    pub aksk: Measured,
    /// Calls per round, and rounds.
    pub n: u64,
    pub rounds: usize,
    /// Whether the token call's request and the bare one were the same bytes.
    pub same_bytes: bool,
    pub cpu_share: f64,
}

/// Starts the server and the clients, checks the answers and the requests, then times the
/// three alternately. `quick`: a few calls each, no timing worth reading.
pub fn run(quick: bool) -> Result<Calls, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    runtime.block_on(async {
        let (base, heads) = serve().await?;
        let callers = Callers::new(&base)?;
        // Opens the connections: the bare call's first, then ours, so the server keeps their
        // first requests in this order.
        for kind in KINDS {
            let answer = callers.call(kind).await?;
            if answer.active_code.as_deref() != Some("H7GW3T2E7") {
                return Err("the answer did not decode".to_owned());
            }
        }
        let same_bytes = match heads.lock().map(|heads| heads.clone()) {
            Ok(heads) => heads.len() == 3 && heads[0] == heads[1],
            Err(_) => false,
        };
        // Warm up, then size the rounds by the slowest.
        let warm = if quick { 20 } else { 500 };
        let mut slowest = 0.0_f64;
        for kind in KINDS {
            slowest = slowest.max(callers.round(kind, warm).await?.0);
        }
        let n = if quick {
            20
        } else {
            iterations_for(slowest, ROUND_TARGET)
        };
        let rounds = if quick { 1 } else { rounds(ROUNDS) };

        // Per kind, per round: (wall, cpu) nanoseconds per call.
        let mut times: [Vec<(f64, f64)>; 3] = Default::default();
        let mut cpu = CpuShare::default();
        for round in 0..rounds {
            for turn in 0..KINDS.len() {
                let index = (round + turn) % KINDS.len();
                cpu.start();
                times[index].push(callers.round(KINDS[index], n).await?);
                cpu.stop();
            }
        }
        let mut measured = Vec::with_capacity(KINDS.len());
        for (kind, rounds) in KINDS.iter().zip(&times) {
            let batch = 200_u64;
            let counter = Counter::start();
            for _ in 0..batch {
                std::hint::black_box(callers.call(*kind).await?);
            }
            let allocations = counter.stop() as f64 / batch as f64;
            let column = |pick: fn(&(f64, f64)) -> f64, of: &[(f64, f64)]| -> Vec<f64> {
                of.iter().map(pick).collect()
            };
            let ratios = |pick: fn(&(f64, f64)) -> f64| -> f64 {
                let mut ratios: Vec<f64> = rounds
                    .iter()
                    .zip(&times[0])
                    .map(|(ours, bare)| pick(ours) / pick(bare))
                    .collect();
                median(&mut ratios)
            };
            measured.push(Measured {
                ns: median(&mut column(|t| t.0, rounds)),
                cpu_ns: median(&mut column(|t| t.1, rounds)),
                allocations,
                ratio: ratios(|t| t.0),
                cpu_ratio: ratios(|t| t.1),
            });
        }
        let mut measured = measured.into_iter();
        let mut next = || measured.next().ok_or_else(|| "missing".to_owned());
        Ok(Calls {
            bare: next()?,
            token: next()?,
            aksk: next()?,
            n,
            rounds,
            same_bytes,
            cpu_share: cpu.share(),
        })
    })
}

//! The client's hot path (issue 14): signing against the vendor's Python signer, and one call
//! against a bare `reqwest` call, in one run.
//!
//! ```sh
//! cargo bench -p metastudio --bench hotpath                  # both parts
//! cargo bench -p metastudio --bench hotpath -- signing       # one part: signing or calls
//! PYTHON=/tmp/hwsdk/bin/python cargo bench -p metastudio --bench hotpath
//! ```
//!
//! The vendor's signer is measured when `$PYTHON` (default `python3`) can import
//! `huaweicloudsdkcore`; install it into a virtual environment outside the repository:
//! `python3 -m venv /tmp/hwsdk && /tmp/hwsdk/bin/pip install huaweicloudsdkcore==3.1.219`.
//!
//! It prints the ratios first (with issue 14's targets), then the absolute numbers (medians of
//! rounds; the allocations per signature and per call, counted by a `#[global_allocator]`
//! wrapping the system one), then the machine and the share of a core the bench had while it
//! timed (well under 100 % means the machine was busy: the absolute numbers are inflated, the
//! ratios, timed alternately round for round, much less so). See [`signing`] and [`calls`] for
//! what each part does. Run by `cargo test --benches` (without `--bench`), it makes a quick
//! smoke run of both parts instead.

mod calls;
mod measure;
mod signing;

use std::process::ExitCode;

use measure::{CountingAllocator, machine, micros, per_second};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Issue 14's targets.
const SIGNING_TARGET: f64 = 50.0;
const TOKEN_TARGET: f64 = 1.10;
const AKSK_TARGET: f64 = 1.15;

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

/// Runs a part of the bench when it is `wanted`: `Ok(None)` when it is not, `Err` (said on
/// stderr) when it failed.
fn part<T>(
    wanted: bool,
    name: &str,
    run: impl FnOnce() -> Result<T, String>,
) -> Result<Option<T>, ()> {
    if !wanted {
        return Ok(None);
    }
    run().map(Some).map_err(|e| eprintln!("{name}: {e}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: then a quick smoke run.
    let quick = !args.iter().any(|a| a == "--bench");
    let filters: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |part: &str| filters.is_empty() || filters.iter().any(|f| part.contains(f));

    let Ok(signing) = part(wanted("signing"), "signing", || signing::run(quick)) else {
        return ExitCode::FAILURE;
    };
    let Ok(calls) = part(wanted("calls"), "calls", || calls::run(quick)) else {
        return ExitCode::FAILURE;
    };
    if quick {
        println!("quick run (use `cargo bench` for numbers worth reading): it works");
        return ExitCode::SUCCESS;
    }

    println!();
    println!("ratios");
    if let Some(s) = &signing {
        match &s.python {
            Ok((python_ns, _, _)) => {
                let ratio = python_ns / s.ours_ns;
                println!(
                    "  signing:     {ratio:.1}x the Python signer's throughput (target >= \
                     {SIGNING_TARGET}x: {})",
                    verdict(ratio >= SIGNING_TARGET)
                );
            }
            Err(why) => {
                println!("  signing:     the official Python signer is not measured: {why}")
            }
        }
    }
    if let Some(c) = &calls {
        for (name, measured, target) in [
            ("token", &c.token, TOKEN_TARGET),
            ("AK/SK", &c.aksk, AKSK_TARGET),
        ] {
            println!(
                "  call, {name}: {:.3}x a bare reqwest call's latency (target <= {target:.2}x: \
                 {}); {:.3}x its CPU time; {:.0} allocations per call, {:.0} for the bare call",
                measured.ratio,
                verdict(measured.ratio <= target),
                measured.cpu_ratio,
                measured.allocations,
                c.bare.allocations
            );
        }
    }

    println!("absolute");
    if let Some(s) = &signing {
        println!(
            "  sign one request, ours:   {} ({}), {:.0} allocations; median of {} rounds of {} \
             (fastest {})",
            micros(s.ours_ns),
            per_second(s.ours_ns),
            s.allocations,
            s.rounds,
            s.ours_n,
            micros(s.ours_fastest_ns)
        );
        if let Ok((python_ns, n, version)) = &s.python {
            println!(
                "  sign one request, Python: {} ({}); median of {} rounds of {n}; {version}",
                micros(*python_ns),
                per_second(*python_ns),
                s.rounds,
            );
        }
    }
    if let Some(c) = &calls {
        for (name, measured) in [("token", &c.token), ("AK/SK", &c.aksk), ("bare ", &c.bare)] {
            println!(
                "  one call, {name}: {} latency, {} on the CPU ({}), {:.0} allocations",
                micros(measured.ns),
                micros(measured.cpu_ns),
                per_second(measured.ns),
                measured.allocations
            );
        }
        println!(
            "  (medians of {} rounds of {} calls each; loopback server, one keep-alive \
             connection per client; the token call's request and the bare one {})",
            c.rounds,
            c.n,
            if c.same_bytes {
                "are the same bytes"
            } else {
                "DIFFER"
            }
        );
    }
    let shares: Vec<String> = [
        signing.as_ref().map(|s| ("signing", s.cpu_share)),
        calls.as_ref().map(|c| ("calls", c.cpu_share)),
    ]
    .into_iter()
    .flatten()
    .map(|(part, share)| format!("{part} {:.0} %", share * 100.0))
    .collect();
    println!(
        "machine: {}; share of a core this process had while timing: {}",
        machine(),
        shares.join(", ")
    );
    ExitCode::SUCCESS
}

//! When and how long to wait before sending a request again.
//!
//! The defaults ([`RetryPolicy::default`]):
//!
//! * at most **3 attempts** (the first send and two retries);
//! * retried: the statuses **429, 500, 502, 503 and 504**, **timeouts** and **transport
//!   failures** (reset, closed mid-response), but **only for idempotent operations** (GET, PUT,
//!   DELETE, HEAD, OPTIONS, or marked `x-idempotent: true` in the spec); a POST that may have
//!   reached the service is never sent twice;
//! * retried for every operation: **connection failures** (refused, DNS, TLS handshake), because
//!   no byte of the request reached the service;
//! * never retried: any other 4xx, a validation, signing or configuration error;
//! * backoff: **exponential with full jitter**: before retry *n* (1, 2, …) the client waits a
//!   random time between 0 and `min(max_delay, base_delay × 2^(n-1))`, with `base_delay` =
//!   **100 ms** and `max_delay` = **20 s**;
//! * a `Retry-After` header (seconds, or an HTTP date) on a retried response is honoured instead
//!   of the backoff, capped at `max_delay`.
//!
//! Every attempt is authenticated afresh (a signing scheme signs it with a new date).
//! [`RetryPolicy::disabled`] sends every request exactly once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How the client retries transient failures. See the [module docs](self) for the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    jitter: bool,
    retry_timeouts: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts, 100 ms base delay, 20 s cap, full jitter, timeouts retried.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(20),
            jitter: true,
            retry_timeouts: true,
        }
    }
}

impl RetryPolicy {
    /// The default policy (see the [module docs](self)).
    pub fn new() -> Self {
        RetryPolicy::default()
    }

    /// Never retry: every request is sent exactly once.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The most times a request is sent, the first attempt included (at least 1; 0 is read as
    /// 1). Default 3.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The delay before the first retry, doubled for each further retry. Default 100 ms.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest the client waits between two attempts, `Retry-After` included. Default 20 s.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// With `false`, the client waits exactly `min(max_delay, base_delay × 2^(n-1))` before
    /// retry *n* instead of a random time up to it. Default `true` (full jitter, which spreads
    /// the retries of many clients).
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Whether a timed-out idempotent request is sent again. Default `true`.
    pub fn retry_timeouts(mut self, retry: bool) -> Self {
        self.retry_timeouts = retry;
        self
    }

    /// The most times a request is sent.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether timeouts are retried.
    pub(crate) fn retries_timeouts(&self) -> bool {
        self.retry_timeouts
    }

    /// The backoff ceiling before retry `retry` (1 for the first retry).
    fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// How long to wait before retry `retry` (1 for the first retry): the server's
    /// `Retry-After` if it gave one (capped at `max_delay`), else the jittered backoff.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>, rng: &Rng) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let ceiling = self.ceiling(retry);
        if !self.jitter {
            return ceiling;
        }
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        match nanos.checked_add(1) {
            Some(span) => Duration::from_nanos(rng.next() % span),
            None => Duration::from_nanos(rng.next()),
        }
    }
}

/// A small xorshift64* generator for jitter (no `rand` dependency); not for anything secret.
#[derive(Debug)]
pub(crate) struct Rng(AtomicU64);

impl Rng {
    /// Seeded from the current time and the address of a stack value.
    pub(crate) fn from_time() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos() as u64)
            .unwrap_or(0);
        let local = 0u8;
        let address = std::ptr::addr_of!(local) as u64;
        Rng::seeded(nanos ^ address.rotate_left(32))
    }

    pub(crate) fn seeded(seed: u64) -> Self {
        // Zero is xorshift's one fixed point.
        Rng(AtomicU64::new(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        }))
    }

    pub(crate) fn next(&self) -> u64 {
        let step = |mut x: u64| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x
        };
        let previous = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| Some(step(x)))
            .unwrap_or_else(|x| x);
        step(previous).wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Parses a `Retry-After` value: delay-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, the IMF-fixdate form), relative to `now`. A date in the
/// past means "now" (zero). Anything else is ignored (`None`).
///
/// The value comes from a server, so nothing in it can overflow: a number of seconds too large
/// for a `u64` is the longest wait (which the policy caps), and a date outside the years
/// 1970–9999 is not an HTTP date.
///
/// Public (hidden) for the fuzz target `retry_after` only.
#[doc(hidden)]
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let when = parse_http_date(value)?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The years an HTTP date may have: IMF-fixdate writes four digits, and before 1970 is before
/// the epoch.
const HTTP_DATE_YEARS: std::ops::RangeInclusive<i64> = 1970..=9999;

/// Parses an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn parse_http_date(value: &str) -> Option<SystemTime> {
    let mut parts = value.split_ascii_whitespace();
    let weekday = parts.next()?;
    if !weekday.ends_with(',') {
        return None;
    }
    let day: u32 = parts.next()?.parse().ok()?;
    let month = month_number(parts.next()?)?;
    let year: i64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':');
    let hour: u64 = clock.next()?.parse().ok()?;
    let minute: u64 = clock.next()?.parse().ok()?;
    let second: u64 = clock.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() || clock.next().is_some() {
        return None;
    }
    if !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
        || !HTTP_DATE_YEARS.contains(&year)
    {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)?).ok()?;
    let seconds = days
        .checked_mul(86_400)?
        .checked_add(hour * 3_600 + minute * 60 + second)?;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// `Jan` → 1 … `Dec` → 12.
fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let index = MONTHS.iter().position(|month| *month == name)?;
    u32::try_from(index + 1).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm), `None`
/// when the arithmetic would overflow.
fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    let year = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era.checked_mul(146_097)?
        .checked_add(day_of_era)?
        .checked_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.attempts(), 3);
        assert_eq!(RetryPolicy::disabled().attempts(), 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts(), 1);
        assert!(policy.retries_timeouts());
    }

    #[test]
    fn exponential_backoff_is_capped() {
        let policy = RetryPolicy::default().jitter(false);
        let rng = Rng::seeded(1);
        let delays: Vec<_> = (1..=10).map(|n| policy.delay(n, None, &rng)).collect();
        assert_eq!(delays[0], Duration::from_millis(100));
        assert_eq!(delays[1], Duration::from_millis(200));
        assert_eq!(delays[2], Duration::from_millis(400));
        assert_eq!(
            delays[8],
            Duration::from_millis(25_600).min(Duration::from_secs(20))
        );
        assert_eq!(policy.delay(1_000, None, &rng), Duration::from_secs(20));
        assert_eq!(policy.delay(u32::MAX, None, &rng), Duration::from_secs(20));
    }

    #[test]
    fn full_jitter_stays_within_the_ceiling_and_varies() {
        let policy = RetryPolicy::default();
        let rng = Rng::seeded(42);
        let delays: Vec<_> = (0..200).map(|_| policy.delay(3, None, &rng)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_millis(400)));
        let distinct: std::collections::BTreeSet<_> = delays.iter().collect();
        assert!(distinct.len() > 100, "jitter should vary: {distinct:?}");
    }

    #[test]
    fn retry_after_wins_and_is_capped() {
        let policy = RetryPolicy::default();
        let rng = Rng::seeded(7);
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2)), &rng),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3600)), &rng),
            Duration::from_secs(20)
        );
    }

    #[test]
    fn parses_retry_after() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(UNIX_EPOCH + Duration::from_secs(1_445_412_480))
        );
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(UNIX_EPOCH + Duration::from_secs(1_709_164_800))
        );
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "06 Nov 1994",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn values_from_a_server_never_overflow() {
        let now = UNIX_EPOCH + Duration::from_secs(1_693_551_021);
        for huge in [
            "Fri, 31 Dec 999999999999999 23:59:59 GMT",
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
            "Sun, 06 Nov -9223372036854775808 08:49:37 GMT",
            "Sun, 06 Nov 10000 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(huge, now), None, "{huge}");
        }
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now),
            Some(Duration::from_secs(253_402_300_799 - 1_693_551_021))
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(days_from_civil(i64::MAX, 12, 31), None);
        assert_eq!(days_from_civil(i64::MIN, 1, 1), None);
        let policy = RetryPolicy::default();
        let wait = parse_retry_after("18446744073709551615", now);
        assert_eq!(
            policy.delay(1, wait, &Rng::seeded(1)),
            Duration::from_secs(20)
        );
    }
}

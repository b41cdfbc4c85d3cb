//! Changes how long an activation code stays valid.
//!
//! ```text
//! cargo run --example update_active_code -- <active_code_id> <valid_period> [--app-user-id ID]
//! ```
//!
//! Configuration comes from the environment, as in the vendor's examples:
//! `CLOUD_SDK_PROJECT_ID`; `CLOUD_SDK_REGION` (default `cn-north-4`) or `CLOUD_SDK_ENDPOINT`
//! (a full base URL; `http://` is accepted for local servers); and credentials, either
//! `CLOUD_SDK_AK` + `CLOUD_SDK_SK` (+ optional `CLOUD_SDK_SECURITY_TOKEN`) for AK/SK signing or
//! `CLOUD_SDK_TOKEN` for token authentication.
//!
//! On success the response body is printed as JSON on stdout and `request id: <id>` on stderr
//! (exit 0). An API error prints its status, error code, message and request id on stderr, and
//! a short excerpt of the body when it has no code or message (an HTML page from a gateway)
//! (exit 1). Bad arguments or configuration print one line (exit 2).

use metastudio::operations::UpdateActiveCodeError;
use metastudio::types::UpdateActiveCodeReq;
use metastudio::{Client, Error};
use std::process::ExitCode;

const USAGE: &str = "usage: update_active_code <active_code_id> <valid_period> [--app-user-id ID]";

/// The parsed command line.
struct Args {
    active_code_id: String,
    valid_period: i32,
    app_user_id: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut app_user_id = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--app-user-id" => match args.next() {
                Some(value) => app_user_id = Some(value),
                None => return Err("--app-user-id needs a value".to_owned()),
            },
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag}; {USAGE}"));
            }
            _ => positional.push(arg),
        }
    }
    let [active_code_id, valid_period] =
        <[String; 2]>::try_from(positional).map_err(|_| USAGE.to_owned())?;
    let valid_period = valid_period.parse::<i32>().map_err(|_| {
        format!("valid_period must be a whole number of days, not {valid_period:?}")
    })?;
    Ok(Args {
        active_code_id,
        valid_period,
        app_user_id,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };

    let mut call = client
        .update_active_code()
        .active_code_id(args.active_code_id)
        .body(UpdateActiveCodeReq::default().valid_period(args.valid_period));
    if let Some(app_user_id) = args.app_user_id {
        call = call.x_app_user_id(app_user_id);
    }

    match call.send().await {
        Ok(response) => {
            match serde_json::to_string_pretty(response.body()) {
                Ok(json) => println!("{json}"),
                Err(error) => {
                    eprintln!("could not print the response: {error}");
                    return ExitCode::from(1);
                }
            }
            eprintln!("request id: {}", response.request_id().unwrap_or("none"));
            ExitCode::SUCCESS
        }
        Err(Error::Api(api)) => {
            eprintln!("status: {}", api.status.as_u16());
            // A 400 is documented: its body is already decoded as the spec's `ErrorResponse`.
            let (code, message) = match api.documented() {
                Some(UpdateActiveCodeError::BadRequest(body)) => {
                    (body.error_code.as_deref(), body.error_msg.as_deref())
                }
                _ => (api.error_code.as_deref(), api.error_msg.as_deref()),
            };
            eprintln!("error code: {}", code.unwrap_or("-"));
            eprintln!("error message: {}", message.unwrap_or("-"));
            if code.is_none() && message.is_none() {
                eprintln!("body: {}", api.body_excerpt());
            }
            eprintln!(
                "request id: {}",
                api.request_id.as_deref().unwrap_or("none")
            );
            ExitCode::from(1)
        }
        Err(error @ (Error::Validation { .. } | Error::Config(_))) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(1)
        }
    }
}

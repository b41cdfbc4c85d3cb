//! Where requests go: an explicit URL, or the spec's server URL with its variables (the region
//! among them) filled, or a region's endpoint from the environment.

use crate::runtime::error::Error;
use crate::runtime::service::{ServerVariable, ServiceInfo};
use http::HeaderValue;

/// The resolved endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `scheme://authority[/path prefix]`, no trailing `/`.
    pub(crate) base: String,
    /// `scheme://authority`.
    pub(crate) origin: String,
    /// `origin`, parsed once: each request's URL is this with its path and query set, so the
    /// host is not parsed again per call.
    pub(crate) origin_url: reqwest::Url,
    /// The authority exactly as configured (signed and sent as `Host`).
    pub(crate) authority: String,
    /// The endpoint's own path (empty, or `/prefix`), put before every operation's path.
    pub(crate) path_prefix: String,
}

/// What the caller chose that decides the endpoint.
pub(crate) struct EndpointChoice<'a> {
    /// `.endpoint(url)`.
    pub(crate) explicit: Option<&'a str>,
    /// `.region(id)`.
    pub(crate) region: Option<&'a str>,
    /// `.server_variable(name, value)` calls.
    pub(crate) server_variables: &'a [(String, String)],
    /// Reads an environment variable (the region override).
    pub(crate) env: &'a (dyn Fn(&str) -> Option<String> + Send + Sync),
}

/// The endpoint: the explicit URL, else the region's environment override, else the spec's
/// server URL with its variables filled.
pub(crate) fn resolve(
    service: &ServiceInfo,
    choice: &EndpointChoice<'_>,
) -> Result<Endpoint, Error> {
    if let Some(url) = choice.explicit {
        return parse_endpoint(url, "the endpoint");
    }
    let region = region(service, choice);
    if let Some(endpoint) = region_override(service, region.as_deref(), choice.env)? {
        return Ok(endpoint);
    }
    check_variables(service, choice)?;
    let mut url = service.server_url.to_owned();
    for variable in service.server_variables {
        let value = variable_value(service, variable, choice, region.as_deref())?;
        url = url.replace(&format!("{{{}}}", variable.name), value);
    }
    if let Some(start) = url.find('{') {
        let rest = &url[start..];
        let name = rest.split('}').next().unwrap_or(rest);
        return Err(config(format!(
            "{}'s server URL `{}` uses {name}}} but the spec declares no such variable; \
             use .endpoint(url)",
            service.title, service.server_url
        )));
    }
    parse_endpoint(&url, &format!("{}'s server URL", service.title))
}

/// The region asked for: `.region`, else the `region` server variable, else its default.
fn region(service: &ServiceInfo, choice: &EndpointChoice<'_>) -> Option<String> {
    choice
        .region
        .or_else(|| {
            choice
                .server_variables
                .iter()
                .find(|(name, _)| name == "region")
                .map(|(_, value)| value.as_str())
        })
        .or_else(|| region_variable(service).map(|variable| variable.default))
        .map(str::to_owned)
}

fn region_variable(service: &ServiceInfo) -> Option<&'static ServerVariable> {
    service
        .server_variables
        .iter()
        .find(|variable| variable.name == "region")
}

/// The endpoint the environment variable `<x-region-env-prefix><REGION>` names, if it is set:
/// the first of its comma-separated URLs.
fn region_override(
    service: &ServiceInfo,
    region: Option<&str>,
    env: &(dyn Fn(&str) -> Option<String> + Send + Sync),
) -> Result<Option<Endpoint>, Error> {
    let (Some(region), Some(prefix)) = (region, service.region_env_prefix) else {
        return Ok(None);
    };
    let name = region_variable_name(prefix, region);
    let Some(list) = env(&name) else {
        return Ok(None);
    };
    match list.split(',').map(str::trim).find(|url| !url.is_empty()) {
        Some(url) => parse_endpoint(url, &format!("the environment variable {name}")).map(Some),
        None => Err(config(format!(
            "the environment variable {name} is set but lists no endpoint; give it a \
             comma-separated list of URLs, or unset it"
        ))),
    }
}

/// `<prefix><REGION>`, the region upper-cased with `-` as `_`.
fn region_variable_name(prefix: &str, region: &str) -> String {
    format!("{prefix}{}", region.to_uppercase().replace('-', "_"))
}

/// `.region` needs a `{region}` variable, and every `.server_variable` a declared one.
fn check_variables(service: &ServiceInfo, choice: &EndpointChoice<'_>) -> Result<(), Error> {
    if choice.region.is_some() && region_variable(service).is_none() {
        return Err(config(format!(
            "{}'s server URL `{}` has no {{region}} variable, so .region(...) cannot choose \
             its endpoint; use .endpoint(url)",
            service.title, service.server_url
        )));
    }
    for (name, _) in choice.server_variables {
        if !service.server_variables.iter().any(|v| v.name == name) {
            return Err(config(format!(
                "{}'s server URL `{}` has no variable `{name}`; its variables are: {}",
                service.title,
                service.server_url,
                list(service.server_variables.iter().map(|v| v.name))
            )));
        }
    }
    Ok(())
}

/// The value of one server variable: set explicitly, else the region for `region`, else its
/// default; it must be non-empty, allowed, and safe inside a host name.
fn variable_value<'a>(
    service: &ServiceInfo,
    variable: &'a ServerVariable,
    choice: &'a EndpointChoice<'_>,
    region: Option<&'a str>,
) -> Result<&'a str, Error> {
    let explicit = choice
        .server_variables
        .iter()
        .find(|(name, _)| name == variable.name)
        .map(|(_, value)| value.as_str());
    let value = match (variable.name, region) {
        ("region", Some(region)) if explicit.is_none() => region,
        _ => explicit.unwrap_or(variable.default),
    };
    if value.is_empty() {
        return Err(config(format!(
            "{}'s server URL `{}` needs a value for `{}`; set it with \
             .server_variable(\"{}\", ...) or use .endpoint(url)",
            service.title, service.server_url, variable.name, variable.name
        )));
    }
    if !variable.allowed.is_empty() && !variable.allowed.contains(&value) {
        return Err(not_allowed(service, variable, value));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return Err(config(format!(
            "the {} `{value}` may only contain letters, digits, `-`, `.` and `_`",
            variable.name
        )));
    }
    Ok(value)
}

/// A value outside the variable's `enum`, with the allowed ones and, for a region, the
/// environment variable that would give its endpoint.
fn not_allowed(service: &ServiceInfo, variable: &ServerVariable, value: &str) -> Error {
    let hint = match (variable.name, service.region_env_prefix) {
        ("region", Some(prefix)) => format!(
            ", or set the environment variable {} to its endpoint",
            region_variable_name(prefix, value)
        ),
        _ => String::new(),
    };
    config(format!(
        "`{value}` is not a {} {} supports; the supported ones are: {}. Use one of them, or \
         .endpoint(url){hint}",
        variable.name,
        service.title,
        list(variable.allowed.iter().copied())
    ))
}

fn config(message: String) -> Error {
    Error::Config(message)
}

/// The items joined with `, `, or `(none)`.
pub(crate) fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

/// Parses an endpoint URL: adds `https://` when there is no scheme, accepts `http` and `https`
/// only, keeps the authority exactly as written (it is signed as `Host`), refuses user info,
/// queries and fragments, and drops a trailing `/` from the path.
pub(crate) fn parse_endpoint(raw: &str, origin: &str) -> Result<Endpoint, Error> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(config(format!(
            "{origin} is empty; give a URL such as https://api.example.com"
        )));
    }
    let (scheme, rest) = match trimmed.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_owned(), trimmed),
    };
    if scheme != "https" && scheme != "http" {
        return Err(config(format!(
            "{origin} `{trimmed}` has the scheme `{scheme}`; use https:// (or http:// for a \
             local test server)"
        )));
    }
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    check_authority(authority, path, origin, trimmed)?;
    let path = path.trim_end_matches('/');
    let base = format!("{scheme}://{authority}{path}");
    let parsed = reqwest::Url::parse(&base)
        .map_err(|error| config(format!("{origin} `{trimmed}` is not a valid URL: {error}")))?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(config(format!("{origin} `{trimmed}` has no host")));
    }
    if HeaderValue::from_str(authority).is_err() {
        return Err(config(format!(
            "{origin} `{trimmed}` has a host that cannot be sent in the Host header"
        )));
    }
    let origin_text = format!("{scheme}://{authority}");
    let origin_url = reqwest::Url::parse(&origin_text)
        .map_err(|error| config(format!("{origin} `{trimmed}` is not a valid URL: {error}")))?;
    Ok(Endpoint {
        origin: origin_text,
        origin_url,
        base,
        authority: authority.to_owned(),
        path_prefix: path.to_owned(),
    })
}

/// A host (and port) without user info, and a path without query or fragment.
fn check_authority(authority: &str, path: &str, origin: &str, url: &str) -> Result<(), Error> {
    if authority.is_empty() {
        return Err(config(format!("{origin} `{url}` has no host")));
    }
    if authority.contains('@') {
        return Err(config(format!(
            "{origin} must not contain user info (`user@host`); pass credentials with \
             .credentials(...)"
        )));
    }
    if path.contains(['?', '#']) {
        return Err(config(format!(
            "{origin} `{url}` has a query or fragment; give only scheme, host, port and an \
             optional path"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_parsed_and_kept_as_written() {
        let e = parse_endpoint("api.cn-north-4.example.com", "e").unwrap();
        assert_eq!(e.base, "https://api.cn-north-4.example.com");
        assert_eq!(e.authority, "api.cn-north-4.example.com");
        let e = parse_endpoint("http://127.0.0.1:8080/", "e").unwrap();
        assert_eq!(e.base, "http://127.0.0.1:8080");
        assert_eq!(e.authority, "127.0.0.1:8080");
        assert_eq!(e.path_prefix, "");
        let e = parse_endpoint(" HTTPS://Example.com:443/gw/ ", "e").unwrap();
        assert_eq!(e.base, "https://Example.com:443/gw");
        assert_eq!(e.authority, "Example.com:443");
        assert_eq!(e.path_prefix, "/gw");
        let e = parse_endpoint("http://[::1]:9000", "e").unwrap();
        assert_eq!(e.authority, "[::1]:9000");
    }

    #[test]
    fn bad_endpoints_say_what_is_wrong() {
        let message = |url: &str| parse_endpoint(url, "the endpoint").unwrap_err().to_string();
        assert!(message("ftp://host").contains("scheme `ftp`"));
        assert!(message("https://user:pw@host").contains("user info"));
        assert!(!message("https://user:pw@host").contains("pw"));
        assert!(message("https://host/?a=b").contains("query or fragment"));
        assert!(message("https://").contains("no host"));
        assert!(message("").contains("is empty"));
        assert!(message("https://ho st").contains("not a valid URL"));
    }
}

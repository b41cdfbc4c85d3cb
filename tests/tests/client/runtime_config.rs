//! `ClientBuilder`: endpoint resolution (regions, the environment override, explicit URLs), the
//! environment helper, configuration errors, and a `Debug` that never shows a secret.

use super::runtime_support::*;
use metastudio::runtime::{
    AuthScheme, Client, ClientBuilder, Credentials, Error, RetryPolicy, ServerVariable, ServiceInfo,
};
use std::collections::HashMap;
use std::time::Duration;

/// A builder with AK/SK credentials and the given environment.
fn builder(env: &[(&str, &str)]) -> ClientBuilder {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Client::builder_for(&SERVICE)
        .credentials(Credentials::ak_sk(AK, SK))
        .env_lookup(move |name| env.get(name).cloned())
}

fn config_error(builder: ClientBuilder) -> String {
    match builder.build() {
        Err(Error::Config(message)) => message,
        Err(other) => panic!("expected a configuration error, got {other:?}"),
        Ok(client) => panic!("expected a configuration error, got {client:?}"),
    }
}

#[test]
fn the_default_region_is_the_spec_default() {
    let client = builder(&[]).build().unwrap();
    assert_eq!(
        client.endpoint(),
        "https://metastudio.cn-north-4.myhuaweicloud.com"
    );
}

#[test]
fn a_listed_region_fills_the_server_url() {
    let client = builder(&[]).region("cn-east-3").build().unwrap();
    assert_eq!(
        client.endpoint(),
        "https://metastudio.cn-east-3.myhuaweicloud.com"
    );
    let client = builder(&[])
        .server_variable("region", "cn-east-3")
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint(),
        "https://metastudio.cn-east-3.myhuaweicloud.com"
    );
}

#[test]
fn an_unknown_region_lists_the_supported_ones() {
    let message = config_error(builder(&[]).region("ap-southeast-1"));
    assert_eq!(
        message,
        "`ap-southeast-1` is not a region MetaStudio supports; the supported ones are: \
         cn-north-4, cn-east-3. Use one of them, or .endpoint(url), or set the environment \
         variable HUAWEICLOUD_SDK_REGION_METASTUDIO_AP_SOUTHEAST_1 to its endpoint"
    );
}

#[test]
fn the_region_environment_variable_overrides_the_endpoint() {
    let env = [(
        "HUAWEICLOUD_SDK_REGION_METASTUDIO_AP_SOUTHEAST_1",
        " metastudio.ap-southeast-1.example.com , https://second.example.com",
    )];
    let client = builder(&env).region("ap-southeast-1").build().unwrap();
    assert_eq!(
        client.endpoint(),
        "https://metastudio.ap-southeast-1.example.com"
    );

    // It applies to the default region too, and an explicit endpoint wins over it.
    let env = [(
        "HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4",
        "http://127.0.0.1:9",
    )];
    assert_eq!(
        builder(&env).build().unwrap().endpoint(),
        "http://127.0.0.1:9"
    );
    let client = builder(&env)
        .endpoint("https://explicit.example.com")
        .build()
        .unwrap();
    assert_eq!(client.endpoint(), "https://explicit.example.com");

    let env = [("HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_EAST_3", " , ")];
    let message = config_error(builder(&env).region("cn-east-3"));
    assert!(message.contains("lists no endpoint"), "{message}");
}

#[test]
fn explicit_endpoints() {
    let client = builder(&[])
        .endpoint("metastudio.cn-north-4.myhuaweicloud.com")
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint(),
        "https://metastudio.cn-north-4.myhuaweicloud.com"
    );
    let client = builder(&[])
        .endpoint("http://127.0.0.1:8080/")
        .build()
        .unwrap();
    assert_eq!(client.endpoint(), "http://127.0.0.1:8080");
    let message = config_error(builder(&[]).endpoint("ftp://files.example.com"));
    assert!(message.contains("scheme `ftp`"), "{message}");
    let message = config_error(builder(&[]).endpoint("https://a:b@example.com"));
    assert!(message.contains("user info"), "{message}");
}

#[test]
fn unknown_server_variables_are_errors() {
    let message = config_error(builder(&[]).server_variable("zone", "a"));
    assert!(
        message.contains("has no variable `zone`; its variables are: region"),
        "{message}"
    );
}

static NO_REGION: ServiceInfo = ServiceInfo {
    title: "Plain",
    version: "1",
    server_url: "https://{tenant}.example.com/api",
    server_variables: &[ServerVariable {
        name: "tenant",
        default: "",
        allowed: &[],
    }],
    region_env_prefix: None,
    request_id_header: "X-Request-Id",
    auth_schemes: &[AuthScheme::Bearer],
    environment: metastudio::runtime::Environment::NONE,
    ..ServiceInfo::EMPTY
};

#[test]
fn other_services_resolve_their_own_variables() {
    let build = |b: ClientBuilder| b.credentials(Credentials::token("t")).env_lookup(|_| None);
    let message = config_error(build(Client::builder_for(&NO_REGION)));
    assert!(message.contains("needs a value for `tenant`"), "{message}");
    let message = config_error(build(Client::builder_for(&NO_REGION)).region("cn-north-4"));
    assert!(message.contains("has no {region} variable"), "{message}");
    let client = build(Client::builder_for(&NO_REGION))
        .server_variable("tenant", "acme")
        .build()
        .unwrap();
    assert_eq!(client.endpoint(), "https://acme.example.com/api");
    let message = config_error(
        build(Client::builder_for(&NO_REGION)).server_variable("tenant", "evil.com/x#"),
    );
    assert!(message.contains("may only contain"), "{message}");
    // A Bearer-only service refuses AK/SK.
    let message = config_error(
        Client::builder_for(&NO_REGION)
            .server_variable("tenant", "acme")
            .credentials(Credentials::ak_sk("a", "b")),
    );
    assert!(
        message.contains("does not accept AK/SK credentials"),
        "{message}"
    );
}

#[test]
fn with_env_reads_project_region_endpoint_and_credentials() {
    let env = [
        ("CLOUD_SDK_AK", AK),
        ("CLOUD_SDK_SK", SK),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "from-huaweicloud"),
        ("CLOUD_SDK_REGION", "cn-east-3"),
    ];
    let client = Client::builder_for(&SERVICE)
        .env_lookup({
            let env: HashMap<_, _> = env.into_iter().collect();
            move |name| env.get(name).map(|v| (*v).to_owned())
        })
        .with_env()
        .build()
        .unwrap();
    assert_eq!(
        client.client_parameter("project_id").unwrap(),
        "from-huaweicloud"
    );
    assert_eq!(
        client.endpoint(),
        "https://metastudio.cn-east-3.myhuaweicloud.com"
    );
    let debug = format!("{client:?}");
    assert!(debug.contains("HPUAEXAMPLEAK0000001"), "{debug}");

    // CLOUD_SDK_PROJECT_ID wins; CLOUD_SDK_ENDPOINT wins over the region; later calls win.
    let client = builder(&[
        ("CLOUD_SDK_PROJECT_ID", "from-cloud"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "from-huaweicloud"),
        ("CLOUD_SDK_ENDPOINT", "http://127.0.0.1:1234"),
        ("CLOUD_SDK_REGION", "cn-east-3"),
    ])
    .with_env()
    .build()
    .unwrap();
    assert_eq!(client.client_parameter("project_id").unwrap(), "from-cloud");
    assert_eq!(client.endpoint(), "http://127.0.0.1:1234");
    let client = builder(&[("CLOUD_SDK_PROJECT_ID", "from-env")])
        .with_env()
        .project_id("explicit")
        .build()
        .unwrap();
    assert_eq!(client.client_parameter("project_id").unwrap(), "explicit");
}

#[test]
fn with_env_reports_half_a_credential_pair_at_build() {
    let message = config_error(builder(&[("CLOUD_SDK_AK", AK)]).with_env());
    assert!(message.contains("CLOUD_SDK_SK"), "{message}");
}

#[test]
fn credentials_are_required_and_must_fit_the_service() {
    let message = config_error(Client::builder_for(&SERVICE).env_lookup(|_| None));
    assert!(
        message.starts_with("no credentials: MetaStudio requires"),
        "{message}"
    );
    assert!(message.contains("CLOUD_SDK_AK"), "{message}");
    let message = config_error(builder(&[]).credentials(Credentials::token("bad\ntoken-secret")));
    assert!(
        message.contains("the token contains characters"),
        "{message}"
    );
    assert!(!message.contains("token-secret"), "{message}");
    let message = config_error(builder(&[]).credentials(Credentials::ak_sk("", "sk")));
    assert!(message.contains("access key (AK) is empty"), "{message}");
}

#[test]
fn bad_headers_parameters_and_timeouts_are_reported() {
    let message = config_error(builder(&[]).default_header("Authorization", "x"));
    assert!(message.contains("set by the client itself"), "{message}");
    let message = config_error(builder(&[]).default_header("x-auth-token", "x"));
    assert!(message.contains("set by the client itself"), "{message}");
    let message = config_error(builder(&[]).default_header("Bad Name", "x"));
    assert!(
        message.contains("not a valid HTTP header name"),
        "{message}"
    );
    let message = config_error(builder(&[]).default_header("X-Ok", "a\nb"));
    assert!(message.contains("cannot be sent"), "{message}");
    let message = config_error(builder(&[]).project_id(" "));
    assert!(message.contains("`project_id` is empty"), "{message}");
    let message = config_error(builder(&[]).timeout(Duration::ZERO));
    assert!(message.contains("timeout is zero"), "{message}");
    let message = config_error(builder(&[]).user_agent("app\r\n"));
    assert!(message.contains("user agent"), "{message}");
}

#[test]
fn debug_never_shows_a_secret() {
    let client = builder(&[])
        .credentials(Credentials::token(TOKEN))
        .default_header("X-Api-Key", "default-header-secret")
        .project_id(PROJECT)
        .build()
        .unwrap();
    let debug = format!("{client:?}");
    assert!(
        debug.contains("credentials: Some(Token(** redacted **))"),
        "{debug}"
    );
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(!debug.contains("default-header-secret"), "{debug}");
    assert!(debug.contains("X-Api-Key"), "{debug}");
    assert!(debug.contains(PROJECT), "{debug}");

    let client = builder(&[]).build().unwrap();
    let debug = format!("{client:#?}");
    assert!(debug.contains("sk: ** redacted **"), "{debug}");
    assert!(!debug.contains(SK), "{debug}");

    let builder_debug = format!("{:?}", builder(&[]).credentials(Credentials::token(TOKEN)));
    assert!(!builder_debug.contains(TOKEN), "{builder_debug}");
}

#[test]
fn defaults_and_accessors() {
    let client = builder(&[]).build().unwrap();
    assert_eq!(client.timeout(), Duration::from_secs(60));
    assert_eq!(client.retry_policy(), &RetryPolicy::default());
    assert_eq!(client.retry_policy().attempts(), 3);
    assert_eq!(
        client.user_agent(),
        concat!("metastudio-rust/", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(client.service().title, "MetaStudio");
    let message = client.client_parameter("tenant").unwrap_err().to_string();
    assert_eq!(
        message,
        "configuration: `tenant` is not set on the client: call .client_parameter(\"tenant\", \
         value) on the client builder"
    );
}

#[test]
fn the_client_is_cheap_to_share() {
    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync_clone::<Client>();
    fn assert_send<T: Send>(_: &T) {}
    let client = builder(&[]).build().unwrap();
    assert_send(&client.execute(show("a")));
}

/// A service whose spec names its own variables (`x-environment`).
static OWN_VARIABLES: ServiceInfo = ServiceInfo {
    environment: metastudio::runtime::Environment {
        endpoint: &["PLAIN_ENDPOINT"],
        client_parameters: &[metastudio::runtime::ParameterVariables {
            parameter: "tenant_id",
            variables: &["PLAIN_TENANT", "LEGACY_TENANT"],
        }],
        token: &["PLAIN_TOKEN"],
        ..metastudio::runtime::Environment::NONE
    },
    ..NO_REGION
};

#[test]
fn with_env_reads_the_variables_the_spec_names_and_no_others() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    };
    let client = Client::builder_for(&OWN_VARIABLES)
        .env_lookup(env(&[
            ("PLAIN_ENDPOINT", "http://127.0.0.1:9"),
            ("LEGACY_TENANT", "acme"),
            ("PLAIN_TOKEN", "t0k"),
            // MetaStudio's names mean nothing to this service.
            ("CLOUD_SDK_AK", "ak"),
            ("CLOUD_SDK_SK", "sk"),
        ]))
        .with_env()
        .build()
        .unwrap();
    assert_eq!(client.endpoint(), "http://127.0.0.1:9");
    assert_eq!(client.client_parameter("tenant_id").unwrap(), "acme");
    assert!(
        format!("{client:?}").contains("Token"),
        "the token variable was read, the AK/SK ones were not: {client:?}"
    );

    let missing = Client::builder_for(&OWN_VARIABLES)
        .env_lookup(|_| None)
        .with_env()
        .credentials(Credentials::token("t"))
        .endpoint("http://127.0.0.1:9")
        .build()
        .unwrap();
    let error = missing
        .client_parameter("tenant_id")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("or set PLAIN_TENANT and call .with_env()"),
        "the hint names the spec's variable: {error}"
    );
}

/// A service whose client parameter has constraints in its spec.
static CONSTRAINED: ServiceInfo = ServiceInfo {
    client_parameters: &[metastudio::runtime::ClientParameter {
        name: "tenant_id",
        setter: "tenant_id",
        min_length: Some(32),
        max_length: Some(32),
        pattern: Some("^[0-9a-f]+$"),
        allowed: &[],
    }],
    environment: metastudio::runtime::Environment {
        client_parameters: &[metastudio::runtime::ParameterVariables {
            parameter: "tenant_id",
            variables: &["PLAIN_TENANT"],
        }],
        ..metastudio::runtime::Environment::NONE
    },
    ..NO_REGION
};

#[test]
fn client_parameters_are_checked_against_the_spec_at_build() {
    let build = |tenant: &str| {
        Client::builder_for(&CONSTRAINED)
            .server_variable("tenant", "acme")
            .credentials(Credentials::token("t"))
            .env_lookup(|_| None)
            .client_parameter("tenant_id", tenant)
    };
    let good = "0123456789abcdef0123456789abcdef";
    let client = build(good).build().unwrap();
    assert_eq!(client.client_parameter("tenant_id").unwrap(), good);
    let message = config_error(build("0123456789ABCDEF0123456789ABCDEF"));
    assert_eq!(
        message,
        "the client parameter `tenant_id` must match the pattern `^[0-9a-f]+$`; the spec of \
         Plain requires it"
    );
    let message = config_error(build("abc"));
    assert!(
        message.contains("`tenant_id` must be at least 32 characters long (is 3)"),
        "{message}"
    );
    // From the environment too, and the message for an unset one names its setter.
    let from_env = Client::builder_for(&CONSTRAINED)
        .server_variable("tenant", "acme")
        .credentials(Credentials::token("t"))
        .env_lookup(|name| (name == "PLAIN_TENANT").then(|| "not hex".to_owned()))
        .with_env();
    assert!(config_error(from_env).contains("must be at least 32"));
    let unset = Client::builder_for(&CONSTRAINED)
        .server_variable("tenant", "acme")
        .credentials(Credentials::token("t"))
        .env_lookup(|_| None)
        .build()
        .unwrap();
    assert_eq!(
        unset.client_parameter("tenant_id").unwrap_err().to_string(),
        "configuration: the tenant ID (`tenant_id`) is not set: call .tenant_id(value) on the \
         client builder, or set PLAIN_TENANT and call .with_env()"
    );
}

#[test]
fn the_client_parameter_setter_is_generated_from_the_spec() {
    // `project_id` is MetaStudio's `x-client-parameter`; its setter is generated code.
    let client = builder(&[]).project_id("p-1").build().unwrap();
    assert_eq!(client.client_parameter("project_id").unwrap(), "p-1");
    let parameter = SERVICE.client_parameter("project_id").unwrap();
    assert_eq!(parameter.setter, "project_id");
}

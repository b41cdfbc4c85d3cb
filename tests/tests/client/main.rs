//! The client's tests, in one binary: every operation end to end, AK/SK signing against the
//! vendor's vectors and on the wire, what generated types do at run time, the runtime's
//! configuration, transport, faults and layering, and the example program, each against a
//! real HTTP server on 127.0.0.1.

mod e2e_aksk_field;
mod e2e_operations;
mod e2e_signing;
mod example_cli;
mod generated_behaviour;
mod runtime_config;
mod runtime_faults;
mod runtime_layers;
mod runtime_streaming;
mod runtime_support;
mod runtime_transport;
mod signing_vectors;

/// Generated code reaches the runtime as `crate::runtime`, as in a generated crate.
mod runtime {
    pub use metastudio::runtime::*;
}

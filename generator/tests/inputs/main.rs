//! The generator's own integration tests, in one binary: the command line, no panic on any
//! spec, and Swagger 2.0 and OpenAPI 3.1 documents through the pipeline.

mod cli;
mod no_panic;
mod openapi31;
mod swagger2;

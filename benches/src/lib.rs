//! Benchmarks for gcp-events (criterion files under benches/).

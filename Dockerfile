# The example receiver as a Cloud Run image (docs/cloud-run.md). Build from the repository root:
#   docker build -t REGION-docker.pkg.dev/PROJECT/REPO/receiver .
# For your own service, change the -p/--bin of the build line and the binary's name below.

# Build stage: the toolchain at the workspace's rust-version, the build exactly as CI runs it
# (scripts/dockerfile-check.sh runs this RUN line verbatim and starts the binary as CMD does).
FROM rust:1.88-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p gcp-events-examples --bin axum-receiver

# Runtime stage: glibc and libgcc only, no shell, no package manager; runs as the non-root
# user `nonroot` (uid 65532). TLS roots for Google's JWKS are compiled in (rustls, webpki-roots).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/axum-receiver /usr/local/bin/receiver
# Cloud Run sets PORT (8080 unless configured); listen on every interface of the container.
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
USER nonroot
CMD ["/usr/local/bin/receiver"]

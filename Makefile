# The two commands of the README:
#   make run    install what is missing, build, and serve Clave on http://127.0.0.1:3000
#   make test   install what is missing, then every check and test (what CI runs)

# The release site: every bundle file is also written brotli- and gzip-compressed, for the server
# to send as it is (docs/performance.md).
RELEASE := --release --precompress

# wasm-opt (npm package binaryen) is used by cargo-leptos for release builds.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run test tools tools-test fmt lint rust-test fuzz-short fuzz build e2e watch bench

run: tools
	cargo leptos serve $(RELEASE)

test: tools-test fmt lint rust-test fuzz-short build e2e

tools:
	scripts/ensure-tools.sh build

tools-test:
	scripts/ensure-tools.sh test

fmt:
	cargo fmt --all --check

lint:
	cargo clippy --all-targets -- -D warnings
	cargo clippy -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

# The store, service and HTTP tests run twice: on SQLite, then on PostgreSQL (a throwaway local
# server unless CLAVE_TEST_POSTGRES_URL names one).
rust-test:
	cargo test --all-targets
	scripts/with-postgres.sh cargo test -p clave-backend -p server --all-targets

# Every fuzz target for 20 s (cargo-fuzz on the stable toolchain, installed when missing); the long
# run is `make fuzz` (10 minutes per target, docs/fuzzing.md).
fuzz-short:
	scripts/fuzz.sh 20

fuzz:
	scripts/fuzz.sh 600

build:
	cargo leptos build $(RELEASE)

e2e:
	cd end2end && npx playwright test

# The performance benchmark (docs/performance.md): every figure against its goal, in one run of
# about 7 minutes on 2 cores after the build. Not part of `make test`; the bundle budget is.
bench:
	scripts/ensure-tools.sh bench
	cargo leptos build $(RELEASE)
	cargo build --release -p clave-bench
	scripts/with-postgres.sh --durable target/release/clave-bench

# The development loop: rebuilds and reloads the browser on every change.
watch: tools
	cargo leptos watch

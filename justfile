# Every recipe is a plain cargo (or script) command; read them to run without `just`.

# The demo: server + sandbox + preview page, on the embedded SQLite default.
demo:
    cargo run --release -p usedesk-amocrm -- demo

# The server with the configuration in usedesk-amocrm.toml (or defaults).
run:
    cargo run --release -p usedesk-amocrm -- serve

# The whole test suite (what CI runs after fmt and clippy).
test:
    bash scripts/test

# Formatting and lints, as CI checks them.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# The browser end-to-end suite only.
e2e:
    cargo test -p usedesk-amocrm --test e2e

# Benchmarks: the end-to-end load benchmark (release server against the sandbox) and the criterion micro-benchmarks.
bench:
    cargo build --release -p usedesk-amocrm -p bench
    cargo run --release -p bench
    cargo bench -p block --bench render
    cargo bench -p domain --bench phone

# Ten minutes of mixed load with faults; prints the server's memory and open descriptors over time (not in CI).
soak:
    cargo build --release -p usedesk-amocrm -p bench
    cargo run --release -p bench --bin soak -- --seconds 600

# The Debian package (release build, dpkg-deb): prints the path of the .deb, under target/debian/.
deb:
    bash scripts/deb

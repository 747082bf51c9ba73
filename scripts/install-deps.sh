#!/usr/bin/env bash
# Installs the Debian 12 packages voicegate's build, engines and tests use. Idempotent; run as root.
# Node.js 20 with npm must already be installed.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
packages=(
  python3 make g++                # node-gyp builds the native addon
  systemd                         # systemd-analyze verify of the unit file
  curl ca-certificates
  espeak-ng                       # built-in TTS engine
  pocketsphinx pocketsphinx-en-us # built-in grammar ASR engine
  sip-tester                      # SIPp: SIP scenarios and load
  sox libsox-fmt-all ffmpeg       # independent G.711 / G.722 decoders in tests
  multimon-ng                     # independent in-band DTMF decoder in tests
  tshark                          # RTP capture and RFC 4733 event decoding in tests
  iproute2                        # network namespaces for loss tests
)
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${packages[@]}"

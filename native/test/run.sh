#!/bin/sh
# Builds the native cores with the native tests under AddressSanitizer and UBSan, makes the
# reference vectors with sox and ffmpeg (Debian packages sox, ffmpeg), and runs the tests.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/native/test/out"
SRC="$ROOT/native/src"
mkdir -p "$OUT"
CXX=${CXX:-g++}

"$CXX" -std=c++17 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
  -Wall -Wextra -Werror -I"$SRC" \
  "$ROOT"/native/test/*.cc \
  "$SRC/g711.cc" "$SRC/g722.cc" "$SRC/resampler.cc" "$SRC/levels.cc" \
  "$SRC/dtmf_generator.cc" "$SRC/dtmf_detector.cc" "$SRC/vad.cc" \
  -o "$OUT/codec_test"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# G.711: every code, decoded by sox and by ffmpeg.
LC_ALL=C awk 'BEGIN { for (i = 0; i < 256; i++) printf "%c", i }' > "$OUT/codes.bin"
test "$(wc -c < "$OUT/codes.bin")" -eq 256
sox -t al -r 8000 -c 1 "$OUT/codes.bin" -t raw -e signed -b 16 -L "$OUT/alaw.sox.s16"
sox -t ul -r 8000 -c 1 "$OUT/codes.bin" -t raw -e signed -b 16 -L "$OUT/ulaw.sox.s16"
ffmpeg -nostdin -loglevel error -y -f alaw -ar 8000 -ac 1 -i "$OUT/codes.bin" -f s16le "$OUT/alaw.ffmpeg.s16"
ffmpeg -nostdin -loglevel error -y -f mulaw -ar 8000 -ac 1 -i "$OUT/codes.bin" -f s16le "$OUT/ulaw.ffmpeg.s16"

# G.722: ffmpeg encodes our test signal and decodes its own bitstream (never -trellis).
"$OUT/codec_test" --write-g722-signal "$OUT/g722-signal.s16"
ffmpeg -nostdin -loglevel error -y -f s16le -ar 16000 -ac 1 -i "$OUT/g722-signal.s16" -c:a g722 -f g722 \
  "$OUT/g722-signal.ffmpeg.g722"
ffmpeg -nostdin -loglevel error -y -f g722 -i "$OUT/g722-signal.ffmpeg.g722" -f s16le \
  "$OUT/g722-signal.ffmpeg-decoded.s16"

# DTMF: the 16 keys made by sox (100 ms tone, 100 ms gap; high group 1.6 dB louder).
for rate in 8000 16000; do
  parts=""
  for key in 0 1 2 3 4 5 6 7 8 9 '*' '#' A B C D; do
    case "$key" in
      1) f="697 1209" ;; 2) f="697 1336" ;; 3) f="697 1477" ;; A) f="697 1633" ;;
      4) f="770 1209" ;; 5) f="770 1336" ;; 6) f="770 1477" ;; B) f="770 1633" ;;
      7) f="852 1209" ;; 8) f="852 1336" ;; 9) f="852 1477" ;; C) f="852 1633" ;;
      '*') f="941 1209" ;; 0) f="941 1336" ;; '#') f="941 1477" ;; D) f="941 1633" ;;
    esac
    set -- $f
    name=$(printf '%s' "$key" | od -An -tx1 | tr -d ' ')
    sox -n -r "$rate" -e signed -b 16 -c 1 -t raw "$OUT/k-$name-$rate.s16" \
      synth 0.1 sine "$1" sine "$2" remix 1v0.25,2v0.3 pad 0 0.1
    parts="$parts $OUT/k-$name-$rate.s16"
  done
  # shellcheck disable=SC2086
  cat $parts > "$OUT/sox-dtmf-$rate.s16"
done

"$OUT/codec_test" "$OUT"

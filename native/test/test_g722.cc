// G.722: our encoder and decoder are bit-exact with ffmpeg's on the 4 s test signal, whatever the
// frame size the stream is cut into.
#include <cstring>
#include <string>
#include <vector>

#include "g722.h"
#include "harness.h"
#include "signals.h"

using namespace vg::g722;

namespace {

std::vector<int16_t> AsSamples(const std::vector<unsigned char>& b) {
  std::vector<int16_t> s(b.size() / 2);
  for (size_t i = 0; i < s.size(); i++) s[i] = static_cast<int16_t>(b[2 * i] | (b[2 * i + 1] << 8));
  return s;
}

std::vector<uint8_t> EncodeInChunks(const std::vector<int16_t>& pcm, size_t chunk) {
  EncoderState st;
  EncoderInit(&st);
  std::vector<uint8_t> out(pcm.size() / 2);
  for (size_t i = 0; i < pcm.size(); i += chunk) {
    const size_t n = std::min(chunk, pcm.size() - i);
    Encode(&st, pcm.data() + i, n, out.data() + i / 2);
  }
  return out;
}

}  // namespace

TEST(g722_encoder_is_bit_exact_with_ffmpeg) {
  const auto pcm = vgtest::G722Signal();
  const auto want = vgtest::ReadFile(vgtest::VectorDir() + "/g722-signal.ffmpeg.g722");
  CHECK(want.size() == pcm.size() / 2);
  for (size_t chunk : {size_t{2}, size_t{320}, size_t{1000}, pcm.size()}) {
    const auto got = EncodeInChunks(pcm, chunk);
    size_t diff = 0;
    for (size_t i = 0; i < std::min(got.size(), want.size()); i++) diff += got[i] != want[i];
    CHECK_MSG(diff == 0 && got.size() == want.size(), "chunk " + std::to_string(chunk) + ": " +
                                                          std::to_string(diff) + " octets differ");
  }
}

TEST(g722_decoder_is_bit_exact_with_ffmpeg) {
  const auto code = vgtest::ReadFile(vgtest::VectorDir() + "/g722-signal.ffmpeg.g722");
  const auto want = AsSamples(vgtest::ReadFile(vgtest::VectorDir() + "/g722-signal.ffmpeg-decoded.s16"));
  CHECK(want.size() == code.size() * 2);
  for (size_t chunk : {size_t{1}, size_t{160}, size_t{777}, code.size()}) {
    DecoderState st;
    DecoderInit(&st);
    std::vector<int16_t> got(code.size() * 2);
    for (size_t i = 0; i < code.size(); i += chunk) {
      const size_t n = std::min(chunk, code.size() - i);
      Decode(&st, code.data() + i, n, got.data() + 2 * i);
    }
    CHECK_MSG(got == want, "chunk " + std::to_string(chunk));
  }
}

TEST(g722_decodes_what_it_encodes_close_to_the_input) {
  // Round trip of a 1 kHz tone: the codec delay is 22 samples; SNR well above 30 dB.
  const auto pcm = vgtest::Tones(16000, 0.5, {1000}, {10000});
  const auto code = EncodeInChunks(pcm, 320);
  DecoderState st;
  DecoderInit(&st);
  std::vector<int16_t> out(pcm.size());
  Decode(&st, code.data(), code.size(), out.data());
  double sig = 0, err = 0;
  for (size_t i = 2000; i < pcm.size(); i++) {
    sig += static_cast<double>(pcm[i - 22]) * pcm[i - 22];
    const double e = static_cast<double>(out[i]) - pcm[i - 22];
    err += e * e;
  }
  CHECK_MSG(10 * std::log10(sig / err) > 30, "SNR " + std::to_string(10 * std::log10(sig / err)));
}

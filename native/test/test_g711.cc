// G.711: every code decodes as sox and ffmpeg do; the encoder follows the G.711/G.191 rule.
#include <cstdint>
#include <string>
#include <vector>

#include "g711.h"
#include "harness.h"

using namespace vg::g711;

namespace {

// For each code, the contiguous range of inputs that encode to it; checks the G.711 rule that the
// decoded value is the middle of that quantisation interval, with the step of the code's segment.
void CheckIntervals(uint8_t (*enc)(int16_t), int16_t (*dec)(uint8_t), bool ulaw) {
  int lo[256], hi[256];
  for (int c = 0; c < 256; c++) lo[c] = 1 << 20, hi[c] = -(1 << 20);
  int prev_code = -1;
  std::vector<int> seen(256, 0);
  for (int x = -32768; x <= 32767; x++) {
    const int c = enc(static_cast<int16_t>(x));
    if (c != prev_code) {
      CHECK_MSG(seen[c] == 0, "code " + std::to_string(c) + " covers two separate ranges");
      seen[c] = 1;
      prev_code = c;
    }
    if (x < lo[c]) lo[c] = x;
    if (x > hi[c]) hi[c] = x;
  }
  for (int c = 0; c < 256; c++) {
    CHECK_MSG(seen[c], "code " + std::to_string(c) + " is never produced");
    const int y = dec(static_cast<uint8_t>(c));
    const int seg = ulaw ? ((~c) >> 4) & 7 : ((c ^ 0x55) >> 4) & 7;
    const int width = ulaw ? (8 << seg) : (16 << (seg > 0 ? seg - 1 : 0));
    if (ulaw && (c == 0xFF || c == 0x7F)) {
      // mu-law's two zero codes share the interval [-4, 4) around 0.
      CHECK(lo[0x7F] == -4 && hi[0x7F] == -1 && lo[0xFF] == 0 && hi[0xFF] == 3 && y == 0);
      continue;
    }
    if (hi[c] == 32767) {  // positive overload: the interval starts half a step below the level
      CHECK_MSG(2 * (y - lo[c]) == width, "top code " + std::to_string(c));
    } else if (lo[c] == -32768) {
      CHECK_MSG(2 * (hi[c] + 1 - y) == width, "bottom code " + std::to_string(c));
    } else {
      CHECK_MSG(hi[c] + 1 - lo[c] == width, "code " + std::to_string(c) + " width " +
                                                std::to_string(hi[c] + 1 - lo[c]) + " != " + std::to_string(width));
      CHECK_MSG(lo[c] + hi[c] + 1 == 2 * y, "code " + std::to_string(c) + " decodes off the interval middle");
    }
  }
}

void CheckAgainstTool(const std::string& file, int16_t (*dec)(uint8_t)) {
  const auto bytes = vgtest::ReadFile(vgtest::VectorDir() + "/" + file);
  CHECK_MSG(bytes.size() == 512, file + " must hold 256 little-endian samples");
  if (bytes.size() != 512) return;
  for (int c = 0; c < 256; c++) {
    const int16_t want = static_cast<int16_t>(bytes[2 * c] | (bytes[2 * c + 1] << 8));
    CHECK_MSG(dec(static_cast<uint8_t>(c)) == want, file + " code " + std::to_string(c));
  }
}

}  // namespace

TEST(g711_alaw_intervals_follow_the_standard) { CheckIntervals(AlawEncodeSample, AlawDecodeSample, false); }
TEST(g711_ulaw_intervals_follow_the_standard) { CheckIntervals(UlawEncodeSample, UlawDecodeSample, true); }

TEST(g711_encode_of_decode_is_identity) {
  for (int c = 0; c < 256; c++) {
    CHECK(AlawEncodeSample(AlawDecodeSample(static_cast<uint8_t>(c))) == c);
    // 0x7F is mu-law's negative zero: it decodes to 0, which encodes as 0xFF.
    if (c != 0x7F) CHECK(UlawEncodeSample(UlawDecodeSample(static_cast<uint8_t>(c))) == c);
  }
}

TEST(g711_bulk_tables_match_the_sample_functions) {
  std::vector<int16_t> x(65536);
  for (int i = 0; i < 65536; i++) x[i] = static_cast<int16_t>(i - 32768);
  std::vector<uint8_t> a(65536), u(65536);
  AlawEncode(x.data(), a.data(), x.size());
  UlawEncode(x.data(), u.data(), x.size());
  for (int i = 0; i < 65536; i++) {
    CHECK(a[i] == AlawEncodeSample(x[i]));
    CHECK(u[i] == UlawEncodeSample(x[i]));
  }
  std::vector<uint8_t> codes(256), t(256);
  std::vector<int16_t> y(256);
  for (int c = 0; c < 256; c++) codes[c] = static_cast<uint8_t>(c);
  AlawDecode(codes.data(), y.data(), 256);
  for (int c = 0; c < 256; c++) CHECK(y[c] == AlawDecodeSample(static_cast<uint8_t>(c)));
  UlawDecode(codes.data(), y.data(), 256);
  for (int c = 0; c < 256; c++) CHECK(y[c] == UlawDecodeSample(static_cast<uint8_t>(c)));
  AlawToUlaw(codes.data(), t.data(), 256);
  for (int c = 0; c < 256; c++) CHECK(t[c] == UlawEncodeSample(AlawDecodeSample(static_cast<uint8_t>(c))));
  UlawToAlaw(codes.data(), t.data(), 256);
  for (int c = 0; c < 256; c++) CHECK(t[c] == AlawEncodeSample(UlawDecodeSample(static_cast<uint8_t>(c))));
}

TEST(g711_decoders_equal_sox_and_ffmpeg) {
  CheckAgainstTool("alaw.sox.s16", AlawDecodeSample);
  CheckAgainstTool("alaw.ffmpeg.s16", AlawDecodeSample);
  CheckAgainstTool("ulaw.sox.s16", UlawDecodeSample);
  CheckAgainstTool("ulaw.ffmpeg.s16", UlawDecodeSample);
}

// DTMF (ITU-T Q.23) frequency pairs shared by the generator and the detector.
#pragma once

namespace vg {
namespace dtmf {

constexpr double kRowHz[4] = {697.0, 770.0, 852.0, 941.0};     // low group
constexpr double kColHz[4] = {1209.0, 1336.0, 1477.0, 1633.0};  // high group
constexpr char kKeys[4][4] = {{'1', '2', '3', 'A'}, {'4', '5', '6', 'B'}, {'7', '8', '9', 'C'}, {'*', '0', '#', 'D'}};

// Row and column of a key (0-9, *, #, A-D; upper case only). False for any other character.
inline bool KeyPosition(char key, int* row, int* col) {
  for (int r = 0; r < 4; r++) {
    for (int c = 0; c < 4; c++) {
      if (kKeys[r][c] == key) {
        *row = r;
        *col = c;
        return true;
      }
    }
  }
  return false;
}

}  // namespace dtmf
}  // namespace vg

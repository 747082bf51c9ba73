// Native test program: runs every registered case against the vectors in argv[1].
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "harness.h"

namespace vgtest {

namespace {
int g_failures_in_case = 0;
std::string g_vector_dir;
}  // namespace

std::vector<Case>& Registry() {
  static std::vector<Case> cases;
  return cases;
}

void Fail(const char* file, int line, const std::string& what) {
  if (g_failures_in_case < 10) fprintf(stderr, "  %s:%d: %s\n", file, line, what.c_str());
  g_failures_in_case++;
}

const std::string& VectorDir() { return g_vector_dir; }

std::vector<unsigned char> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    Fail(__FILE__, __LINE__, "cannot read " + path);
    return {};
  }
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

}  // namespace vgtest

int WriteG722Signal(const char* path);

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--write-g722-signal") return WriteG722Signal(argv[2]);
  if (argc < 2) {
    fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
    return 2;
  }
  vgtest::g_vector_dir = argv[1];
  int passed = 0, failed = 0;
  for (const auto& c : vgtest::Registry()) {
    vgtest::g_failures_in_case = 0;
    c.fn();
    if (vgtest::g_failures_in_case == 0) {
      printf("ok   %s\n", c.name);
      passed++;
    } else {
      printf("FAIL %s (%d failed checks)\n", c.name, vgtest::g_failures_in_case);
      failed++;
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

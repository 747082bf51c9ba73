// A minimal test harness for the native cores: TEST(name) registers a case, CHECK* record failures
// with file and line, and main() prints a closing "N passed, N failed" line.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace vgtest {

struct Case {
  const char* name;
  void (*fn)();
};

std::vector<Case>& Registry();
void Fail(const char* file, int line, const std::string& what);
// Directory with vectors made by sox/ffmpeg (argv[1] of the test program).
const std::string& VectorDir();
std::vector<unsigned char> ReadFile(const std::string& path);

struct Registrar {
  Registrar(const char* name, void (*fn)()) { Registry().push_back({name, fn}); }
};

}  // namespace vgtest

#define TEST(name)                                               \
  static void name();                                            \
  static vgtest::Registrar name##_registrar(#name, &name);       \
  static void name()

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) vgtest::Fail(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)

#define CHECK_MSG(cond, msg)                                                          \
  do {                                                                                \
    if (!(cond)) vgtest::Fail(__FILE__, __LINE__, std::string("CHECK(" #cond "): ") + (msg)); \
  } while (0)

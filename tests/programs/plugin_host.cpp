// Loads a step plugin (tests/plugins/step_plugin.cpp) and runs its step:
//   prog_plugin_host <library> <dir>
// prints what the plugin reports, plus the program's own build-id, and exits
// with the plugin's status.
#include <consist/detail/elf_build_id.hpp>
#include <consist/detail/hex.hpp>

#include <dlfcn.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: prog_plugin_host <library> <dir>\n");
    return 2;
  }
  void* lib = ::dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    std::fprintf(stderr, "dlopen: %s\n", ::dlerror());
    return 2;
  }
  using run_fn = int (*)(const char*, char*, std::size_t);
  const auto run = reinterpret_cast<run_fn>(::dlsym(lib, "consist_test_plugin_run"));
  if (run == nullptr) {
    std::fprintf(stderr, "dlsym: %s\n", ::dlerror());
    return 2;
  }
  char out[4096] = {};
  const int status = run(argv[2], out, sizeof out);
  const auto own = consist::detail::main_program_build_id();
  std::printf("%s\nhost=%s\n", out, own ? consist::detail::hex_encode(*own).c_str() : "none");
  return status;
}

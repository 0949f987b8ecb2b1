// A step compiled into a shared library, as a plugin or a language extension
// holds one: the library opens its own tracker and runs the step there. Built
// twice with different STEP_RESULT, once without a build-id and once with an
// embedded git identity, and loaded by prog_plugin_host, so that the code
// identity of a step in a library can be told from the program's.
#include <consist.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>

#ifndef STEP_RESULT
#error "build with -DSTEP_RESULT=<int>"
#endif

#ifdef STEP_EMBEDDED_GIT
// What consist_embed_code_identity(<this library>) generates.
extern "C" {
extern const char consist_v0_embedded_code_identity[];
const char consist_v0_embedded_code_identity[] = "git:" STEP_EMBEDDED_GIT;
}
#endif

/// Runs the step over the store in `dir`; writes what happened into `out`.
extern "C" [[gnu::visibility("default")]] int consist_test_plugin_run(const char* dir, char* out, std::size_t size) {
  try {
    const std::filesystem::path d(dir);
    consist::tracker t(consist::tracker_config{.store = d / "store", .run_dir = d});
    const auto r = t.run([] { return STEP_RESULT; }, consist::name{"plugin_step"});
    std::snprintf(out, size, "hit=%d value=%d mode=%s code=%s", r.cache_hit ? 1 : 0, r.value,
                  r.run.identity.code_mode.c_str(), r.run.identity.code_version.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::snprintf(out, size, "error: %s", e.what());
    return 1;
  }
}

#pragma once
// Shared by the store tests: scratch directories and fully populated records.

#include <consist/detail/hex.hpp>
#include <consist/record.hpp>
#include <consist/store/layout.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

namespace fixtures {

/// A fresh, empty directory for one test (unique per process).
inline std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::path(CONSIST_TEST_BINARY_DIR) / "store_scratch" /
                   (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir.parent_path());
  return dir;
}

inline consist::timestamp at(std::int64_t ns) { return consist::timestamp(std::chrono::nanoseconds(ns)); }

inline consist::signature_digest signature_of(int i) {
  consist::signature_digest d{};
  for (std::size_t k = 0; k < d.size(); ++k) d[k] = static_cast<std::uint8_t>(i * 31 + static_cast<int>(k) * 7);
  return d;
}

/// A record with every field set to something other than its default.
inline consist::run_record full_record(const std::string& id, int i = 1) {
  using namespace consist;
  run_record r;
  r.id = id;
  r.parent_run_id = "parent_" + std::to_string(i % 3);
  r.status = run_status::completed;
  r.model_name = "model_" + std::to_string(i % 2);
  r.description = "a \"quoted\" description\nwith a newline and \xc3\xa9";
  r.year = 2000 + i;
  r.iteration = -i;
  r.stage = "stage";
  r.phase = "phase";
  r.tags = {"tag_a", "tag_" + std::to_string(i % 4)};
  r.config_hash = "c0ffee";
  r.input_hash = "1234";
  r.code_hash = "abcd";
  r.signature = detail::hex_encode(signature_of(i));
  r.meta = {{"cache_hit", false}, {"nested", {{"x", 1.5}, {"list", {1, 2, 3}}}}};
  r.started_at = at(1'700'000'000'123'456'789 + i);
  r.ended_at = at(1'700'000'010'000'000'001 + i);
  r.created_at = at(1'700'000'000'000'000'000 + std::int64_t{i} * 1'000'000);
  r.updated_at = at(1'700'000'020'000'000'000 + i);
  r.identity.signature = r.signature;
  r.identity.config_hash = "c0ffee";
  r.identity.input_hash = "1234";
  r.identity.code_hash = "abcd";
  r.identity.code_mode = "git";
  r.identity.code_version = "deadbeef+dirty.0123";
  r.identity.adapter_name = "reflect";
  r.identity.adapter_version = 3;
  r.identity.schema_hash = 0xfedcba9876543210ULL;
  r.identity.model = r.model_name;
  r.identity.year = r.year;
  r.identity.iteration = std::nullopt;
  r.identity.cache_epoch = 7;
  r.identity.cache_version = "v2";
  r.identity.identity_inputs = {{"b_param", "aa"}, {"a_param", "bb"}};
  r.identity.inputs = {{"skims", "cc"}};
  r.config = {{"alpha", 0.5}, {"names", {"x", "y"}}, {"big", 18446744073709551615ULL}, {"neg", -3}};
  r.config_fields = {{"alpha", "01"}, {"names", "02"}};
  r.explanation = miss_explanation{"config changed", "run_0", {"config"}, {"alpha"}, {"skims"}};
  r.error = "";
  r.cache_hit = true;
  r.cache_source = "run_0";
  r.span_stats = {span_stat{"loop", "main.cpp", 42, true, 10, 1000, 50, 200, 2},
                  span_stat{"count", "main.cpp", 43, false, 5, 0, 0, 0, 1}};
  r.links = {artifact_link{id, "art-in-" + std::to_string(i), "skims", link_direction::input},
             artifact_link{id, "art-out-" + std::to_string(i), "result", link_direction::output}};
  r.pid = 4242;
  r.host = "node01";
  r.boot_id = "boot-1";
  return r;
}

inline consist::artifact full_artifact(const std::string& id, const std::string& producer = "") {
  consist::artifact a;
  a.id = id;
  a.key = "result";
  a.location = "outputs/m/" + id + ".csv";
  a.driver = "csv";
  a.fingerprint = "0011223344556677";
  a.fingerprint_strategy = "content";
  a.size = 123456789012ULL;
  a.is_directory = false;
  a.producing_run_id = producer;
  a.producing_signature = producer.empty() ? "" : "ff00";
  a.created_at = at(-1'234'567'890'123);  // before 1970 on purpose
  return a;
}

inline consist::cache_entry entry_for(const consist::run_record& r, int i) {
  consist::cache_entry e;
  e.run_id = r.id;
  e.signature = signature_of(i);
  e.created_at = r.created_at;
  e.value = {1, 2, 3, static_cast<std::uint8_t>(i), 0, 255};
  e.outputs = {{"result", "art-out-" + std::to_string(i)}};
  return e;
}

/// Output of a shell command (stdout), and its exit status.
inline std::pair<std::string, int> run_command(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return {"", -1};
  char buf[4096];
  while (const auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  return {out, ::pclose(p)};
}

}  // namespace fixtures

// Snapshot files made ahead (detail/snapshot_file.hpp): a spare is made in the
// background for the folder asked for, a snapshot written through it lands
// with its exact text in the spare's own file (same inode), nothing but
// snapshots is left once the spares close, and a spare that cannot be used
// gives way to a file of the writer's own.
#include <scratch.hpp>

#include <consist.hpp>
#include <consist/detail/snapshot_file.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using consist::detail::spare_files;
using consist::detail::write_snapshot_file;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> spares_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& n : names_in(dir))
    if (n.starts_with(".spare.tmp.")) out.push_back(n);
  return out;
}

/// Asks until a spare is ready in `dir` (the thread makes it in the background); waits at most 10 s.
std::optional<spare_files::file> take_ready(spare_files& s, const fs::path& dir) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    if (auto f = s.take(dir)) return f;
    if (std::chrono::steady_clock::now() > until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

/// Waits until `s` holds a spare ready to be taken and returns the inode of
/// the one spare file in `dir`; 0 if none came within 10 s. (The file exists
/// a moment before the thread hands it over, so the listing alone would race.)
ino_t wait_for_spare(spare_files& s, const fs::path& dir) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    if (s.ready()) {
      const auto names = spares_in(dir);
      struct stat st{};
      if (names.size() == 1 && ::stat((dir / names[0]).c_str(), &st) == 0) return st.st_ino;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return 0;
}

ino_t inode_of(const fs::path& p) {
  struct stat st{};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_ino;
}

struct step_config {
  BOOST_HANA_DEFINE_STRUCT(step_config, (int, n));
};

}  // namespace

TEST_CASE("a spare is made ahead in the folder asked for, empty and hidden") {
  const auto dir = consist_test::scratch_dir("spare-made");
  spare_files s;
  CHECK_FALSE(s.take(dir).has_value());  // none is ready before anyone asked
  auto f = take_ready(s, dir);
  REQUIRE(f.has_value());
  CHECK(f->fd >= 0);
  CHECK(fs::path(f->path).parent_path() == dir);
  CHECK(fs::path(f->path).filename().string().starts_with(".spare.tmp."));
  CHECK(fs::file_size(f->path) == 0);
  ::close(f->fd);
  fs::remove(f->path);
}

TEST_CASE("a snapshot written through a spare is the spare's file, with the exact text") {
  const auto dir = consist_test::scratch_dir("spare-used");
  {
    spare_files s;
    write_snapshot_file(dir / "first.json", "{\"n\":1}\n", &s);  // no spare yet: a file of its own
    const ino_t spare = wait_for_spare(s, dir);
    REQUIRE(spare != 0);
    const std::string text(5000, 'x');
    write_snapshot_file(dir / "second.json", text, &s);
    CHECK(inode_of(dir / "second.json") == spare);
    CHECK(read_text(dir / "second.json") == text);
    CHECK(read_text(dir / "first.json") == "{\"n\":1}\n");
    CHECK(wait_for_spare(s, dir) != 0);  // the next one is made
  }
  // Closed: the unused spare is gone, and no temporary file is left.
  CHECK(names_in(dir) == std::vector<std::string>{"first.json", "second.json"});
}

TEST_CASE("asking for another folder removes the spare made for the first") {
  const auto a = consist_test::scratch_dir("spare-a");
  const auto b = consist_test::scratch_dir("spare-b");
  spare_files s;
  CHECK_FALSE(s.take(a).has_value());
  REQUIRE(wait_for_spare(s, a) != 0);
  CHECK_FALSE(s.take(b).has_value());  // a's spare is not handed out for b
  CHECK(spares_in(a).empty());
  auto f = take_ready(s, b);
  REQUIRE(f.has_value());
  CHECK(fs::path(f->path).parent_path() == b);
  ::close(f->fd);
  fs::remove(f->path);
}

TEST_CASE("a spare whose folder went away gives way to a file of the writer's own") {
  const auto root = consist_test::scratch_dir("spare-gone");
  const auto dir = root / "runs";
  fs::create_directories(dir);
  spare_files s;
  CHECK_FALSE(s.take(dir).has_value());
  REQUIRE(wait_for_spare(s, dir) != 0);
  fs::remove_all(dir);  // the spare is unlinked with it, yet still open
  write_snapshot_file(dir / "run.json", "{}\n", &s);
  CHECK(read_text(dir / "run.json") == "{}\n");
  for (const auto& n : names_in(dir)) CHECK((n == "run.json" || n.starts_with(".spare.tmp.")));
}

TEST_CASE("a file that cannot be written is a store_error naming it, with no temporary file left") {
  const auto dir = consist_test::scratch_dir("spare-error");
  spare_files s;
  CHECK_FALSE(s.take(dir).has_value());
  REQUIRE(wait_for_spare(s, dir) != 0);
  fs::create_directories(dir / "taken.json" / "inside");  // a folder where the file should go: rename fails
  std::string message;
  try {
    write_snapshot_file(dir / "taken.json", "{}\n", &s);
  } catch (const consist::store_error& e) {
    message = e.what();
  }
  CHECK(message.find("taken.json") != std::string::npos);
  for (const auto& n : names_in(dir)) CHECK((n == "taken.json" || n.starts_with(".spare.tmp.")));
}

TEST_CASE("the snapshot of a run whose id is as long as an id may be is written without a spare") {
  const auto dir = consist_test::scratch_dir("longest-id");
  const std::string name = std::string(250, 'r') + ".json";  // a 250-byte run id: a 255-byte file name
  write_snapshot_file(dir / name, "{\"n\":1}\n", nullptr);  // its temporary file named after it, cut to fit
  CHECK(names_in(dir) == std::vector<std::string>{name});
}

TEST_CASE("a tracker's misses write their snapshots into files made ahead; closing leaves only snapshots") {
  const auto dir = consist_test::scratch_dir("spare-tracker");
  const auto runs = dir / "runs";
  auto step = [](const step_config& c) { return c.n * 2; };
  std::string second_id;
  {
    consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir, .code_version = "spare-1"});
    const auto first = t.run(step, consist::name{"double"}, consist::config{step_config{1}});
    const ino_t spare = wait_for_spare(*t.store().snapshot_spares(), runs);
    REQUIRE(spare != 0);
    const auto second = t.run(step, consist::name{"double"}, consist::config{step_config{2}});
    second_id = second.run.id;
    CHECK(inode_of(consist::snapshot_path(dir, second_id)) == spare);
    CHECK(consist::read_snapshot(consist::snapshot_path(dir, second_id)).id == second_id);
    CHECK(consist::read_snapshot(consist::snapshot_path(dir, first.run.id)).id == first.run.id);
    // The snapshot is made from the record's text as committed: the same
    // record as the store's, and the same text a snapshot of it has.
    for (const auto* r : {&first.run, &second.run}) {
      const auto file = consist::snapshot_path(dir, r->id);
      const auto snap = consist::read_snapshot_full(file);
      CHECK(snap.record == *r);
      CHECK(snap.record == t.store().get_run(r->id));
      REQUIRE(snap.cache.has_value());
      std::ifstream in(file, std::ios::binary);
      const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      CHECK(text == consist::snapshot_to_text(*r, &*snap.cache, snap.artifacts));
    }
  }
  for (const auto& n : names_in(runs)) CHECK_MESSAGE(!n.starts_with("."), n);
  CHECK(names_in(runs).size() == 2);
}

TEST_CASE("a spare left behind (a killed process) is skipped by a rebuild from the snapshots") {
  const auto dir = consist_test::scratch_dir("spare-rebuild");
  auto step = [](const step_config& c) { return c.n + 1; };
  {
    consist::tracker t(consist::tracker_config{.store = dir / "store", .run_dir = dir, .code_version = "spare-1"});
    t.run(step, consist::name{"inc"}, consist::config{step_config{1}});
  }
  std::ofstream(dir / "runs" / ".spare.tmp.999999.0").flush();  // what a SIGKILL leaves
  auto rebuilt = consist::run_store::open(consist::store_options{.path = dir / "store2"});
  CHECK(consist::rebuild_store_from_snapshots(*rebuilt, dir) == 1);
}

#include <consist/identity/fingerprint.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using consist::fingerprint_path;
using consist::hashing_mode;

namespace {

// A fresh directory per test case under the scratch build directory.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(CONSIST_TEST_BINARY_DIR) / "fingerprint_scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
  REQUIRE(out.good());
}

std::vector<std::uint8_t> pseudo_random_bytes(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (auto& b : v) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::uint8_t>(x);
  }
  return v;
}

}  // namespace

TEST_CASE("full mode: one changed byte changes the digest; rewriting the same bytes does not") {
  const auto dir = scratch("one_byte");
  const auto file = dir / "a.bin";
  write_file(file, "abcdefgh");
  const auto before = fingerprint_path(file, hashing_mode::full);
  CHECK(before.mode == hashing_mode::full);
  CHECK_FALSE(before.is_directory);
  CHECK(before.size == 8);
  CHECK(before.file_count == 1);

  write_file(file, "abcdefgX");
  const auto changed = fingerprint_path(file, hashing_mode::full);
  CHECK(changed != before);
  CHECK(changed.size == before.size);

  write_file(file, "abcdefgh");
  fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(5));
  const auto restored = fingerprint_path(file, hashing_mode::full);
  CHECK(restored == before);
  CHECK(restored.mtime_ns != before.mtime_ns);
}

TEST_CASE("fast mode: same size and mtime is the same fingerprint; a touched mtime is not") {
  const auto dir = scratch("fast");
  const auto file = dir / "a.txt";
  write_file(file, "12345");
  const auto stamp = fs::last_write_time(file);
  const auto first = fingerprint_path(file, hashing_mode::fast);
  CHECK(first.mode == hashing_mode::fast);
  CHECK(first.size == 5);

  // Different bytes, same size, mtime put back: fast mode cannot tell.
  write_file(file, "54321");
  fs::last_write_time(file, stamp);
  CHECK(fingerprint_path(file, hashing_mode::fast) == first);

  fs::last_write_time(file, stamp + std::chrono::nanoseconds(1'000'000));
  const auto touched = fingerprint_path(file, hashing_mode::fast);
  CHECK(touched != first);
  CHECK(touched.mtime_ns - first.mtime_ns == 1'000'000);

  write_file(file, "123456");
  fs::last_write_time(file, stamp);
  CHECK(fingerprint_path(file, hashing_mode::fast) != first);  // the size differs
}

TEST_CASE("fast mode: another file of the same size and mtime is another fingerprint") {
  const auto dir = scratch("fast_other_file");
  write_file(dir / "a.txt", "12345");
  write_file(dir / "b.txt", "54321");
  fs::last_write_time(dir / "b.txt", fs::last_write_time(dir / "a.txt"));
  const auto a = fingerprint_path(dir / "a.txt", hashing_mode::fast);
  const auto b = fingerprint_path(dir / "b.txt", hashing_mode::fast);
  REQUIRE(a.size == b.size);
  REQUIRE(a.mtime_ns == b.mtime_ns);
  CHECK(a != b);
  CHECK(fingerprint_path(dir / "a.txt", hashing_mode::fast) == a);  // the same file again: the same
  // Put in a's place (a new inode, as tar and rsync do), b is still not a.
  fs::rename(dir / "b.txt", dir / "a.txt");
  CHECK(fingerprint_path(dir / "a.txt", hashing_mode::fast) == b);
  CHECK(fingerprint_path(dir / "a.txt", hashing_mode::fast) != a);
}

TEST_CASE("a 5 MiB file's full digest is the one-shot SipHash-128 of its bytes") {
  const auto dir = scratch("large");
  const auto bytes = pseudo_random_bytes(5 * 1024 * 1024 + 3);  // not a multiple of the block
  {
    std::ofstream out(dir / "big.bin", std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  const auto fp = fingerprint_path(dir / "big.bin", hashing_mode::full);
  CHECK(fp.digest == consist::siphash24_128(bytes, consist::identity_key));
  CHECK(fp.size == bytes.size());
}

TEST_CASE("an empty file and an empty directory") {
  const auto dir = scratch("empty");
  write_file(dir / "empty.txt", "");
  const auto file = fingerprint_path(dir / "empty.txt", hashing_mode::full);
  CHECK(file.size == 0);
  CHECK(file.digest == consist::siphash24_128(std::string_view{}, consist::identity_key));

  fs::create_directories(dir / "nothing");
  const auto empty_dir = fingerprint_path(dir / "nothing", hashing_mode::full);
  CHECK(empty_dir.is_directory);
  CHECK(empty_dir.file_count == 0);
  CHECK(empty_dir.size == 0);
  CHECK(empty_dir != file);
  CHECK(empty_dir != fingerprint_path(dir / "nothing", hashing_mode::fast));

  // An empty subdirectory is part of the tree.
  fs::create_directories(dir / "nothing" / "sub");
  CHECK(fingerprint_path(dir / "nothing", hashing_mode::full) != empty_dir);
}

TEST_CASE("directories: names count, creation order does not") {
  const auto root = scratch("dirs");
  const auto build = [](const fs::path& d, bool reversed) {
    const std::vector<std::pair<std::string, std::string>> files{
        {"a.txt", "alpha"}, {"sub/b.txt", "beta"}, {"sub/deeper/c.txt", "gamma"}, {"z.txt", ""}};
    if (reversed) {
      for (auto it = files.rbegin(); it != files.rend(); ++it) write_file(d / it->first, it->second);
    } else {
      for (const auto& [name, content] : files) write_file(d / name, content);
    }
  };
  build(root / "one", false);
  build(root / "two", true);
  const auto mode = hashing_mode::full;  // fast mode would see the different mtimes
  const auto one = fingerprint_path(root / "one", mode);
  CHECK(one.is_directory);
  CHECK(one.file_count == 4);
  CHECK(one.size == 5 + 4 + 5);
  CHECK(one == fingerprint_path(root / "two", mode));

  fs::rename(root / "two" / "sub" / "b.txt", root / "two" / "sub" / "b2.txt");
  const auto renamed = fingerprint_path(root / "two", mode);
  CHECK(renamed != one);
  CHECK(renamed.size == one.size);

  fs::rename(root / "two" / "sub" / "b2.txt", root / "two" / "sub" / "b.txt");
  CHECK(fingerprint_path(root / "two", mode) == one);

  // Moving a file to another subdirectory is a change too.
  fs::rename(root / "two" / "a.txt", root / "two" / "sub" / "a.txt");
  CHECK(fingerprint_path(root / "two", mode) != one);
}

TEST_CASE("a directory digest frames its entries in relative-path order, whatever the listing order") {
  // Enough names that the filesystem's listing order (hash order on ext4)
  // differs from the sorted order the digest is defined over.
  const auto root = scratch("framing");
  std::vector<std::string> names;
  for (int i = 0; i < 24; ++i) names.push_back("f" + std::to_string(i * 7 % 24) + ".txt");
  for (const auto& n : names) write_file(root / "d" / n, "content of " + n);
  fs::create_directories(root / "d" / "empty");
  write_file(root / "d" / "sub" / "x.txt", "x");

  std::vector<std::string> files = names;
  files.push_back("sub/x.txt");
  std::vector<std::pair<std::string, bool>> entries;  // (relative name, is directory)
  for (const auto& f : files) entries.emplace_back(f, false);
  entries.emplace_back("empty", true);
  entries.emplace_back("sub", true);
  std::sort(entries.begin(), entries.end());

  consist::siphash24_128_stream expected(consist::identity_key);
  consist::detail::hash_field(expected, "consist.fingerprint.directory");
  consist::detail::hash_field(expected, "full");
  for (const auto& [name, is_dir] : entries) {
    consist::detail::hash_field(expected, is_dir ? "d" : "f");
    consist::detail::hash_field(expected, name);
    if (!is_dir) {
      const auto file = fingerprint_path(root / "d" / name, hashing_mode::full);
      expected.update(std::span<const std::uint8_t>(file.digest));
    }
  }
  CHECK(fingerprint_path(root / "d", hashing_mode::full).digest == expected.finish());
}

TEST_CASE("directories in fast mode follow the files' size and mtime") {
  const auto root = scratch("dir_fast");
  write_file(root / "d" / "x.txt", "x");
  const auto before = fingerprint_path(root / "d", hashing_mode::fast);
  CHECK(fingerprint_path(root / "d", hashing_mode::fast) == before);
  fs::last_write_time(root / "d" / "x.txt", fs::last_write_time(root / "d" / "x.txt") + std::chrono::seconds(1));
  CHECK(fingerprint_path(root / "d", hashing_mode::fast) != before);
}

TEST_CASE("a missing path throws identity_error naming the path") {
  const auto missing = scratch("missing") / "no-such-input.csv";
  for (const auto mode : {hashing_mode::full, hashing_mode::fast}) {
    try {
      (void)fingerprint_path(missing, mode);
      FAIL("expected identity_error");
    } catch (const consist::identity_error& e) {
      CHECK(std::string(e.what()).find(missing.string()) != std::string::npos);
      CHECK(e.likely_cause().find("does not exist") != std::string::npos);
    }
  }
}

TEST_CASE("a file whose read fails throws identity_error naming the path") {
  // /proc/self/mem opens as a regular file but reading offset 0 fails (EIO),
  // for every user, root included.
  try {
    (void)fingerprint_path("/proc/self/mem", hashing_mode::full);
    FAIL("expected identity_error");
  } catch (const consist::identity_error& e) {
    CHECK(e.problem().find("cannot read \"/proc/self/mem\"") != std::string::npos);
  }
}

TEST_CASE("a file without read permission throws identity_error naming the path") {
  if (::geteuid() == 0) {
    MESSAGE("running as root: permission bits are not enforced, case skipped");
    return;
  }
  const auto dir = scratch("unreadable");
  write_file(dir / "secret.txt", "x");
  fs::permissions(dir / "secret.txt", fs::perms::none);
  try {
    (void)fingerprint_path(dir / "secret.txt", hashing_mode::full);
    FAIL("expected identity_error");
  } catch (const consist::identity_error& e) {
    CHECK(std::string(e.what()).find("secret.txt") != std::string::npos);
  }
  CHECK_THROWS_AS(fingerprint_path(dir, hashing_mode::full), consist::identity_error);
  fs::permissions(dir / "secret.txt", fs::perms::owner_all);
}

TEST_CASE("symbolic links: content under the link's name; dangling links and cycles throw") {
  const auto root = scratch("links");
  write_file(root / "outside" / "data.txt", "shared data");
  write_file(root / "tree" / "own.txt", "own");
  fs::create_symlink(root / "outside" / "data.txt", root / "tree" / "link.txt");
  const auto with_link = fingerprint_path(root / "tree", hashing_mode::full);
  CHECK(with_link.file_count == 2);

  // The same tree with a copy instead of a link: the same fingerprint.
  write_file(root / "copy" / "own.txt", "own");
  write_file(root / "copy" / "link.txt", "shared data");
  CHECK(fingerprint_path(root / "copy", hashing_mode::full) == with_link);

  // A change to the target outside the tree changes the tree's fingerprint.
  write_file(root / "outside" / "data.txt", "shared data, edited");
  CHECK(fingerprint_path(root / "tree", hashing_mode::full) != with_link);

  // A link to a directory is walked under the link's name.
  fs::create_directory_symlink(root / "outside", root / "tree" / "linked_dir");
  const auto with_dir_link = fingerprint_path(root / "tree", hashing_mode::full);
  CHECK(with_dir_link.file_count == 3);

  fs::create_directory_symlink(root / "tree", root / "tree" / "loop");
  CHECK_THROWS_AS(fingerprint_path(root / "tree", hashing_mode::full), consist::identity_error);
  fs::remove(root / "tree" / "loop");

  fs::create_symlink(root / "nowhere.txt", root / "tree" / "dangling.txt");
  try {
    (void)fingerprint_path(root / "tree", hashing_mode::fast);
    FAIL("expected identity_error");
  } catch (const consist::identity_error& e) {
    CHECK(std::string(e.what()).find("dangling.txt") != std::string::npos);
    CHECK(e.problem().find("symbolic link") != std::string::npos);
  }
}

TEST_CASE("a fifo is refused, not read") {
  const auto dir = scratch("fifo");
  REQUIRE(::mkfifo((dir / "pipe").c_str(), 0600) == 0);
  CHECK_THROWS_AS(fingerprint_path(dir / "pipe", hashing_mode::full), consist::identity_error);
  CHECK_THROWS_AS(fingerprint_path(dir, hashing_mode::full), consist::identity_error);
}

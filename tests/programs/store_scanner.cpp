// A reader beside concurrent writers: scans every record of the store (each
// decoded) again and again until STOP_FILE exists, checks that every
// completed miss it sees is in the signature index, and writes
// "scans <n> records <seen> max <largest scan>" to RESULT_FILE.
#include <consist/store/store.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: store_scanner STORE STOP_FILE RESULT_FILE\n");
    return 2;
  }
  try {
    auto store = consist::run_store::open(consist::store_options{.path = argv[1], .read_only = true});
    std::size_t scans = 0, seen = 0, largest = 0;
    for (bool last = false; !last;) {
      last = std::filesystem::exists(argv[2]);  // one more full scan after the writers stopped
      const auto all = store->find_runs({});
      for (const auto& r : all) {
        if (r.status != consist::run_status::completed || r.cache_hit) continue;
        consist::signature_digest d{};
        if (!consist::detail::hex_decode_into(r.signature, d) || !store->find_cached(d)) {
          std::fprintf(stderr, "run %s is completed but its signature is not indexed\n", r.id.c_str());
          return 1;
        }
      }
      ++scans;
      seen += all.size();
      if (all.size() > largest) largest = all.size();
    }
    std::ofstream(argv[3]) << "scans " << scans << " records " << seen << " max " << largest << "\n";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_scanner: %s\n", e.what());
    return 1;
  }
  return 0;
}

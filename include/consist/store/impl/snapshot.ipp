#pragma once
// Body of <consist/store/snapshot.hpp>.

#include <consist/store/snapshot.hpp>

#include <consist/detail/base64.hpp>
#include <consist/detail/hex.hpp>
#include <consist/detail/json_writer.hpp>
#include <consist/detail/record_text.hpp>
#include <consist/detail/snapshot_file.hpp>
#include <consist/error.hpp>
#include <consist/store/layout.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace consist::inline v0 {

std::filesystem::path snapshot_path(const std::filesystem::path& run_dir, std::string_view run_id) {
  layout::validate_name(run_id, "run id");  // also a file name: no '/', not "." or ".."
  return run_dir / "runs" / (std::string(run_id) + ".json");
}

namespace detail {

inline constexpr std::string_view snapshot_keys[] = {"cache", "artifacts"};

// The "cache" member: null unless the run completed with an entry.
inline void write_cache_member(json_writer& w, const run_record& r, const cache_entry* e) {
  w.key("cache");
  if (!e || r.status != run_status::completed) {
    w.null();
    return;
  }
  w.begin_object();
  w.member("signature", hex_encode(e->signature));
  w.member("created_at", format_timestamp(e->created_at));
  w.member("value_base64", to_base64(e->value));
  write_string_map(w, "outputs", e->outputs);
  w.end_object();
}

inline std::optional<cache_entry> cache_from_json(const boost::json::value& v, const run_record& r,
                                                  const std::string& source) {
  if (v.is_null()) return std::nullopt;
  json_fields f(v, "cache", source);
  cache_entry e;
  e.run_id = r.id;
  const auto sig = f.string("signature");
  if (!hex_decode_into(sig, e.signature))
    throw integrity_error(source + ": field 'cache.signature' is not 32 lowercase hex digits", "the file was edited or damaged",
                          "restore the snapshot");
  e.created_at = f.time("created_at");
  auto value = from_base64(f.string("value_base64"));
  if (!value)
    throw integrity_error(source + ": field 'cache.value_base64' is not canonical base64", "the file was edited or damaged",
                          "restore the snapshot");
  e.value = std::move(*value);
  e.outputs = f.string_map("outputs");
  f.done();
  return e;
}

}  // namespace detail

// record_to_json has no member named "cache" or "artifacts", so the two
// come after the record's own, as serialize(doc) wrote them once
// doc["cache"] and doc["artifacts"] were added.
std::string snapshot_to_text(const run_record& record, const cache_entry* entry,
                             std::span<const artifact> artifacts) {
  return snapshot_to_text(record_to_text(record), record, entry, artifacts);
}

std::string snapshot_to_text(std::string record_text, const run_record& record, const cache_entry* entry,
                             std::span<const artifact> artifacts) {
  std::string out = std::move(record_text);
  out.reserve(out.size() + 1024 + 512 * artifacts.size());
  detail::json_writer w(out, detail::json_writer::reopen_object);
  detail::write_cache_member(w, record, entry);
  w.key("artifacts");
  w.begin_array();
  for (const auto& a : artifacts) detail::write_artifact(w, a);
  w.end_array();
  w.end_object();
  w.finish();
  out += '\n';
  return out;
}

std::string snapshot_text_from_store(const run_store& store, const run_record& record) {
  std::optional<cache_entry> entry;
  if (signature_digest d{}; record.status == run_status::completed && detail::hex_decode_into(record.signature, d)) {
    entry = store.find_cached(d);
    if (entry && entry->run_id != record.id) entry.reset();  // a newer run of the signature holds the entry
  }
  std::vector<artifact> introduced;
  for (const auto& l : record.links)
    if (auto a = store.get_artifact(l.artifact_id);
        a && (a->producing_run_id.empty() || a->producing_run_id == record.id))
      introduced.push_back(std::move(*a));
  return snapshot_to_text(record, entry ? &*entry : nullptr, introduced);
}

void write_snapshot(const std::filesystem::path& run_dir, const run_record& record, const cache_entry* entry,
                    std::span<const artifact> artifacts) {
  detail::write_snapshot_file(snapshot_path(run_dir, record.id), snapshot_to_text(record, entry, artifacts), nullptr);
}

namespace detail {

inline snapshot snapshot_from_document(const boost::json::value& doc, const std::string& source) {
  snapshot s;
  s.record = record_from_json(doc, source, detail::snapshot_keys);
  const auto& obj = doc.get_object();  // record_from_json checked it is an object
  const auto* cache = obj.if_contains("cache");
  const auto* arts = obj.if_contains("artifacts");
  if (!cache || !arts)
    throw integrity_error(source + ": required field '" + std::string(cache ? "artifacts" : "cache") + "' is missing",
                          "the file is not a consist snapshot, or was edited", "restore the snapshot");
  s.cache = detail::cache_from_json(*cache, s.record, source);
  if (!arts->is_array()) throw integrity_error(source + ": field 'artifacts' must be an array", "the file was edited", "restore it");
  for (std::size_t i = 0; i < arts->get_array().size(); ++i)
    s.artifacts.push_back(artifact_from_json(arts->get_array()[i], source, "artifacts[" + std::to_string(i) + "]"));
  return s;
}

}  // namespace detail

snapshot snapshot_from_text(std::string_view text, const std::string& source) {
  return detail::decode_json_text(
      text, source, [&](const boost::json::value& doc) { return detail::snapshot_from_document(doc, source); });
}

snapshot read_snapshot_full(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw not_found_error("cannot open the snapshot '" + file.string() + "'", "the file does not exist or is unreadable",
                                 "check the path (snapshots are <run_dir>/runs/<run_id>.json)");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return snapshot_from_text(text, "snapshot " + file.string());
}

std::size_t rebuild_store_from_snapshots(run_store& store, const std::filesystem::path& run_dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(run_dir / "runs", ec)) {
    const auto name = e.path().filename().string();
    if (!name.starts_with(".") && e.path().extension() == ".json") files.push_back(e.path());
  }
  if (ec) detail::snapshot_io_error("cannot list the snapshots in", run_dir / "runs", ec.value());
  std::sort(files.begin(), files.end());
  const auto read = [](const std::filesystem::path& f) {
    auto s = read_snapshot_full(f);
    if (s.record.id + ".json" != f.filename().string())
      throw integrity_error("snapshot " + f.string() + " holds run '" + s.record.id + "'",
                            "the file was renamed or copied", "name the file <run_id>.json");
    return s;
  };
  // Every snapshot is read once before anything is written, so that a bad
  // one stops the rebuild with nothing written: the store stays empty and
  // the rebuild can be run again once the file is fixed or removed. The
  // runs are then read again and committed in batches, rather than all
  // held in memory at once.
  for (const auto& f : files) static_cast<void>(read(f));
  std::vector<run_commit> batch;
  auto flush_batch = [&] {
    store.commit_runs(batch);
    batch.clear();
  };
  for (const auto& f : files) {
    auto s = read(f);
    batch.push_back({std::move(s.record), std::move(s.cache), std::move(s.artifacts)});
    if (batch.size() == 256) flush_batch();
  }
  if (!batch.empty()) flush_batch();
  return files.size();
}

}  // namespace consist::inline v0

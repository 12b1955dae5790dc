// Writing a bundle (`timecraft export bundle`): the log's segments are
// streamed, never held in memory.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/bundle.hpp"
#include "registry/sha256.hpp"
#include "trace/log_reader.hpp"
#include "trace/log_writer.hpp"

namespace tc::registry {

namespace {

// Reads all of segment `index` in pieces (range reads), each given to
// `fn`; returns the size.
Expected<uint64_t> for_each_piece(const trace::SegmentStore& log, uint32_t index,
                                  const std::function<Expected<void>(std::span<const uint8_t>)>& fn) {
  constexpr uint64_t kPiece = 1 << 20;
  uint64_t total = 0;
  for (;;) {
    auto piece = log.read(index, total, kPiece);
    if (!piece) return piece.error();
    if (!*piece) return make_error(ErrorKind::Io, "cannot open " + log.name(index) + ": " + std::strerror(ENOENT));
    if ((*piece)->empty()) return total;
    TC_TRY(fn(**piece));
    total += (*piece)->size();
    if ((*piece)->size() < kPiece) return total;
  }
}

Expected<void> add_file(tar::Writer& w, const std::string& name, std::span<const uint8_t> data,
                        int64_t mtime) {
  TC_TRY(w.begin_file(name, data.size(), mtime));
  return w.write(data);
}

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

Expected<BundleManifest> write_bundle(const Registry& reg, const std::string& id,
                                      const tar::Sink& sink) {
  auto meta_text = reg.read_process_meta(id);
  if (!meta_text) return meta_text.error();
  auto meta = process_meta_from_json(*meta_text);
  if (!meta) return make_error(ErrorKind::Io, reg.process_meta_path(id) + ": " + meta.error().message);
  if (meta->id != id)
    return make_error(ErrorKind::Io, reg.process_meta_path(id) + ": names another process, " + meta->id);
  auto module = reg.read_module(meta->module_digest);
  if (!module)
    return make_error(ErrorKind::Io, "process " + id + ": its module sha256:" + meta->module_digest +
                                         " cannot be read: " + module.error().message);
  BundleManifest m;
  m.process_id = id;
  m.module_digest = meta->module_digest;
  m.files.push_back({"process.json", meta_text->size(), sha256_hex(bytes_of(*meta_text))});
  m.files.push_back({"module.wasm", module->size(), meta->module_digest});

  // The segments' sizes first, then what LogReader makes of them, then
  // their hashes: a log that grows meanwhile (a run still going) is seen
  // to change and refused, so the manifest describes the bytes sent.
  auto segments = reg.log_segments(id);
  auto listed = segments->list();
  if (!listed) return listed.error();
  std::vector<std::string> paths;
  std::vector<uint64_t> sizes;
  for (uint32_t i = 0; i < listed->size() && (*listed)[i].index == i; ++i) {
    paths.push_back(segments->name(i));
    sizes.push_back((*listed)[i].size);
  }
  auto log = trace::LogReader::open(segments);
  if (!log) return log.error();
  m.log_records = log->stats().records;
  m.log_torn = log->torn_tail();
  auto changed = [&](const std::string& path) {
    return make_error(ErrorKind::Io, path + " changed while it was exported (is process " + id +
                                         " still running?)");
  };
  for (size_t i = 0; i < paths.size(); ++i) {
    Sha256 h;
    auto size = for_each_piece(*segments, uint32_t(i), [&](std::span<const uint8_t> piece) -> Expected<void> {
      h.update(piece);
      return {};
    });
    if (!size) return size.error();
    if (*size != sizes[i]) return changed(paths[i]);
    m.files.push_back({trace::segment_path("log", uint32_t(i)), *size, h.hex()});
  }

  int64_t mtime = meta->start_unix_ns / 1000000000;  // the same bundle for the same process
  tar::Writer w(sink);
  TC_TRY(add_file(w, kBundleManifestName, bytes_of(to_json(m)), mtime));
  TC_TRY(add_file(w, "process.json", bytes_of(*meta_text), mtime));
  TC_TRY(add_file(w, "module.wasm", *module, mtime));
  for (size_t i = 0; i < paths.size(); ++i) {
    const BundleFile& f = m.files[2 + i];
    TC_TRY(w.begin_file(f.name, f.size, mtime));
    Sha256 h;
    uint64_t sent = 0;
    auto size = for_each_piece(*segments, uint32_t(i), [&](std::span<const uint8_t> piece) -> Expected<void> {
      if (piece.size() > f.size - sent) return changed(paths[i]);
      h.update(piece);
      sent += piece.size();
      return w.write(piece);
    });
    if (!size) return size.error();
    if (*size != f.size || h.hex() != f.sha256) return changed(paths[i]);
  }
  TC_TRY(w.finish());
  return m;
}

}  // namespace tc::registry

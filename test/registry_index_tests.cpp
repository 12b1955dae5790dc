// The registry's process index, liveness and housekeeping: listings come
// from processes/.index.jsonl (a cache: torn lines, missing lines and
// missing files are made up for from process.json), a process is
// "running" only while its run holds its lock ("killed" otherwise), and
// delete / prune never touch a running process or a module a run uses.
#define BOOST_TEST_MODULE registry_index
#include <boost/test/unit_test.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <ctime>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "registry/flat_json.hpp"
#include "registry/process_index.hpp"
#include "registry/registry.hpp"

using namespace tc::registry;
namespace fs = std::filesystem;

namespace {

struct TempRoot {
  std::string path = (fs::temp_directory_path() /
                      ("tc_registry_index_test_" + std::to_string(std::random_device{}()))).string();
  ~TempRoot() { std::error_code ec; fs::remove_all(path, ec); }
};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}
constexpr int64_t kDay = 86400LL * 1000000000;

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

ProfileEntry profile_of(const std::string& process_id) {
  ProfileEntry p;
  p.process_id = process_id;
  return p;
}

struct Proc {
  std::string status = "exited";
  int exit_code = 0;
  int64_t start = 0;  // 0: now
  std::string module = std::string(64, 'a');
  bool index = true;  // its lines in the index, as a run appends them
  std::string log = "0123456789";  // one log segment
  bool start_meta = true;  // process.json written at the start too (false: only the end's)
};

// A process as a run leaves it: directory, lock, process.json, log, index
// lines. The lock is returned, held: release it for a run that ended.
FileLock make_process(Registry& r, const std::string& id, const Proc& p = {}) {
  auto lock = r.create_process(id);
  BOOST_REQUIRE_MESSAGE(lock.has_value(), (lock ? "" : lock.error().message));
  ProcessMeta m;
  m.id = id;
  m.start_unix_ns = p.start ? p.start : now_ns();
  m.module_digest = p.module;
  m.module_name = "m.wasm";
  if (p.start_meta || p.status == "running") BOOST_REQUIRE(r.write_process_meta(id, to_json(m), false).has_value());
  if (p.index) BOOST_REQUIRE(r.index_process(m).has_value());
  fs::create_directories(r.log_dir(id));
  std::ofstream(r.log_dir(id) + "/0.log") << p.log;
  if (p.status != "running") {
    m.end_unix_ns = m.start_unix_ns + 1000;
    m.status = p.status;
    m.exit_code = p.exit_code;
    m.message = p.status == "trapped" ? "unreachable" : "";
    BOOST_REQUIRE(r.write_process_meta(id, to_json(m), false).has_value());
    if (p.index) BOOST_REQUIRE(r.index_process(m).has_value());
  }
  return std::move(*lock);
}

std::map<std::string, ProcessSummary> listed(const Registry& r) {
  auto list = r.list_processes();
  BOOST_REQUIRE_MESSAGE(list.has_value(), (list ? "" : list.error().message));
  std::map<std::string, ProcessSummary> by_id;
  for (auto& p : *list) by_id[p.id] = p;
  return by_id;
}

std::string status_of(const Registry& r, const std::string& id) {
  auto all = listed(r);
  return all.count(id) ? all[id].status : "(not listed)";
}

size_t index_lines(const Registry& r) {
  std::ifstream in(r.index_path());
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

// Sets a file's mtime (and atime) to `ns`.
void set_mtime(const std::string& path, int64_t ns) {
  struct timespec t[2];
  t[0].tv_sec = t[1].tv_sec = ns / 1000000000;
  t[0].tv_nsec = t[1].tv_nsec = ns % 1000000000;
  BOOST_REQUIRE(::utimensat(AT_FDCWD, path.c_str(), t, 0) == 0);
}

// A child process that creates process `id` (its lock held), says so on a
// pipe, then either exits at once or waits to be killed.
pid_t child_run(const std::string& root, const std::string& id, bool wait_to_be_killed) {
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto r = Registry::open(root);
    if (!r) ::_exit(2);
    auto lock = r->create_process(id);
    if (!lock) ::_exit(3);
    ProcessMeta m;
    m.id = id;
    m.start_unix_ns = now_ns();
    m.module_digest = std::string(64, 'b');
    if (!r->write_process_meta(id, to_json(m), false) || !r->index_process(m)) ::_exit(4);
    (void)!::write(fds[1], "r", 1);
    if (wait_to_be_killed) for (;;) ::pause();
    ::_exit(0);  // no end recorded, as if it crashed
  }
  ::close(fds[1]);
  char c = 0;
  BOOST_REQUIRE(::read(fds[0], &c, 1) == 1);
  ::close(fds[0]);
  return pid;
}

void reap(pid_t pid) {
  int st = 0;
  BOOST_REQUIRE(::waitpid(pid, &st, 0) == pid);
}

}  // namespace

BOOST_AUTO_TEST_CASE(index_lines_round_trip) {
  IndexRecord r;
  r.summary.id = "5c1b5d1e-0000-4000-8000-000000000001";
  r.summary.start_unix_ns = 1700000000000000001;
  r.summary.end_unix_ns = 1700000000000000099;
  r.summary.module_digest = std::string(64, 'c');
  r.summary.module_name = "hello.wasm";
  r.summary.status = "trapped";
  r.summary.exit_code = 134;
  r.summary.message = "integer divide by zero";
  r.summary.log_bytes = uint64_t(1) << 40;
  std::string line = index_line(r);
  BOOST_TEST(line.back() == '\n');
  BOOST_TEST(std::count(line.begin(), line.end(), '\n') == 1);
  IndexRecord back;
  BOOST_REQUIRE(parse_index_line(std::string_view(line).substr(0, line.size() - 1), back));
  BOOST_TEST(index_line(back) == line);
  BOOST_TEST(back.summary.log_bytes == uint64_t(1) << 40);
  BOOST_TEST(!back.deleted);

  IndexRecord t;
  t.summary.id = r.summary.id;
  t.deleted = true;
  BOOST_REQUIRE(parse_index_line(index_line(t), back));
  BOOST_TEST(back.deleted);

  // Long texts are cut at a UTF-8 boundary; escapes never make a line 4 KiB.
  r.summary.message = std::string(199, 'x') + "\xc3\xa9" + std::string(500, 'y');
  BOOST_REQUIRE(parse_index_line(index_line(r), back));
  BOOST_TEST(back.summary.message == std::string(199, 'x'));
  r.summary.message = r.summary.module_name = std::string(5000, '\x01');
  line = index_line(r);
  BOOST_TEST(line.size() < 4096u);
  BOOST_REQUIRE(parse_index_line(line, back));
  BOOST_TEST(back.summary.status == "trapped");

  for (const char* bad : {"", "{", "[]", "{\"id\": 5, \"status\": \"x\", \"module_digest\": \"\"}",
                          "{\"id\": \"a\"}", "{\"id\": \"a\", \"deleted\": 1}",
                          "{\"id\": \"a\", \"status\": \"exited\", \"module_digest\": \"d\", \"log_bytes\": -1}"})
    BOOST_TEST(!parse_index_line(bad, back), bad);
}

BOOST_AUTO_TEST_CASE(later_lines_win_and_torn_lines_are_skipped) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  std::string a = Registry::new_process_id(), b = Registry::new_process_id(), c = Registry::new_process_id();
  make_process(*r, a, {.status = "exited", .exit_code = 7});
  make_process(*r, b, {.status = "trapped"});
  ProcessIndex index(r->index_path());
  BOOST_TEST(index.load().latest.at(a).summary.status == "exited");  // the end line won
  BOOST_TEST(index.load().latest.at(a).summary.log_bytes == 10u);
  // c's run: its start line, then an append cut short (a crash, a full
  // disk), then c's end, which the torn line swallows: neither is a record.
  FileLock run = make_process(*r, c, {.status = "running"});
  { std::ofstream(index.path(), std::ios::app) << "{\"id\":\"" << a << "\",\"start_unix"; }
  auto meta = r->load_process_meta(c);
  BOOST_REQUIRE(meta.has_value());
  meta->status = "exited";
  meta->exit_code = 1;
  meta->end_unix_ns = meta->start_unix_ns + 5;
  BOOST_REQUIRE(r->write_process_meta(c, to_json(*meta)).has_value());
  BOOST_REQUIRE(r->index_process(*meta).has_value());
  run.release();
  auto loaded = index.load();
  BOOST_TEST(loaded.lines == 6u);  // a's, b's, c's start, the torn one
  BOOST_TEST(loaded.latest.at(a).summary.exit_code == 7);
  BOOST_TEST(loaded.latest.at(c).summary.status == "running");  // its end line was lost
  auto all = listed(*r);
  BOOST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[a].status == "exited");
  BOOST_TEST(all[a].exit_code == 7);
  BOOST_TEST(all[b].status == "trapped");
  BOOST_TEST(all[b].message == "unreachable");
  // "running" in the index but nobody holds the lock: process.json says
  // how it ended, and the index learns it.
  BOOST_TEST(all[c].status == "exited");
  BOOST_TEST(all[c].exit_code == 1);
  BOOST_TEST(all[c].end_unix_ns == meta->start_unix_ns + 5);
  BOOST_TEST(index.load().latest.at(c).summary.status == "exited");
}

BOOST_AUTO_TEST_CASE(flat_json_reads_what_the_index_writes) {
  std::string tricky = "q\"b\\s/\x01\x1f\t\n\u00e9\u20ac\xf0\x9f\x98\x80 end";
  std::string line = nlohmann::json({{"k", tricky}, {"n", -42}, {"u", UINT64_MAX}, {"t", true}, {"z", nullptr}}).dump();
  FlatObjectReader in(line);
  std::map<std::string, FlatValue> got;
  std::string key;
  FlatValue v;
  while (in.next(key, v)) got[key] = v;
  BOOST_REQUIRE(in.ok());
  BOOST_TEST(got["k"].str == tricky);
  int64_t x = 0;
  BOOST_TEST((got["n"].int_in(INT64_MIN, INT64_MAX, x) && x == -42));
  BOOST_TEST(!got["n"].int_in(0, UINT64_MAX, x));
  BOOST_TEST((got["u"].int_in(0, UINT64_MAX, x) && uint64_t(x) == UINT64_MAX));
  BOOST_TEST(!got["u"].int_in(INT64_MIN, INT64_MAX, x));
  BOOST_TEST(got["t"].boolean);
  BOOST_TEST((got["z"].kind == FlatValue::Kind::Null));
  // Escaped surrogate pairs (another writer's way of putting it).
  FlatObjectReader pair("{\"k\": \"\\ud83d\\ude00\"}");
  BOOST_REQUIRE(pair.next(key, v));
  BOOST_TEST(v.str == "\xf0\x9f\x98\x80");
  BOOST_TEST(!pair.next(key, v));
  BOOST_TEST(pair.ok());
  for (const char* bad : {"", "{", "{\"a\":1", "{\"a\":1,}", "{,}", "{\"a\":[1]}", "{\"a\":{}}",
                          "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":18446744073709551616}", "{\"a\":-}",
                          "{\"a\":\"\\ud800\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\x01\"}", "{\"a\":tru}",
                          "{\"a\":1} x", "{\"a\" 1}", "[]"}) {
    FlatObjectReader r(bad);
    while (r.next(key, v)) {}
    BOOST_TEST(!r.ok(), bad);
  }
  FlatObjectReader empty(" { } ");
  BOOST_TEST(!empty.next(key, v));
  BOOST_TEST(empty.ok());
}

BOOST_AUTO_TEST_CASE(a_missing_index_is_rebuilt_from_process_json) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Registry::new_process_id());
    make_process(*r, ids.back(), {.exit_code = i, .start = 1000 + i, .index = false});
  }
  BOOST_TEST(!fs::exists(r->index_path()));
  auto list = r->list_processes();
  BOOST_REQUIRE(list.has_value());
  BOOST_REQUIRE(list->size() == 5u);
  for (int i = 0; i < 5; ++i) {  // newest first
    const ProcessSummary& p = (*list)[size_t(4 - i)];
    BOOST_TEST(p.id == ids[size_t(i)]);
    BOOST_TEST(p.exit_code == i);
    BOOST_TEST(p.log_bytes == 10u);
    BOOST_TEST(p.module_name == "m.wasm");
  }
  BOOST_TEST(index_lines(*r) == 5u);
  // From now on the listing comes from the index, not from process.json:
  // an edit that keeps the file's stamp (inode, size, mtime) goes unseen...
  std::string path = r->process_meta_path(ids[1]);
  struct stat before;
  BOOST_REQUIRE(::stat(path.c_str(), &before) == 0);
  {
    std::fstream f(path, std::ios::in | std::ios::out);
    std::string text((std::istreambuf_iterator<char>(f)), {});
    auto at = text.find("\"code\": 1");
    BOOST_REQUIRE(at != std::string::npos);
    f.seekp(std::streamoff(at + 8));
    f << '9';
  }
  set_mtime(path, int64_t(before.st_mtim.tv_sec) * 1000000000 + before.st_mtim.tv_nsec);
  BOOST_TEST(r->load_process_meta(ids[1])->exit_code == 9);
  auto again = listed(*r);
  BOOST_REQUIRE(again.size() == 5u);
  for (int i = 0; i < 5; ++i) BOOST_TEST(again[ids[size_t(i)]].exit_code == i);
  BOOST_TEST(index_lines(*r) == 5u);  // nothing more to add
  // ...while one that changes it is read: the index is only a cache.
  set_mtime(path, now_ns());
  BOOST_TEST(listed(*r)[ids[1]].exit_code == 9);
  fs::remove(r->process_meta_path(ids[2]));
  BOOST_TEST(listed(*r)[ids[2]].broken == "process.json cannot be read");
}

BOOST_AUTO_TEST_CASE(the_directories_say_which_processes_exist) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  std::string indexed = Registry::new_process_id(), unindexed = Registry::new_process_id(),
              gone = Registry::new_process_id(), broken = Registry::new_process_id();
  make_process(*r, indexed);
  make_process(*r, unindexed, {.status = "failed", .index = false});
  make_process(*r, gone);
  make_process(*r, broken, {.index = false});
  std::ofstream(r->process_meta_path(broken), std::ios::trunc) << "not json";
  fs::remove_all(r->process_dir(gone));  // in the index, not on disk
  auto all = listed(*r);
  BOOST_TEST(all.size() == 3u);
  BOOST_TEST(all.count(indexed) == 1u);
  BOOST_TEST(all.count(gone) == 0u);
  BOOST_TEST(all[unindexed].status == "failed");  // read from process.json
  BOOST_TEST(all[broken].broken == "process.json: not valid JSON");
  BOOST_TEST(!r->resolve(ObjectKind::Process, gone).has_value());
  BOOST_TEST(r->resolve(ObjectKind::Process, broken).has_value());
}

BOOST_AUTO_TEST_CASE(a_process_whose_lock_is_free_was_killed) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  std::string exited = Registry::new_process_id(), held = Registry::new_process_id(),
              old = Registry::new_process_id();
  reap(child_run(t.path, exited, false));  // _exit(0) with no end recorded
  pid_t holder = child_run(t.path, held, true);
  BOOST_TEST(r->is_running(held));
  BOOST_TEST(!r->is_running(exited));
  BOOST_TEST(status_of(*r, exited) == "killed");
  BOOST_TEST(status_of(*r, held) == "running");
  BOOST_TEST(r->load_process_meta(exited)->status == "killed");
  BOOST_TEST(r->load_process_meta(held)->status == "running");
  ::kill(holder, SIGKILL);
  reap(holder);
  BOOST_TEST(!r->is_running(held));
  BOOST_TEST(status_of(*r, held) == "killed");
  BOOST_TEST(r->load_process_meta(held)->status == "killed");

  // Recorded before processes had locks: "running" with no lock file.
  make_process(*r, old, {.status = "running", .index = false});
  fs::remove(r->process_dir(old) + "/lock");
  BOOST_TEST(status_of(*r, old) == "killed");

  // The index remembers "killed" (no process.json read next time), unless
  // process.json changed since: then it is read again.
  auto latest = ProcessIndex(r->index_path()).load().latest;
  BOOST_TEST(latest.at(old).summary.status == "killed");
  BOOST_TEST(latest.at(exited).summary.status == "killed");
  auto meta = r->load_process_meta(old);
  BOOST_REQUIRE(meta.has_value());
  meta->status = "exited";
  meta->exit_code = 5;
  BOOST_REQUIRE(r->write_process_meta(old, to_json(*meta)).has_value());
  auto all = listed(*r);
  BOOST_TEST(all[old].status == "exited");
  BOOST_TEST(all[old].exit_code == 5);
}

BOOST_AUTO_TEST_CASE(a_running_process_is_running_until_its_lock_is_released) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  std::string id = Registry::new_process_id();
  {
    FileLock lock = make_process(*r, id, {.status = "running", .log = "abc"});
    auto all = listed(*r);
    BOOST_TEST(all[id].status == "running");
    BOOST_TEST(all[id].log_bytes == 3u);
    std::ofstream(r->log_dir(id) + "/0.log", std::ios::app) << "defg";  // the log grows
    BOOST_TEST(listed(*r)[id].log_bytes == 7u);
    BOOST_TEST(r->is_running(id));
  }
  BOOST_TEST(!r->is_running(id));
  BOOST_TEST(status_of(*r, id) == "killed");
}

BOOST_AUTO_TEST_CASE(delete_refuses_a_running_process) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  std::string id = Registry::new_process_id(), other = Registry::new_process_id();
  FileLock lock = make_process(*r, id);
  make_process(*r, other);
  auto prof = r->put_profile(profile_of(id), bytes_of("pprof"));
  auto other_prof = r->put_profile(profile_of(other), bytes_of("pprof"));
  BOOST_REQUIRE(prof && other_prof);

  auto refused = r->delete_process(id);  // the run is still going
  BOOST_REQUIRE(!refused.has_value());
  BOOST_TEST(refused.error().message == "process " + id + " is running");
  BOOST_TEST(fs::exists(r->process_meta_path(id)));
  BOOST_TEST(fs::exists(r->profile_dir(*prof)));

  lock.release();
  auto deleted = r->delete_process(id);
  BOOST_REQUIRE_MESSAGE(deleted.has_value(), (deleted ? "" : deleted.error().message));
  BOOST_TEST(!fs::exists(r->process_dir(id)));
  BOOST_TEST(!fs::exists(r->profile_dir(*prof)));
  BOOST_TEST(fs::exists(r->profile_dir(*other_prof)));
  BOOST_TEST(listed(*r).count(id) == 0u);
  BOOST_TEST(listed(*r).size() == 1u);
  BOOST_TEST(!r->resolve(ObjectKind::Process, id).has_value());
  BOOST_TEST(ProcessIndex(r->index_path()).load().latest.at(id).deleted);
  size_t left = 0;  // not even the renamed directory
  for (const auto& e : fs::directory_iterator(t.path + "/processes")) left += e.is_directory();
  BOOST_TEST(left == 1u);

  auto again = r->delete_process(id);
  BOOST_REQUIRE(!again.has_value());
  BOOST_TEST(again.error().message == "no process " + id);
  BOOST_TEST(!r->delete_process("../" + other).has_value());
  // One recorded before processes had locks can be deleted too.
  fs::remove(r->process_dir(other) + "/lock");
  BOOST_TEST(r->delete_process(other).has_value());
  BOOST_TEST(listed(*r).empty());
}

BOOST_AUTO_TEST_CASE(delete_refuses_a_process_held_by_another_program) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  std::string id = Registry::new_process_id();
  pid_t holder = child_run(t.path, id, true);
  auto refused = r->delete_process(id);
  BOOST_TEST(!refused.has_value());
  BOOST_TEST(fs::exists(r->process_dir(id)));
  ::kill(holder, SIGKILL);
  reap(holder);
  BOOST_TEST(r->delete_process(id).has_value());
  BOOST_TEST(!fs::exists(r->process_dir(id)));
}

BOOST_AUTO_TEST_CASE(prune_deletes_old_ended_processes_and_keeps_failed_ones_if_asked) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  int64_t now = now_ns(), old = now - 10 * kDay, cutoff = now - kDay;
  std::map<std::string, std::string> id;  // by what it is
  for (const char* k : {"ok", "exit1", "trapped", "failed", "killed", "new", "running"})
    id[k] = Registry::new_process_id();
  make_process(*r, id["ok"], {.start = old});
  make_process(*r, id["exit1"], {.exit_code = 1, .start = old});
  make_process(*r, id["trapped"], {.status = "trapped", .start = old});
  make_process(*r, id["failed"], {.status = "failed", .start = old});
  make_process(*r, id["killed"], {.status = "running", .start = old});  // lock released: killed
  make_process(*r, id["new"], {.exit_code = 1});
  FileLock running = make_process(*r, id["running"], {.status = "running", .start = old});
  auto prof = r->put_profile(profile_of(id["ok"]), bytes_of("profile bytes"));
  BOOST_REQUIRE(prof.has_value());

  auto dry = r->prune(cutoff, /*keep_failed=*/true, /*dry_run=*/true);
  BOOST_REQUIRE_MESSAGE(dry.has_value(), (dry ? "" : dry.error().message));
  BOOST_TEST(dry->processes == std::vector<std::string>{id["ok"]});
  BOOST_TEST(dry->bytes_freed > 0u);
  BOOST_TEST(listed(*r).size() == 7u);  // a dry run deletes nothing

  auto kept_failed = r->prune(cutoff, true, false);
  BOOST_REQUIRE(kept_failed.has_value());
  BOOST_TEST(kept_failed->processes == dry->processes);
  BOOST_TEST(kept_failed->bytes_freed == dry->bytes_freed);
  BOOST_TEST(kept_failed->errors.empty());
  BOOST_TEST(!fs::exists(r->profile_dir(*prof)));
  BOOST_TEST(listed(*r).size() == 6u);

  auto all = r->prune(cutoff, false, false);
  BOOST_REQUIRE(all.has_value());
  std::set<std::string> gone(all->processes.begin(), all->processes.end());
  BOOST_TEST(gone == (std::set<std::string>{id["exit1"], id["trapped"], id["failed"], id["killed"]}));
  auto left = listed(*r);
  BOOST_TEST(left.size() == 2u);
  BOOST_TEST(left.count(id["new"]) == 1u);      // started after the cutoff
  BOOST_TEST(left.count(id["running"]) == 1u);  // still running
  BOOST_TEST(index_lines(*r) == 2u);            // compacted: one line each
}

BOOST_AUTO_TEST_CASE(prune_keeps_modules_in_use_or_used_since_the_cutoff) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  int64_t now = now_ns(), old = now - 10 * kDay, cutoff = now - kDay;
  auto in_use = r->put_module(bytes_of("in use"), "a.wasm");
  auto unused = r->put_module(bytes_of("unused"), "b.wasm");
  auto refreshed = r->put_module(bytes_of("stored again"), "c.wasm");
  auto of_pruned = r->put_module(bytes_of("of a pruned process"), "d.wasm");
  BOOST_REQUIRE(in_use && unused && refreshed && of_pruned);
  for (const auto& d : {*in_use, *unused, *refreshed, *of_pruned})
    for (const char* ext : {"", ".json"}) set_mtime(t.path + "/modules/sha256/" + d + ext, old);
  make_process(*r, Registry::new_process_id(), {.start = old, .module = *in_use, .index = false});
  make_process(*r, Registry::new_process_id(), {.module = *in_use});
  make_process(*r, Registry::new_process_id(), {.start = old, .module = *of_pruned});
  // A run found it stored: that counts as a use.
  BOOST_REQUIRE(r->put_module(bytes_of("stored again"), "c.wasm").has_value());

  auto res = r->prune(cutoff, false, false);
  BOOST_REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  BOOST_TEST(res->processes.size() == 2u);  // the old ones
  std::set<std::string> gone(res->modules.begin(), res->modules.end());
  BOOST_TEST(gone == (std::set<std::string>{*unused, *of_pruned}));
  BOOST_TEST(r->read_module(*in_use).has_value());
  BOOST_TEST(r->read_module(*refreshed).has_value());
  BOOST_TEST(!r->read_module(*unused).has_value());
  BOOST_TEST(!fs::exists(t.path + "/modules/sha256/" + *unused + ".json"));
  auto mods = r->list_modules();
  BOOST_REQUIRE(mods.has_value());
  BOOST_TEST(mods->size() == 2u);
  BOOST_TEST(res->bytes_freed >= std::string("unused").size() + std::string("of a pruned process").size() + 20);
}

BOOST_AUTO_TEST_CASE(prune_waits_for_a_run_that_is_starting) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  int64_t future = now_ns() + kDay;  // every module and process is older
  // A run between storing its module and writing its process.json.
  auto starting = r->lock_registry(FileLock::Mode::Shared);
  BOOST_REQUIRE(starting.has_value());
  auto digest = r->put_module(bytes_of("the run's module"), "run.wasm");
  BOOST_REQUIRE(digest.has_value());
  std::atomic<bool> done = false;
  tc::Expected<PruneResult> res = PruneResult{};
  std::thread pruner([&] {
    auto reg = Registry::open(t.path);
    res = reg->prune(future, false, false);
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  BOOST_TEST(!done);  // waiting for the lock
  std::string id = Registry::new_process_id();
  FileLock run = make_process(*r, id, {.status = "running", .module = *digest});
  starting->release();
  pruner.join();
  BOOST_REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
  BOOST_TEST(res->modules.empty());
  BOOST_TEST(res->processes.empty());
  BOOST_TEST(r->read_module(*digest).has_value());

  // A prune holds the lock exclusive: a run waits for it.
  auto pruning = r->lock_registry(FileLock::Mode::Exclusive);
  BOOST_REQUIRE(pruning.has_value());
  auto busy = FileLock::try_acquire(t.path + "/lock", FileLock::Mode::Shared);
  BOOST_REQUIRE(busy.has_value());
  BOOST_TEST(!busy->has_value());
}

BOOST_AUTO_TEST_CASE(the_index_is_compacted_when_mostly_stale) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    ids.push_back(Registry::new_process_id());
    make_process(*r, ids.back());
  }
  for (int i = 0; i < 95; ++i) BOOST_REQUIRE(r->delete_process(ids[size_t(i)]).has_value());
  BOOST_TEST(index_lines(*r) == 295u);  // start, end and tombstone lines
  {
    // Not while the registry is busy (a run starting): another listing will.
    auto busy = r->lock_registry(FileLock::Mode::Shared);
    BOOST_TEST(listed(*r).size() == 5u);
    BOOST_TEST(index_lines(*r) == 295u);
  }
  BOOST_TEST(listed(*r).size() == 5u);
  BOOST_TEST(index_lines(*r) == 5u);
  auto all = listed(*r);
  for (int i = 95; i < 100; ++i) BOOST_TEST(all[ids[size_t(i)]].status == "exited");
}

// Not a test of speed (no wall-clock assertion): the figures, for the log.
BOOST_AUTO_TEST_CASE(listing_10000_processes) {
  TempRoot t;
  auto r = Registry::open(t.path);
  BOOST_REQUIRE(r.has_value());
  const int n = 10000;
  for (int i = 0; i < n; ++i)
    make_process(*r, Registry::new_process_id(), {.exit_code = i % 3, .start = 1000 + i, .start_meta = false});
  // Wall and CPU ms of `fn`, the best of `runs` (the machine may be busy).
  auto timed = [](int runs, const std::function<void()>& fn) {
    auto cpu_ms = [] {
      timespec ts;
      ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
      return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
    };
    double wall = 1e300, cpu = 1e300;
    for (int k = 0; k < runs; ++k) {
      auto t0 = std::chrono::steady_clock::now();
      double c0 = cpu_ms();
      fn();
      cpu = std::min(cpu, cpu_ms() - c0);
      wall = std::min(wall, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << wall << " / " << cpu;
    return s.str();
  };
  auto list_all = [&] {
    auto list = r->list_processes();
    BOOST_REQUIRE(list.has_value());
    BOOST_TEST(list->size() == size_t(n));
    BOOST_TEST(list->front().start_unix_ns == 1000 + n - 1);
  };
  std::string from_index = timed(3, list_all);
  // As list_processes did before the index: every process.json read and
  // parsed, every log directory listed.
  std::string old_way = timed(3, [&] {
    size_t read = 0;
    uint64_t log_total = 0;
    for (const auto& e : fs::directory_iterator(t.path + "/processes")) {
      std::string id = e.path().filename().string();
      if (id.size() != 36) continue;
      auto text = r->read_process_meta(id);
      read += text && process_meta_from_json(*text).has_value();
      for (const auto& s : fs::directory_iterator(r->log_dir(id))) log_total += s.file_size();
    }
    BOOST_TEST(read == size_t(n));
    BOOST_TEST(log_total == uint64_t(n) * 10);
  });
  // With no index (all recorded by an older version): rebuilt once.
  fs::remove(r->index_path());
  std::string rebuilding = timed(1, list_all);
  std::string rebuilt = timed(3, list_all);
  BOOST_TEST(index_lines(*r) == size_t(n));
  BOOST_TEST_MESSAGE("list_processes, " << n << " processes (wall / CPU ms, best of 3): from the index "
                     << from_index << "; reading every process.json (the old way) " << old_way
                     << "; with no index, rebuilding it (once) " << rebuilding
                     << "; from the rebuilt index " << rebuilt);
}

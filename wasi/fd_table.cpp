#include "wasi/fd_table.hpp"

#include <unistd.h>

namespace tc::wasi {

HostFd::~HostFd() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

FdEntry* FdTable::get(Fd fd) {
  auto it = table_.find(fd);
  return it == table_.end() ? nullptr : &it->second;
}

Fd FdTable::insert(FdEntry e, Fd min) {
  Fd fd = min;
  for (auto it = table_.lower_bound(min); it != table_.end() && it->first == fd; ++it) ++fd;
  table_.emplace(fd, std::move(e));
  return fd;
}

void FdTable::put(Fd fd, FdEntry e) { table_[fd] = std::move(e); }

bool FdTable::erase(Fd fd) { return table_.erase(fd) != 0; }

bool FdTable::renumber(Fd from, Fd to) {
  auto f = table_.find(from);
  auto t = table_.find(to);
  if (f == table_.end() || t == table_.end()) return false;
  if (from == to) return true;
  t->second = std::move(f->second);
  table_.erase(f);
  return true;
}

}  // namespace tc::wasi

// Helpers for the WASI test programs: print a WASI errno by name.
#pragma once
#include <stdio.h>
#include <wasi/api.h>

static const char* wasi_errno_name(__wasi_errno_t e) {
  switch (e) {
    case __WASI_ERRNO_SUCCESS: return "OK";
    case __WASI_ERRNO_BADF: return "EBADF";
    case __WASI_ERRNO_PERM: return "EPERM";
    case __WASI_ERRNO_NOTCAPABLE: return "ENOTCAPABLE";
    case __WASI_ERRNO_NOENT: return "ENOENT";
    case __WASI_ERRNO_LOOP: return "ELOOP";
    case __WASI_ERRNO_NOTDIR: return "ENOTDIR";
    case __WASI_ERRNO_ISDIR: return "EISDIR";
    case __WASI_ERRNO_EXIST: return "EEXIST";
    case __WASI_ERRNO_INVAL: return "EINVAL";
    case __WASI_ERRNO_FAULT: return "EFAULT";
    case __WASI_ERRNO_NOTSOCK: return "ENOTSOCK";
    case __WASI_ERRNO_NOTEMPTY: return "ENOTEMPTY";
    case __WASI_ERRNO_NOSYS: return "ENOSYS";
    case __WASI_ERRNO_SPIPE: return "ESPIPE";
    case __WASI_ERRNO_ILSEQ: return "EILSEQ";
    case __WASI_ERRNO_NAMETOOLONG: return "ENAMETOOLONG";
    default: return "E?";
  }
}

#define SHOW(label, expr) printf("%s: %s\n", label, wasi_errno_name(expr))

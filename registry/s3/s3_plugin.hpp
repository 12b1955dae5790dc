// The contract between bin/timecraft and bin/libtimecraft_s3.so: two
// extern "C" functions. The store crosses the boundary as an ObjectStore*
// (its vtable and the std:: types of its methods): both sides must be
// built from the same tree by the same compiler, which timecraft_s3_abi()
// checks as far as it can (bump it when ObjectStore changes).
#pragma once
#include <string>

#include "registry/object_store.hpp"

#define TIMECRAFT_S3_ABI 1

extern "C" {
// A new S3Store (deleted through ObjectStore's virtual destructor), or
// nullptr with a one-line *error.
using timecraft_s3_open_fn = tc::registry::ObjectStore* (*)(const char* url, const char* endpoint,
                                                             const char* region, std::string* error);
using timecraft_s3_abi_fn = int (*)();
}

// Error values shared by every layer. Libraries return Expected<T>; only
// tools/ turns an Error into an exit code.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tc {

// The phases of the spec map one-to-one onto .wast assertion kinds.
enum class ErrorKind {
  Malformed,       // binary decode or text parse error  (assert_malformed)
  Invalid,         // validation error                   (assert_invalid)
  Unlinkable,      // import resolution / type mismatch  (assert_unlinkable)
  Uninstantiable,  // trap during instantiation           (assert_uninstantiable)
  Trap,            // trap during execution               (assert_trap)
  Exhaustion,      // call stack exhausted                (assert_exhaustion)
  Exit,            // the guest asked to exit (WASI proc_exit); `code` holds it
  Io,              // file system / OS error
  Usage,           // bad request from the caller (wrong argument count ...)
  Interrupted,     // the embedder stopped execution (a debugger's step hook)
  Exception,       // a WebAssembly exception reached a host boundary uncaught (assert_exception)
};

const char* error_kind_name(ErrorKind k);

// One frame of a trap's WebAssembly call stack, as data: tools format it
// ("fac+0x3f"), JSON users and the debugger read the fields.
struct TraceFrame {
  std::string name;          // name section entry, "func[N]", or the host function's name
  uint32_t func_index = 0;   // in its module's function index space
  bool host = false;
  bool has_offset = false;   // false for host frames
  uint32_t offset = 0;       // module byte offset of the frame's instruction
  uint32_t func_offset = 0;  // the same, from the function's first instruction
  uint32_t elided = 0;       // a marker, not a frame: this many frames omitted
  // Source location from the module's DWARF, when a tool looked it up.
  std::string file;
  uint32_t line = 0;
  bool operator==(const TraceFrame&) const = default;
};

struct Error {
  ErrorKind kind = ErrorKind::Malformed;
  std::string message;   // spec wording first, e.g. "unexpected end"
  std::string location;  // "offset 0x1a", "3:14", "" when not applicable
  int code = 0;          // Exit: the exit status
  // Trap/Exhaustion: the WebAssembly call stack, innermost first.
  std::vector<TraceFrame> backtrace;

  // One line for users: "<location>: <message>" or just the message.
  std::string to_string() const {
    return location.empty() ? message : location + ": " + message;
  }
};

inline Error make_error(ErrorKind k, std::string msg, std::string loc = {}) {
  Error e;
  e.kind = k;
  e.message = std::move(msg);
  e.location = std::move(loc);
  return e;
}

// A minimal std::expected stand-in (C++20 has none).
template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Expected(Error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error& error() { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(Error e) : ok_(false), e_(std::move(e)) {}
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return e_; }
  Error& error() { return e_; }

 private:
  bool ok_ = true;
  Error e_;
};

// Propagate an error from an Expected-returning expression.
#define TC_TRY(expr)                                   \
  do {                                                 \
    auto tc_try_r_ = (expr);                           \
    if (!tc_try_r_) return std::move(tc_try_r_.error()); \
  } while (0)

}  // namespace tc

// Reading the debugger's command lines: on a terminal through libedit
// (line editing, history kept in a file, tab completion from a callback),
// else plain lines from a stream (scripts, pipes).
#pragma once
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tc::cli {

class LineInput {
 public:
  using Completer = std::function<std::vector<std::string>(const std::string& line)>;
  virtual ~LineInput() = default;
  // nullopt at the end of input (Ctrl-D).
  virtual std::optional<std::string> read(const std::string& prompt) = 0;
  // An editor on the terminal (stdin/stdout); history in `history_file`
  // ("" for none).
  static std::unique_ptr<LineInput> terminal(Completer complete, const std::string& history_file);
  // Lines from `in`; the prompt is printed only if `echo_prompt`.
  static std::unique_ptr<LineInput> stream(std::istream& in, bool echo_prompt);
};

}  // namespace tc::cli

#include "tools/line_input.hpp"

#include <editline/readline.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace tc::cli {

namespace {

LineInput::Completer* g_completer = nullptr;
std::vector<std::string> g_matches;

char* next_match(const char*, int state) {
  if (state == 0) {
    std::string line(rl_line_buffer, size_t(rl_point));
    g_matches = (*g_completer)(line);
  }
  if (size_t(state) >= g_matches.size()) return nullptr;
  return strdup(g_matches[size_t(state)].c_str());
}

// Ctrl-C at the prompt. libedit's own handler (installed while it reads)
// calls this one and then readline() returns no line, as at the end of
// input; the flag tells the two apart.
volatile sig_atomic_t g_quit = 0;
void on_sigint_at_prompt(int) { g_quit = 1; }

char** complete(const char* text, int, int) {
  rl_attempted_completion_over = 1;  // no file-name completion
  return rl_completion_matches(text, next_match);
}

class Terminal final : public LineInput {
 public:
  Terminal(Completer c, std::string history) : complete_(std::move(c)), history_(std::move(history)) {
    g_completer = &complete_;
    rl_readline_name = "tcdb";
    rl_attempted_completion_function = complete;
    using_history();
    stifle_history(1000);  // the file keeps the newest 1000 lines, not all ever typed
    if (!history_.empty()) read_history(history_.c_str());
  }
  ~Terminal() override {
    if (!history_.empty()) write_history(history_.c_str());
    g_completer = nullptr;
  }
  // Ctrl-C abandons the line being typed and prompts again (gdb prints
  // "Quit"); the caller's SIGINT handler is back in place on return.
  std::optional<std::string> read(const std::string& prompt) override {
    char* l = nullptr;
    for (;;) {
      struct sigaction sa{}, caller{};
      sa.sa_handler = on_sigint_at_prompt;  // no SA_RESTART: the read must end
      sigemptyset(&sa.sa_mask);
      g_quit = 0;
      sigaction(SIGINT, &sa, &caller);
      l = readline(prompt.c_str());
      sigaction(SIGINT, &caller, nullptr);
      if (l || !g_quit) break;
      std::fputs("Quit\n", stdout);
      std::fflush(stdout);
    }
    if (!l) {
      std::fputc('\n', stdout);
      return std::nullopt;
    }
    std::string s(l);
    std::free(l);
    if (!s.empty() && s != last_) add_history(s.c_str());
    if (!s.empty()) last_ = s;
    return s;
  }

 private:
  Completer complete_;
  std::string history_, last_;
};

class Stream final : public LineInput {
 public:
  Stream(std::istream& in, bool echo) : in_(in), echo_(echo) {}
  std::optional<std::string> read(const std::string& prompt) override {
    if (echo_) {
      std::fputs(prompt.c_str(), stdout);
      std::fflush(stdout);
    }
    std::string l;
    if (!std::getline(in_, l)) return std::nullopt;
    return l;
  }

 private:
  std::istream& in_;
  bool echo_;
};

}  // namespace

std::unique_ptr<LineInput> LineInput::terminal(Completer c, const std::string& history_file) {
  return std::make_unique<Terminal>(std::move(c), history_file);
}

std::unique_ptr<LineInput> LineInput::stream(std::istream& in, bool echo_prompt) {
  return std::make_unique<Stream>(in, echo_prompt);
}

}  // namespace tc::cli

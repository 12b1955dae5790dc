#include "debug/tcdb/debugger.hpp"

#include <algorithm>
#include <functional>

#include "debug/tcdb/text.hpp"

namespace tc::debug {

struct Debugger::Command {
  std::string name;
  std::vector<std::string> aliases;  // exact abbreviations gdb users type
  std::function<void(Debugger&, const std::string&)> run;
  std::string help;
  bool repeats = false;  // an empty line repeats it (step, next, x ...)
};

const std::vector<Debugger::Command>& Debugger::commands() {
  using M = RunSpec::Mode;
  using E = RunSpec::Event;
  static const std::vector<Command> table = {
      {"break", {"b", "br"}, [](Debugger& d, const std::string& a) { d.cmd_break(a, false); },
       "break LOCATION: stop at a function, FILE:LINE, LINE or *OFFSET"},
      {"tbreak", {}, [](Debugger& d, const std::string& a) { d.cmd_break(a, true); },
       "tbreak LOCATION: a breakpoint deleted when it is hit"},
      {"delete", {"d"}, [](Debugger& d, const std::string& a) { d.cmd_delete(a); },
       "delete [N...]: delete breakpoints or watchpoints (all without N)"},
      {"disable", {}, [](Debugger& d, const std::string& a) { d.cmd_enable(a, false); },
       "disable [N...]: disable breakpoints"},
      {"enable", {}, [](Debugger& d, const std::string& a) { d.cmd_enable(a, true); },
       "enable [N...]: enable breakpoints"},
      {"watch", {}, [](Debugger& d, const std::string& a) { d.cmd_watch(a, WatchKind::Write); },
       "watch EXPR: stop where the value of an lvalue in memory changes"},
      {"rwatch", {}, [](Debugger& d, const std::string& a) { d.cmd_watch(a, WatchKind::Read); },
       "rwatch EXPR: stop after an instruction that reads an lvalue in memory"},
      {"awatch", {}, [](Debugger& d, const std::string& a) { d.cmd_watch(a, WatchKind::Access); },
       "awatch EXPR: stop after an instruction that reads or writes an lvalue in memory"},
      {"continue", {"c", "cont", "fg"}, [](Debugger& d, const std::string& a) { d.cmd_continue(a); },
       "continue: run until a breakpoint, a watchpoint or the end", true},
      {"step", {"s"}, [](Debugger& d, const std::string& a) { d.cmd_step(a, M::StepLine); },
       "step [N]: to the next source line, entering calls", true},
      {"next", {"n"}, [](Debugger& d, const std::string& a) { d.cmd_step(a, M::NextLine); },
       "next [N]: to the next source line in this function", true},
      {"stepi", {"si"}, [](Debugger& d, const std::string& a) { d.cmd_step(a, M::StepInstr); },
       "stepi [N]: one WebAssembly instruction", true},
      {"nexti", {"ni"}, [](Debugger& d, const std::string& a) { d.cmd_step(a, M::NextInstr); },
       "nexti [N]: one instruction, calls run to their return", true},
      {"finish", {"fin"}, [](Debugger& d, const std::string&) { d.cmd_finish(); },
       "finish: run until the selected frame returns; print the value"},
      {"until", {"u"}, [](Debugger& d, const std::string& a) { d.cmd_until(a, false); },
       "until [LOCATION]: the next line past loops, or LOCATION in this frame", true},
      {"advance", {}, [](Debugger& d, const std::string& a) { d.cmd_until(a, true); },
       "advance LOCATION: run to LOCATION (or until this frame returns)"},
      {"reverse-step", {"rs"}, [](Debugger& d, const std::string& a) { d.cmd_reverse(a, E::LineStep, false); },
       "reverse-step: back to the start of the previous source line", true},
      {"reverse-next", {"rn"}, [](Debugger& d, const std::string& a) { d.cmd_reverse(a, E::LineNext, false); },
       "reverse-next: back to the previous line of this function", true},
      {"reverse-stepi", {"rsi"}, [](Debugger& d, const std::string& a) { d.cmd_reverse(a, E::LineStep, true); },
       "reverse-stepi: back one instruction", true},
      {"reverse-nexti", {"rni"}, [](Debugger& d, const std::string& a) { d.cmd_reverse(a, E::LineNext, true); },
       "reverse-nexti: back one instruction in this frame", true},
      {"reverse-finish", {}, [](Debugger& d, const std::string&) { d.cmd_reverse_finish(); },
       "reverse-finish: back to the call of the selected frame"},
      {"reverse-continue", {"rc"}, [](Debugger& d, const std::string&) { d.cmd_reverse_continue(); },
       "reverse-continue: back to the previous breakpoint hit or watchpoint change"},
      {"goto", {}, [](Debugger& d, const std::string& a) { d.cmd_goto(a); },
       "goto record N | goto position N[+M]: just before host call N (numbered as `timecraft trace`);\n"
       "  position N+M: M instructions after host call N returned; goto start"},
      {"run", {"r", "start"}, [](Debugger& d, const std::string&) { d.cmd_run(); },
       "run: back to the start of the program"},
      {"backtrace", {"bt", "where"}, [](Debugger& d, const std::string& a) { d.cmd_backtrace(a); },
       "backtrace [N]: the call stack (inlined calls are frames of their own)"},
      {"frame", {"f"}, [](Debugger& d, const std::string& a) { d.cmd_frame(a, 0); },
       "frame [N]: select frame N (or show the selected one)"},
      {"up", {}, [](Debugger& d, const std::string& a) { d.cmd_frame(a, 1); }, "up [N]: select the caller"},
      {"down", {}, [](Debugger& d, const std::string& a) { d.cmd_frame(a, -1); }, "down [N]: select the callee"},
      {"print", {"p", "inspect"}, [](Debugger& d, const std::string& a) { d.cmd_print(a); },
       "print[/FMT] EXPR: a C expression over variables, globals and memory (FMT: x d u o t c)"},
      {"ptype", {}, [](Debugger& d, const std::string& a) { d.cmd_ptype(a, false); }, "ptype EXPR|TYPE: the type, expanded"},
      {"whatis", {}, [](Debugger& d, const std::string& a) { d.cmd_ptype(a, true); }, "whatis EXPR|TYPE: the type's name"},
      {"x", {}, [](Debugger& d, const std::string& a) { d.cmd_x(a); },
       "x/NFU ADDR: N units of linear memory (F: x d u o t c a s; U: b h w g)", true},
      {"list", {"l"}, [](Debugger& d, const std::string& a) { d.cmd_list(a); },
       "list [LOCATION]: source lines around a location (or the next ones)", true},
      {"disassemble", {"disas"}, [](Debugger& d, const std::string& a) { d.cmd_disassemble(a); },
       "disassemble [FUNCTION]: the WebAssembly code of a function, => marks where it is"},
      {"info", {"i", "inf"}, [](Debugger& d, const std::string& a) { d.cmd_info(a); },
       "info breakpoints|watchpoints|locals|args|frame|globals|functions|line|source|record|position|checkpoints"},
      {"help", {"h"}, [](Debugger& d, const std::string& a) { d.cmd_help(a); }, "help [COMMAND]"},
      {"quit", {"q", "exit"}, nullptr, "quit: end the session"},
  };
  return table;
}

const Debugger::Command* Debugger::find_command(const std::string& word, std::string* error) const {
  const Command* prefix = nullptr;
  int matches = 0;
  for (const auto& c : commands()) {
    if (c.name == word) return &c;
    for (const auto& a : c.aliases)
      if (a == word) return &c;
    if (c.name.compare(0, word.size(), word) == 0) {
      prefix = &c;
      ++matches;
    }
  }
  if (matches == 1) return prefix;
  *error = matches ? "Ambiguous command \"" + word + "\"." :
                     "Undefined command: \"" + word + "\".  Try \"help\".";
  return nullptr;
}

Expected<std::unique_ptr<Debugger>> Debugger::open(const registry::Registry& reg,
                                                   const std::string& id_prefix, DebuggerOptions opts,
                                                   std::FILE* out) {
  std::unique_ptr<Debugger> d(new Debugger());
  d->out_ = out;
  d->opts_ = std::move(opts);
  d->reg_ = &reg;
  auto replay = session::ReplaySession::open(reg, id_prefix);
  if (!replay) return replay.error();
  d->replay_ = std::move(*replay);
  auto info = DebugInfo::load(*d->replay_->module());
  if (info) d->info_ = std::move(*info);
  else d->info_error_ = info.error().message;  // the session goes on at the wasm level
  auto t = Target::start(*d->replay_, d->info_.get());
  if (!t) return t.error();
  d->target_ = std::move(*t);
  d->target_->checkpoint_interval = d->opts_.checkpoint_interval;
  return d;
}

Debugger::~Debugger() = default;

void Debugger::banner() {
  const auto& m = replay_->meta();
  std::string name = m.module_name.empty() ? "the module" : m.module_name;
  std::fprintf(out_, "Replaying process %s (%s) under the debugger.\n", m.id.c_str(), name.c_str());
  if (info_) {
    auto st = info_->stats();
    std::fprintf(out_, "Reading symbols from %s: DWARF, %zu compile unit%s, %zu functions.\n", name.c_str(),
                 st.compile_units, st.compile_units == 1 ? "" : "s", st.functions);
    size_t with_code = 0;
    for (const auto& f : info_->functions()) with_code += f.has_code();
    if (with_code == 0 && !info_->functions().empty())
      std::fprintf(out_, "warning: the DWARF describes no code: the module was rewritten after it was compiled\n"
                         "(clang -O2 runs wasm-opt when it links; compile and link in two steps). Source-level commands will not work.\n");
  } else if (!info_error_.empty()) {
    std::fprintf(out_, "%s (WebAssembly level only)\n", info_error_.c_str());
  } else {
    std::fprintf(out_, "(No debugging symbols found in %s: WebAssembly level, name-section names.)\n",
                 name.c_str());
  }
  std::string why = replay_->platform_differences();
  if (!why.empty()) std::fprintf(out_, "warning: %s\n", why.c_str());
  after_stop(target_->stop());
}

void Debugger::fail(const std::string& message) {
  std::fprintf(out_, "%s\n", message.c_str());
  failed_ = true;
}

bool Debugger::execute(const std::string& raw) {
  failed_ = false;
  target_->clear_interrupt();  // a Ctrl-C before the command is not for it
  std::string line = trim(raw);
  if (line.empty() || line[0] == '#') {
    if (line.empty() && last_line_) line = *last_line_;
    else return true;
  }
  // "print/x v", "x/4xw p": the format belongs to the argument.
  size_t end = line.find_first_of(" \t/");
  std::string word = line.substr(0, end);
  std::string args = end == std::string::npos ? "" : trim(line.substr(end));
  std::string error;
  const Command* c = find_command(word, &error);
  if (!c) {
    fail(error);
    last_line_.reset();
    return true;
  }
  if (!c->run) return false;  // quit
  last_line_ = c->repeats ? std::optional<std::string>(line) : std::nullopt;
  c->run(*this, args);
  std::fflush(out_);
  return true;
}

void Debugger::cmd_help(const std::string& a) {
  if (a.empty()) {
    std::fprintf(out_, "Commands (gdb's names and abbreviations):\n");
    for (const auto& c : commands()) {
      std::string names = c.name;
      for (const auto& al : c.aliases) names += ", " + al;
      std::fprintf(out_, "  %-28s %s\n", names.c_str(), c.help.substr(0, c.help.find('\n')).c_str());
    }
    std::fprintf(out_, "An empty line repeats step, next, continue, x and list.\n");
    return;
  }
  std::string error;
  const Command* c = find_command(a, &error);
  if (!c) return fail(error);
  std::fprintf(out_, "%s\n", c->help.c_str());
}

std::vector<std::string> Debugger::complete(const std::string& line) const {
  std::vector<std::string> out;
  size_t sp = line.find_last_of(" \t");
  std::string word = sp == std::string::npos ? line : line.substr(sp + 1);
  if (sp == std::string::npos) {
    for (const auto& c : commands())
      if (c.name.compare(0, word.size(), word) == 0) out.push_back(c.name);
  } else {
    std::string first = trim(line.substr(0, line.find_first_of(" \t")));
    std::vector<std::string> words;
    if (first == "info" || first == "i") {
      words = {"breakpoints", "watchpoints", "locals", "args", "frame", "globals", "functions",
               "line", "source", "record", "position", "checkpoints"};
    } else {
      if (info_) {
        words = info_->function_names();
        for (const auto& f : info_->source_files()) words.push_back(short_file(f));
      }
      for (const auto& e : replay_->module()->func_names) words.push_back(e.second);
      if (first == "goto") words.insert(words.end(), {"record", "position", "start"});
    }
    for (const auto& w : words)
      if (w.compare(0, word.size(), word) == 0) out.push_back(w);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void Debugger::interrupt() {
  if (target_) target_->interrupt();
}

}  // namespace tc::debug

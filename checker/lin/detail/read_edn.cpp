// Jepsen / Knossos EDN histories: operation maps one per line, or inside a vector or list.
#include "checker/input/input.hpp"
#include "checker/lin/detail/history_builder.hpp"

namespace weir::lin::detail {
namespace {

std::optional<ReadError> read_event(const Edn& m, HistoryBuilder& builder) {
  if (m.kind != Edn::Kind::Map)
    return builder.error(m.line, "expected an operation map {:process .. :type .. :f ..}, got " +
                                     input::excerpt(m.print(), 60));
  const Edn* process = m.get("process");
  if (!process) return builder.error(m.line, "operation has no :process");
  // The nemesis (a keyword process) injects faults; it performs no operation on the object.
  if (process->kind == Edn::Kind::Keyword) {
    builder.other_event();
    return std::nullopt;
  }
  if (process->kind != Edn::Kind::Int && process->kind != Edn::Kind::String)
    return builder.error(m.line, ":process must be an integer, got " + input::excerpt(process->print()));
  const Edn* type = m.get("type");
  if (!type) return builder.error(m.line, "operation has no :type");
  auto t = type->kind == Edn::Kind::Keyword ? parse_event_type(type->text) : std::nullopt;
  if (!t)
    return builder.error(m.line, "unknown :type " + input::excerpt(type->print()) +
                                     " (expected :invoke, :ok, :fail or :info)");
  const Edn* f = m.get("f");
  if (!f || (f->kind != Edn::Kind::Keyword && f->kind != Edn::Kind::String &&
             f->kind != Edn::Kind::Symbol))
    return builder.error(m.line, "operation has no :f keyword");
  static const Edn nil;
  const Edn* value = m.get("value");
  return builder.event(process->text, *t, f->text, value ? *value : nil, m.get("key"), m.line);
}

}  // namespace

std::optional<ReadError> read_edn(std::string_view text, HistoryBuilder& builder) {
  EdnReader reader(text);
  while (auto form = reader.next()) {
    if (form->kind == Edn::Kind::Vector || form->kind == Edn::Kind::List) {
      for (const Edn& item : form->items)
        if (auto err = read_event(item, builder)) return err;
    } else if (auto err = read_event(*form, builder)) {
      return err;
    }
  }
  if (reader.failed()) return builder.error(reader.error_line(), reader.error());
  return std::nullopt;
}

}  // namespace weir::lin::detail

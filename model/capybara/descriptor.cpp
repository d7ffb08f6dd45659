// Capybara in the model registry.
#include "model/capybara/capybara.hpp"
#include "model/registry/table.hpp"

namespace weir::model::capybara {

const registry::ModelInfo& descriptor() {
  static const registry::ModelInfo info = [] {
    registry::Table<Options> t;
    t.count("client-bytes", &Options::client_bytes, "bytes the client sends", 0, 8)
        .count("server-bytes", &Options::server_bytes, "bytes the service sends back", 0, 8)
        .count("migrations", &Options::migrations, "migrations in a row (there and back)", 1, 4)
        .flag("no-loss", &Options::lossy, "the client's legs never lose packets")
        .mutants(mutants(), &Options::mutant);
    return registry::describe(
        "capybara", "Capybara: live TCP migration through a switch (APSys'23)", std::move(t),
        {"both byte streams arrive exactly", "every packet the client receives carries the original 5-tuple",
         "the client never receives a reset", "the client never waits for a timeout unless a packet was lost",
         "at most one server owns the established connection", "stages move only along legal transitions",
         "the target installs the state the origin had when it serialized"},
        {{"a migration completes (the target installs the state)", ""},
         {"a client segment is buffered at the target and replayed", "needs --client-bytes 1 or more"},
         {"a second migration completes (the connection comes back)", "with --migrations 2 or more"}},
        &invalid, [](const Options& o) { return Capybara(o); });
  }();
  return info;
}

}  // namespace weir::model::capybara

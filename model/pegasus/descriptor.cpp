// Pegasus in the model registry.
#include "model/pegasus/pegasus.hpp"
#include "model/registry/table.hpp"

namespace weir::model::pegasus {

const registry::ModelInfo& descriptor() {
  static const registry::ModelInfo info = [] {
    registry::Table<Options> t;
    t.count("clients", &Options::clients, "clients", 1, kMaxClients)
        .count("servers", &Options::servers, "storage servers", 1, kMaxServers)
        .count("ops", &Options::ops, "operations per client (each a read or a write of any key)", 1, kMaxOps)
        .count("keys", &Options::keys, "keys; key 0 is the replicated (hot) one", 1, kMaxKeys)
        .count("retries", &Options::retries, "times a client resends a request without a reply", 0, 3)
        .count("max-versions", &Options::max_versions, "versions the switch hands out", 0, 200,
               "0: what the writes need")
        .count("reconfigs", &Options::reconfigs, "times the switch may replicate or unreplicate a key", 0, 4)
        .flag("no-loss", &Options::lossy, "a network that never loses messages")
        .flag("no-dup", &Options::duplicating, "a network that never duplicates messages")
        .mutants(mutants(), &Options::mutant);
    return registry::describe(
        "pegasus", "Pegasus: in-network coherence directory (OSDI'20), linearizability", std::move(t),
        {"the clients' history is linearizable (kv)", "every server in rset holds a version >= ver_completed",
         "no reply forwarded to a client carries a version above ver_completed",
         "ver_completed of a key is at least the version of every write of it whose reply reached a client",
         "a server's versions never decrease", "no server applies a write twice",
         "every client finishes its operations (progress: when nothing more can happen)"},
        {{"a read is served by a replica other than the key's home server", "needs --servers 2 or more"},
         {"the switch replicates or unreplicates a key", "with --reconfigs 1 or more"},
         {"the switch changes its directory a second time", "with --reconfigs 2 or more"}},
        &invalid, [](const Options& o) { return make_model(o); });
  }();
  return info;
}

}  // namespace weir::model::pegasus

// A Kubernetes Indexed Job of the shards, and a Job that merges their results.
#include "swarm/detail/script.hpp"
#include "swarm/detail/values.hpp"
#include "swarm/swarm.hpp"

namespace weir::swarm {

namespace {

using json = nlohmann::json;

// YAML's block style for a JSON value (maps and lists nested; every scalar written as JSON,
// which YAML reads as the same value: strings double-quoted, every byte outside printable
// ASCII escaped, so no value can end its line or be read as anything but one scalar). The
// keys are Weir's own.
void yaml(std::string& out, const json& v, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  auto scalar_or_empty = [](const json& x) -> std::optional<std::string> {
    if (x.is_object() && x.empty()) return "{}";
    if (x.is_array() && x.empty()) return "[]";
    if (!x.is_structured()) return x.dump(-1, ' ', true);
    return std::nullopt;
  };
  if (v.is_object()) {
    for (const auto& [key, x] : v.items()) {
      out += pad + key + ":";
      if (auto s = scalar_or_empty(x)) out += " " + *s + "\n";
      else {
        out += "\n";
        yaml(out, x, indent + 2);
      }
    }
    return;
  }
  for (const json& x : v) {
    if (auto s = scalar_or_empty(x)) {
      out += pad + "- " + *s + "\n";
      continue;
    }
    // "- " takes the place of the nested block's first indentation.
    std::string nested;
    yaml(nested, x, indent + 2);
    out += pad + "- " + nested.substr(static_cast<std::size_t>(indent) + 2);
  }
}

json pod(const K8sOptions& o, const std::string& script) {
  return {{"restartPolicy", "Never"},
          {"containers",
           {{{"name", "weir"},
             {"image", o.image},
             {"command", {"/bin/sh", "-c", script}},
             {"resources", {{"requests", {{"cpu", o.cpu}}}}},
             {"volumeMounts", {{{"name", "results"}, {"mountPath", o.mount}}}}}}},
          {"volumes", {{{"name", "results"}, {"persistentVolumeClaim", {{"claimName", o.claim}}}}}}};
}

std::optional<std::string> refused(const std::vector<std::string>& command, const K8sOptions& o) {
  using namespace detail;
  if (o.image.empty() || o.image.find_first_of(" \t") != std::string::npos) return std::string("--image must be one image reference, no blanks");
  for (auto why : {check_words(command), check_path("--weir", o.weir), check_value("--image", o.image),
                   check_path("--mount", o.mount), check_k8s_subdomain("--claim", o.claim),
                   check_k8s_name("--name", o.name, std::string("-merge").size()), check_quantity("--cpu", o.cpu)})
    if (why) return why;
  if (o.mount[0] != '/' || o.mount.find(':') != std::string::npos) return std::string("--mount must be an absolute path without ':'");
  return std::nullopt;
}

}  // namespace

std::variant<Files, std::string> k8s_files(const std::vector<std::string>& command, const K8sOptions& o) {
  using detail::comment_text;
  if (auto why = refused(command, o)) return *why;
  const std::string n = std::to_string(o.shards);
  // A pod that failed is retried by the Job: a shard's verdict (0, 1, 3) is in its result
  // file and its pod succeeds; bad input or a bug in weir (2, 4) fails it.
  const std::string shard_script =
      "set -u\n" + detail::shard_command(command, o.weir, o.mount, "JOB_COMPLETION_INDEX", o.shards) +
      "\ncode=$?\ncase $code in 0|1|3) exit 0 ;; *) exit $code ;; esac\n";
  json shards = {{"apiVersion", "batch/v1"},
                 {"kind", "Job"},
                 {"metadata", {{"name", o.name}, {"labels", {{"app.kubernetes.io/name", "weir-swarm"}}}}},
                 {"spec",
                  {{"completionMode", "Indexed"},
                   {"completions", o.shards},
                   {"parallelism", o.parallelism ? std::min(o.parallelism, o.shards) : o.shards},
                   {"backoffLimit", 3},
                   {"template", {{"spec", pod(o, shard_script)}}}}}};
  json merge = {{"apiVersion", "batch/v1"},
                {"kind", "Job"},
                {"metadata", {{"name", o.name + "-merge"}, {"labels", {{"app.kubernetes.io/name", "weir-swarm"}}}}},
                {"spec",
                 {{"backoffLimit", 0},
                  {"template", {{"spec", pod(o, detail::merge_command(o.weir, o.mount, o.shards) + "\n")}}}}}};
  const std::string head = "# weir swarm: " + n + " shards of\n#   weir " + comment_text(detail::words(command)) + "\n";
  std::string job_yaml = head + "# Shard i (JOB_COMPLETION_INDEX) writes " + comment_text(o.mount) + "/shard-i-of-" + n + ".json.\n";
  yaml(job_yaml, shards, 0);
  std::string merge_yaml = head + "# Apply once the shards' Job is complete: the merged verdict is this Job's log.\n";
  yaml(merge_yaml, merge, 0);
  std::string run = "#!/bin/sh\n# Runs the shards, waits for them, then merges and prints the verdict.\nset -eu\n";
  run += "here=$(cd \"$(dirname \"$0\")\" && pwd)\n";
  run += "kubectl apply -f \"$here/job.yaml\"\n";
  // The name is a DNS label (checked above); quoted all the same, as every word is.
  const std::string job = detail::quote("job/" + o.name), merge_job = detail::quote("job/" + o.name + "-merge");
  run += "kubectl wait --for=condition=complete --timeout=24h " + job + "\n";
  run += "kubectl apply -f \"$here/merge-job.yaml\"\n";
  run += "kubectl wait --for=condition=complete --timeout=1h " + merge_job + " || true\n";
  run += "kubectl logs " + merge_job + "\n";
  Files f;
  f.files = {{"job.yaml", job_yaml}, {"merge-job.yaml", merge_yaml}, {"run.sh", run}};
  f.next = "run with: sh run.sh (needs the image " + o.image + " with weir at " + o.weir +
           ", and the ReadWriteMany claim " + o.claim + ")";
  return f;
}

}  // namespace weir::swarm

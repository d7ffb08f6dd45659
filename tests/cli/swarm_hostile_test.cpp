// Every value a user gives `weir swarm` lands in a file a cluster runs as it is. Each hostile
// value below, given in each option and as a command word, is either refused (exit 2, nothing
// written) or lands as exactly itself: the generated scripts are run with fake sbatch/kubectl
// and a fake weir that records its arguments, nothing they were not meant to run runs, and
// the YAML is read by a real YAML parser into exactly the documents and keys meant.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/cli_support.hpp"

namespace {

namespace fs = std::filesystem;
using weir::test::CliRun;
using weir::test::run_argv;

const std::vector<std::string> kHostile = {
    "$(touch PWNED)", "`touch PWNED`", "x; touch PWNED", "x\ntouch PWNED", "x\rtouch PWNED", "it's \"quoted\"",
    "\xff\xfe", "a\x7f", "a\xc2\x85touch PWNED", "a\xe2\x80\xa8touch PWNED", "x # comment", "%j%a", "-rf", "$HOME",
    "a\\", "x\n---\nkind: Pod", "x\n  extra: key", "{a: b}", "\xef\xbf\xbf"};

// Control characters, bytes that are not UTF-8, line breaks to YAML 1.1 (U+0085, U+2028) and
// U+FFFF: every non-ASCII value in the list above is one of these.
bool must_refuse(const std::string& v) {
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f || c >= 0x80) return true;
  return false;
}

// Whether the value was refused (it must be, when must_refuse says so): exit 2 and nothing
// written, `first` being the file the engine's set starts with.
bool refused(int exit, const std::string& value, const fs::path& first) {
  if (exit != 2 && !must_refuse(value)) return false;
  EXPECT_EQ(exit, 2);
  EXPECT_FALSE(fs::exists(first)) << "refused, yet written";
  return true;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool anything_named(const fs::path& dir, const std::string& name) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename() == name) return true;
  return false;
}

struct Sandbox {
  fs::path dir, bin, log, weir;
  explicit Sandbox(const std::string& name) {
    dir = fs::path(weir::test::scratch_dir()) / name;
    fs::remove_all(dir);
    bin = dir / "bin";
    fs::create_directories(bin);
    log = dir / "weir-argv";
    weir = bin / "fake-weir";
    // The fake weir records each argument NUL-terminated; sbatch and kubectl record theirs and
    // sbatch runs the script it is given as the cluster would (task 0).
    write(weir, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done >> \"$WEIR_ARGV_LOG\"\nprintf '\\n\\0' >> \"$WEIR_ARGV_LOG\"\n");
    write(bin / "sbatch", "#!/bin/sh\nfor last in \"$@\"; do :; done\necho \"$*\" >> \"$WEIR_SBATCH_LOG\"\n"
                          "SLURM_ARRAY_TASK_ID=0 sh \"$last\"\necho 42\n");
    write(bin / "kubectl", "#!/bin/sh\necho \"$*\" >> \"$WEIR_KUBECTL_LOG\"\nexit 0\n");
  }
  static void write(const fs::path& p, const std::string& text) {
    std::ofstream(p) << text;
    fs::permissions(p, fs::perms::owner_all, fs::perm_options::add);
  }
  std::vector<std::string> env() const {
    return {"PATH=" + bin.string() + ":/usr/bin:/bin", "WEIR_ARGV_LOG=" + log.string(),
            "WEIR_SBATCH_LOG=" + (dir / "sbatch-log").string(), "WEIR_KUBECTL_LOG=" + (dir / "kubectl-log").string()};
  }
  // The argument lists the fake weir was called with.
  std::vector<std::vector<std::string>> calls() const {
    std::vector<std::vector<std::string>> out(1);
    const std::string text = slurp(log);
    std::string word;
    for (char c : text) {
      if (c != '\0') {
        word += c;
        continue;
      }
      if (word == "\n") out.emplace_back();
      else out.back().push_back(word);
      word.clear();
    }
    out.pop_back();
    return out;
  }
};

// Every line of a generated sh file is the shebang, a comment, or one of the lines meant.
void expect_lines_are_meant(const std::string& text, const std::set<std::string>& commands, const std::string& what) {
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    if (line.empty() || line[0] == '#') continue;
    const std::string first = line.substr(0, line.find_first_of(" =("));
    EXPECT_TRUE(commands.count(first)) << what << ": a line that was not meant to be there: " << line;
  }
}

std::set<std::string> key_paths(const nlohmann::json& v, const std::string& at = "") {
  std::set<std::string> out;
  if (v.is_object())
    for (const auto& [k, x] : v.items()) {
      out.insert(at + "/" + k);
      for (const auto& p : key_paths(x, at + "/" + k)) out.insert(p);
    }
  else if (v.is_array())
    for (std::size_t i = 0; i < v.size(); ++i)
      for (const auto& p : key_paths(v[i], at + "/" + std::to_string(i))) out.insert(p);
  return out;
}

int hostile_run(const std::string& engine, const std::string& option, const std::string& value, Sandbox& box,
                std::vector<std::string>& command) {
  std::vector<std::string> args = {"swarm", engine, "--shards", "2", "--out", "job", "--weir", box.weir.string()};
  if (engine == "slurm") args.insert(args.end(), {"--results", (box.dir / "res").string()});
  else args.insert(args.end(), {"--image", "example.invalid/weir:1", "--mount", (box.dir / "res").string()});
  command = {"fuzz", "beaver", "--runs", "4"};
  if (option == "word") command.push_back(value);
  else if (option == "--weir" || option == "--results" || option == "--mount")
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i] == option) args[i + 1] = value;
    }
  else args.insert(args.end(), {option, value});
  args.push_back("--");
  args.insert(args.end(), command.begin(), command.end());
  return run_argv(WEIR_BINARY, args, box.dir.string(), box.env()).exit;
}

TEST(SwarmHostile, SlurmValuesAreRefusedOrLandAsExactlyThemselves) {
  for (const std::string option : {"--name", "--partition", "--time", "--results", "--weir", "word"})
    for (std::size_t h = 0; h < kHostile.size(); ++h) {
      const std::string& value = kHostile[h];
      SCOPED_TRACE(option + " hostile value #" + std::to_string(h));
      Sandbox box("slurm-hostile");
      std::vector<std::string> command;
      const int exit = hostile_run("slurm", option, value, box, command);
      if (refused(exit, value, box.dir / "job" / "submit.sh")) continue;
      ASSERT_EQ(exit, 0);
      const fs::path job = box.dir / "job";
      expect_lines_are_meant(slurp(job / "shards.sbatch"), {"exec"}, "shards.sbatch");
      expect_lines_are_meant(slurp(job / "merge.sbatch"), {"exec"}, "merge.sbatch");
      expect_lines_are_meant(slurp(job / "submit.sh"), {"set", "here", "mkdir", "array", "merge", "echo"}, "submit.sh");
      // #SBATCH lines: one option each, a value without blanks or quotes sbatch would strip.
      for (const std::string file : {"shards.sbatch", "merge.sbatch"}) {
        const std::string text = slurp(job / file);
        for (std::size_t at = text.find("#SBATCH "); at != std::string::npos; at = text.find("#SBATCH ", at + 1)) {
          const std::string line = text.substr(at + 8, text.find('\n', at) - at - 8);
          EXPECT_EQ(line.find_first_of(" \t'\"`$;"), std::string::npos) << file << ": " << line;
        }
      }
      const CliRun run = run_argv("/bin/sh", {(job / "submit.sh").string()}, box.dir.string(), box.env());
      EXPECT_FALSE(anything_named(box.dir, "PWNED")) << "a value ran as a command";
      if (option == "--weir") continue;  // the path is not the fake weir: nothing to record
      EXPECT_EQ(run.exit, 0) << run.out << run.err;
      const auto calls = box.calls();
      ASSERT_EQ(calls.size(), 2u) << "the shard (task 0) and the merge ran weir once each";
      const std::vector<std::string> shard(calls[0].begin(), calls[0].begin() + static_cast<long>(command.size()));
      EXPECT_EQ(shard, command) << "the command reached weir word for word";
      EXPECT_EQ(calls[1][0], "merge");
      if (option == "--results") {
        EXPECT_NE(calls[1].back().find(value), std::string::npos);
      }
    }
}

TEST(SwarmHostile, KubernetesValuesAreRefusedOrLandAsExactlyThemselvesInValidYaml) {
  const std::string validator = std::string(WEIR_SOURCE_DIR) + "/tests/tools/k8s/validate.mjs";
  if (!fs::exists(std::string(WEIR_SOURCE_DIR) + "/tests/tools/k8s/node_modules/yaml"))
    GTEST_SKIP() << "tests/tools/k8s/node_modules is not installed (scripts/install-deps.sh installs it with npm)";
  std::set<std::string> meant_job, meant_merge;
  {
    Sandbox box("k8s-plain");
    std::vector<std::string> command;
    ASSERT_EQ(hostile_run("k8s", "--claim", "weir-results", box, command), 0);
    const CliRun v = run_argv("/usr/bin/node", {validator, "job/job.yaml", "job/merge-job.yaml"}, box.dir.string());
    ASSERT_EQ(v.exit, 0) << v.err;
    const auto docs = nlohmann::json::parse(v.out);
    meant_job = key_paths(docs[0]);
    meant_merge = key_paths(docs[1]);
  }
  for (const std::string option : {"--name", "--claim", "--cpu", "--image", "--mount", "--weir", "word"})
    for (std::size_t h = 0; h < kHostile.size(); ++h) {
      const std::string& value = kHostile[h];
      SCOPED_TRACE(option + " hostile value #" + std::to_string(h));
      Sandbox box("k8s-hostile");
      std::vector<std::string> command;
      const int exit = hostile_run("k8s", option, value, box, command);
      if (refused(exit, value, box.dir / "job" / "job.yaml")) continue;
      ASSERT_EQ(exit, 0);
      EXPECT_NE(option, "--name") << "a Kubernetes name must be a DNS label";
      EXPECT_NE(option, "--claim");
      // Each file is one document with exactly the keys meant.
      for (const auto& [file, meant] : {std::pair{"job/job.yaml", &meant_job}, std::pair{"job/merge-job.yaml", &meant_merge}}) {
        const CliRun v = run_argv("/usr/bin/node", {validator, file}, box.dir.string());
        ASSERT_EQ(v.exit, 0) << file << ": " << v.err;
        const auto docs = nlohmann::json::parse(v.out);
        ASSERT_EQ(docs.size(), 1u) << file;
        EXPECT_EQ(key_paths(docs[0]), *meant) << file;
        const auto& container = docs[0]["spec"]["template"]["spec"]["containers"][0];
        if (option == "--image") {
          EXPECT_EQ(container["image"], value);
        }
        if (option == "--mount") {
          EXPECT_EQ(container["volumeMounts"][0]["mountPath"], value);
        }
        if (std::string(file) == "job/job.yaml" && option != "--weir") {
          // The pod's command, run as the Job controller would (index 0): weir gets the words.
          const std::string script = docs[0]["spec"]["template"]["spec"]["containers"][0]["command"][2];
          auto env = box.env();
          env.push_back("JOB_COMPLETION_INDEX=0");
          run_argv("/bin/sh", {"-c", script}, box.dir.string(), env);
          const auto calls = box.calls();
          ASSERT_EQ(calls.size(), 1u);
          const std::vector<std::string> shard(calls[0].begin(), calls[0].begin() + static_cast<long>(command.size()));
          EXPECT_EQ(shard, command);
        }
      }
      expect_lines_are_meant(slurp(box.dir / "job" / "run.sh"), {"set", "here", "kubectl"}, "run.sh");
      run_argv("/bin/sh", {(box.dir / "job" / "run.sh").string()}, box.dir.string(), box.env());
      EXPECT_FALSE(anything_named(box.dir, "PWNED")) << "a value ran as a command";
    }
}

}  // namespace

// The `weir` command: each subcommand registers itself on the CLI11 app and returns the
// function that runs it. Exit codes are the same everywhere.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace weir::cli {

// 4: an internal error, a bug in Weir (never a verdict on the input).
enum Exit : int { kHolds = 0, kViolation = 1, kBadInput = 2, kUnknown = 3, kInternal = 4 };

// Of several verdicts, the one to exit with: bad input over a violation over unknown.
int worst(int a, int b);

using Runner = std::function<int()>;
Runner add_check_lin(CLI::App& check);
Runner add_check_cut(CLI::App& check);
Runner add_explore(CLI::App& app);
Runner add_bound(CLI::App& app);

}  // namespace weir::cli

// `weir`: the checkers and the model checker in-process; bound, fuzz, replay and trace are
// handed to weir-full (cli/forward.hpp).
#include "cli/forward.hpp"

int main(int argc, char** argv) { return weir::cli::weir_main(argc, argv, weir::cli::forwarded_backends(argv)); }

// Optional hooks, found by name. A hook looked up only by `requires { m.hook(args); }`
// is silently skipped when its signature drifts (a parameter added, a const lost): the
// behaviour it adds then goes unexplored and nothing says so. Here a hook is first found
// by its name alone, whatever its signature; a type that has a member of that name must
// then also have the hook's signature, or the build fails with a message that names it.
//
//   WEIR_HOOK_NAME(inert)  defines  weir::hooks::has_member_inert<T>  (true for a class
//                                   with any member called `inert`, of any kind)
#pragma once

namespace weir::hooks::detail {
// Name lookup of `NAME` in a class deriving from both T and a probe that has one member
// of that name is ambiguous exactly when T has a member of that name too.
template <class T, class Probe>
struct Both : T, Probe {};
}  // namespace weir::hooks::detail

#define WEIR_HOOK_NAME(NAME)                                                                              \
  namespace weir::hooks {                                                                                 \
  namespace detail {                                                                                      \
  struct Probe_##NAME {                                                                                   \
    int NAME;                                                                                             \
  };                                                                                                      \
  }                                                                                                       \
  template <class T>                                                                                      \
  concept has_member_##NAME = !requires { &detail::Both<T, detail::Probe_##NAME>::NAME; };                \
  }

// Every hook name, in one place (a name defined twice would not build).
// The engine's (checker/explore/explore.hpp):
WEIR_HOOK_NAME(goals)
WEIR_HOOK_NAME(reached)
WEIR_HOOK_NAME(stuck)
WEIR_HOOK_NAME(has_invariants)
WEIR_HOOK_NAME(execution)
// The actor layer's (model/core/actors.hpp):
WEIR_HOOK_NAME(inert)
WEIR_HOOK_NAME(instant)
WEIR_HOOK_NAME(msg_choices)
WEIR_HOOK_NAME(timer_choices)
WEIR_HOOK_NAME(describe_timer)
WEIR_HOOK_NAME(describe_choice)
WEIR_HOOK_NAME(invariants_ignore_network)
WEIR_HOOK_NAME(on_lost)

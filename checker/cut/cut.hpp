// Causal-cut consistency of snapshots (Chandy & Lamport; partial snapshots as in Beaver,
// Yu et al., OSDI'24, Theorem 1).
//
// An execution is a set of processes, each a sequence of events: sends, receives, local
// events and snapshots. Happened-before is program order plus send -> receive, closed
// under transitivity. A snapshot with id `ssid` cuts every in-group process at its
// snapshot event for that id: the events before it are in the cut. The cut is consistent
// when it is closed under happened-before: no event after a process's snapshot happened
// before an event in the cut. Out-group processes are black boxes: they record nothing,
// yet a message out of the group and back in still carries causality, so chains through
// them count.
//
// The check is one pass in a causal order, linear in the events: each process carries
// "the highest snapshot id whose out-of-cut events lie in my causal past" (plus one), a
// message carries its sender's value, and a process that takes snapshot n while that value
// exceeds n has an event of its cut that depends on an event outside it. Snapshot ids
// increase along each process, so one number stands for every snapshot at once; vector
// clocks would cost a word per process per event. Where a snapshot records the state of
// its incoming channels, the recorded messages must be exactly those sent before the
// sender's cut and not received before the receiver's.
//
// The module's parts, each its own header: execution.hpp (the type, Builder, Recorder),
// read.hpp and write.hpp (JSON Lines), check.hpp (the check and its witnesses).
#pragma once

#include "checker/cut/check.hpp"
#include "checker/cut/execution.hpp"
#include "checker/cut/read.hpp"
#include "checker/cut/write.hpp"

// A Scenario back to scenario-file JSON (scenarios/README.md): the inverse of
// parse_scenario, so that a scenario changed in memory (by `faultline shrink`, or a
// test) can be saved, read by a person and run again with `faultline run`.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace fl::sim {

// The scenario as the text of a scenario file, such that parse_scenario reads it
// back into an equal Scenario (scenario_differences finds nothing) whenever the
// scenario is one the parser accepts. Every field is written, defaults included, one
// section per line and one fault per line; durations in format_duration's style.
//
// Faults keep the file layout their origins record when the origins describe one
// ("faults[0]", "faults[1].rolling", ... numbered from 0 without gaps, each rolling
// group a valid serial restart): the rolling element is written again, so origins,
// and with them every trace line, survive the round trip. Otherwise (faults from an
// expanded nemesis, a schedule with faults removed) each fault is written as its own
// element in schedule order, and reads back with origin "faults[K]" for its position.
std::string write_scenario(const Scenario& scenario);

// Where two scenarios differ, as scenario-file paths ("workload.clients",
// "faults[3].at", "faults.size", "nemesis.kinds"); empty when they are equal.
// `source_file` is not compared: it says where a scenario was read from, not what it
// is. Every other field is, including the fields of the nemesis mode not in use.
std::vector<std::string> scenario_differences(const Scenario& a, const Scenario& b);

}  // namespace fl::sim

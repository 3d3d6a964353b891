#include "rsm/paxos/variants.hpp"

namespace fl::paxos {
namespace {

constexpr PaxosVariant kVariants[] = {
    {Mutation::kSkipValueAdoption,
     {"skip-adoption", "phase-1 adoption", "a new leader ignores the values acceptors report in phase 1"}},
    {Mutation::kNeverSync,
     {"never-sync", "durability", "never syncs the disk: promises, accepts and replies leave before they are durable"}},
    {Mutation::kLocalReads,
     {"local-reads", "read path", "reads are answered from the local copy without being ordered"}},
};

}  // namespace

std::span<const PaxosVariant> variants() { return kVariants; }

}  // namespace fl::paxos

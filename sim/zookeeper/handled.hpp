// Works out the typed facts of one request ZooKeeper handled (ev::ZkHandled) from
// the request, its reply and ZooKeeper's tree after it. The endpoint publishes
// through one; tests that drive a ZkNode directly build their facts the same way.
#pragma once

#include "sim/events.hpp"
#include "sim/zookeeper/facts.hpp"

namespace fl::sim::zkserver {

class DataTree;

// Keeps its buffers from one request to the next, so publishing allocates little.
class HandledFacts {
 public:
  // The fact that ZooKeeper, whose tree is now `tree`, handled `request` from `from`
  // and answered `reply` (null: no answer). Valid until the next call, and only
  // while `request`, `reply` and `tree` are unchanged.
  ev::ZkHandled of(NodeId from, const fl::zookeeper::RequestMessage& request, const fl::zookeeper::ReplyMessage* reply,
                   const DataTree& tree);

 private:
  void collect_writes(const fl::zookeeper::RequestMessage& request, const fl::zookeeper::Reply& reply);
  // Adds one op's write; `created` and `stat` are what its result reports.
  void add(const fl::zookeeper::Create& op, std::string_view created, const std::optional<fl::zookeeper::Stat>& stat);
  void add(const fl::zookeeper::Delete& op, std::string_view created, const std::optional<fl::zookeeper::Stat>& stat);
  void add(const fl::zookeeper::SetData& op, std::string_view created, const std::optional<fl::zookeeper::Stat>& stat);
  void add(const fl::zookeeper::Check& op, std::string_view created, const std::optional<fl::zookeeper::Stat>& stat);
  void measure_log(const DataTree& tree);

  std::vector<ZkWrite> writes_;
  ZkLog log_;
};

}  // namespace fl::sim::zkserver

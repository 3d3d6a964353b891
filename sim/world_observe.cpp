// Telling the World's subscribers and its optional observer about sends. Kept apart from world.cpp so
// that the event loop reads without it; every function returns at once when no
// observer is set, so normal runs do no extra work.
#include "sim/world.hpp"

namespace fl::sim {

void World::observe_send(NodeId from, NodeId to, std::string_view kind, const Fate& fate) {
  if (!observer_) return;
  Micros arrivals_us[2] = {0, 0};
  for (int i = 0; i < fate.copies; ++i) arrivals_us[i] = now() + fate.delays_us[i];
  observer_->on_message(now(), from, to, kind, std::span<const Micros>(arrivals_us, static_cast<std::size_t>(fate.copies)));
}

// A protocol message's kind is the first word of its description ("accept b=1.0 ...").
void World::observe_send(NodeId from, NodeId to, const Message& message, const Fate& fate) {
  publish(ev::Sent{from, to, message, fate.copies});
  if (!observer_) return;
  const std::string text = message.describe();
  observe_send(from, to, std::string_view(text).substr(0, text.find(' ')), fate);
}

}  // namespace fl::sim

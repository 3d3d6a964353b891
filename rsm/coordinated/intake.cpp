#include "rsm/coordinated/intake.hpp"

#include <memory>

#include "rsm/coordinated/layout.hpp"
#include "rsm/coordinated/orderer.hpp"

namespace fl::coordinated {

std::string ForwardMessage::describe() const { return "Forward " + fl::describe(request); }

void Intake::await(const Request& request) {
  awaiting_[request.client.value] = request.id.value;
  forwarded_.erase(request.client.value);  // the client moved on (or retries here)
}

void Intake::reply_if_awaited(const Request& request, const Response& response, Output& out) {
  const auto it = awaiting_.find(request.client.value);
  if (it == awaiting_.end() || it->second != request.id.value) return;
  awaiting_.erase(it);
  forwarded_.erase(request.client.value);
  out.replies.push_back(ClientReply{request.client, request.id, response});
}

void Intake::forward(const Request& request, NodeId leader, Micros now, Output& out) {
  out.messages.emplace_back(leader, std::make_shared<ForwardMessage>(request));
  const auto it = awaiting_.find(request.client.value);
  if (it != awaiting_.end() && it->second == request.id.value) {
    forwarded_[request.client.value] = Forwarded{request, now, false};
  }
}

void Intake::submit_stalled(Orderer* orderer, Zk& zk) {
  for (auto it = forwarded_.begin(); it != forwarded_.end();) {
    Forwarded& f = it->second;
    if (f.submitted || zk.now - f.sent_us < zk.config.forward_timeout_us) {
      ++it;
      continue;
    }
    if (orderer != nullptr) {  // we lead now: order it ourselves
      if (orderer->has_room(zk.config)) orderer->enqueue(f.request);
      it = forwarded_.erase(it);
      continue;
    }
    std::string data;
    encode(f.request, data);
    f.submitted = true;
    zk.call(zk.client().create(std::string(kPendingEntryPrefix), std::move(data), CreateMode::kPersistentSequential,
                               zk.now, zk.out),
            Submit{it->first, f.request.id.value});
    ++it;
  }
}

void Intake::on_submitted(const Submit& p, const Reply& r, Micros now) {
  if (r.code == Code::kOk) return;
  // Not written (or not known to be): try again after another timeout; a duplicate
  // is answered from the app's dedup table.
  const auto it = forwarded_.find(p.client);
  if (it == forwarded_.end() || it->second.request.id.value != p.id) return;
  it->second.submitted = false;
  it->second.sent_us = now;
}

void Intake::on_new_session() {
  for (auto& [client, f] : forwarded_) f.submitted = false;
}

}  // namespace fl::coordinated

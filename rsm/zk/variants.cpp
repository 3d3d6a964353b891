#include "rsm/zk/variants.hpp"

namespace fl::zk {
namespace {

constexpr ZkVariant kVariants[] = {
    {ZkMutation::kNoFence,
     {"no-fence", "fencing", "a replaced leader never steps down and orders without checking /epoch"}},
};

}  // namespace

std::span<const ZkVariant> variants() { return kVariants; }

}  // namespace fl::zk

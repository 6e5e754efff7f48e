#include "bridge.h"

using namespace mlbn;

MLBN_API mlbn_status mlbn_network_train_step(mlbn_network* network, const float* input,
                                             const int64_t* labels, int64_t batch,
                                             double learning_rate, uint64_t step, float* loss,
                                             int64_t* correct) {
  return guarded("network_train_step", [&] {
    require(network != nullptr, "network handle is null");
    require(labels != nullptr, "labels are null");
    Network& net = *network;
    auto x = net.input_tensor(input, batch);
    auto logits = net.forward(x, /*training=*/true, step).reshape({batch, -1});
    auto y = torch::from_blob(const_cast<int64_t*>(labels), {batch}, torch::kInt64).to(logits.device());
    require((y >= 0).all().item<bool>() && (y < logits.size(1)).all().item<bool>(),
            "labels must be in [0, " + std::to_string(logits.size(1)) + ")");
    auto l = at::cross_entropy_loss(logits, y);
    // Gradients are released after every step rather than zero-filled: backward then writes them
    // fresh instead of accumulating into zeros.
    for (auto& p : net.parameters) p.mutable_grad().reset();
    l.backward();
    add_batch_norm_l2(net);
    optimizer_step(net, learning_rate, step);
    for (auto& p : net.parameters) p.mutable_grad().reset();
    if (loss) *loss = l.item<float>();
    if (correct) *correct = logits.argmax(1).eq(y).sum().item<int64_t>();
  });
}

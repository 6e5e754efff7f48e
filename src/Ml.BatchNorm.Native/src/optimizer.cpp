// Optimizers over the network's own parameter list, with their state held as plain tensors so that
// checkpoints can save and restore it exactly.
#include "bridge.h"

namespace mlbn {

void optimizer_step(Network& net, double lr, uint64_t step) {
  torch::NoGradGuard no_grad;
  OptimizerState& o = net.optimizer;
  require(o.kind != 0, "no optimizer has been set on this network");
  for (size_t k = 0; k < net.parameters.size(); ++k) {
    torch::Tensor& p = net.parameters[k];
    torch::Tensor g = p.grad();
    if (!g.defined()) continue;
    if (o.weight_decay != 0.0) g = g.add(p, o.weight_decay);
    switch (o.kind) {
      case MLBN_OPTIMIZER_SGD:
        if (o.beta1 != 0.0) {
          torch::Tensor& buf = o.slot1[k];
          buf.mul_(o.beta1).add_(g);
          if (o.nesterov) g = g.add(buf, o.beta1);
          else g = buf;
        }
        p.add_(g, -lr);
        break;
      case MLBN_OPTIMIZER_ADAGRAD: {
        torch::Tensor& sum = o.slot1[k];
        sum.addcmul_(g, g);
        p.addcdiv_(g, sum.sqrt().add_(o.epsilon), -lr);
        break;
      }
      case MLBN_OPTIMIZER_ADAM: {
        const double t = static_cast<double>(step + 1);
        torch::Tensor& m = o.slot1[k];
        torch::Tensor& v = o.slot2[k];
        m.lerp_(g, 1.0 - o.beta1);
        v.mul_(o.beta2).addcmul_(g, g, 1.0 - o.beta2);
        const double bc1 = 1.0 - std::pow(o.beta1, t);
        const double bc2 = 1.0 - std::pow(o.beta2, t);
        p.addcdiv_(m, v.sqrt().div_(std::sqrt(bc2)).add_(o.epsilon), -lr / bc1);
        break;
      }
    }
  }
}

}  // namespace mlbn

using namespace mlbn;

MLBN_API mlbn_status mlbn_network_set_optimizer(mlbn_network* network, int32_t kind, double beta1,
                                                double beta2, double epsilon, double weight_decay,
                                                double initial_accumulator, int32_t nesterov) {
  return guarded("network_set_optimizer", [&] {
    require(network != nullptr, "network handle is null");
    require(kind == MLBN_OPTIMIZER_SGD || kind == MLBN_OPTIMIZER_ADAGRAD || kind == MLBN_OPTIMIZER_ADAM,
            "unknown optimizer kind " + std::to_string(kind));
    require(beta1 >= 0.0 && beta1 < 1.0 && beta2 >= 0.0 && beta2 < 1.0, "optimizer betas/momentum must be in [0, 1)");
    require(epsilon >= 0.0 && weight_decay >= 0.0 && initial_accumulator >= 0.0, "optimizer epsilon, weight decay and initial accumulator must not be negative");
    OptimizerState o;
    o.kind = kind;
    o.beta1 = beta1;
    o.beta2 = beta2;
    o.epsilon = epsilon;
    o.weight_decay = weight_decay;
    o.initial_accumulator = initial_accumulator;
    o.nesterov = nesterov != 0;
    torch::NoGradGuard no_grad;
    for (auto& p : network->parameters) {
      switch (kind) {
        case MLBN_OPTIMIZER_SGD:
          o.slot1.push_back(beta1 != 0.0 ? torch::zeros_like(p) : torch::Tensor());
          break;
        case MLBN_OPTIMIZER_ADAGRAD:
          o.slot1.push_back(torch::full_like(p, initial_accumulator));
          break;
        case MLBN_OPTIMIZER_ADAM:
          o.slot1.push_back(torch::zeros_like(p));
          o.slot2.push_back(torch::zeros_like(p));
          break;
      }
    }
    network->optimizer = std::move(o);
    network->rebuild_names();
  });
}

// Ml.BatchNorm native bridge: a flat C surface over libtorch.
//
// Every function returns an mlbn_status; results come back through out parameters. On failure the
// calling thread's error message is available through mlbn_last_error (and must be released with
// mlbn_free_string). No C++ exception ever crosses this boundary.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
#define MLBN_EXTERN extern "C"
#else
#define MLBN_EXTERN
#endif
#define MLBN_API MLBN_EXTERN __attribute__((visibility("default")))

typedef int32_t mlbn_status;
enum {
  MLBN_OK = 0,
  MLBN_ERROR = 1,             // an exception inside libtorch or the bridge
  MLBN_INVALID_ARGUMENT = 2,  // the caller passed something the bridge rejects before any work
  MLBN_NOT_AVAILABLE = 3,     // a device or feature this build or machine lacks
};

enum {
  MLBN_LAYER_CONVOLUTION = 1,
  MLBN_LAYER_BATCH_NORM = 2,
  MLBN_LAYER_CRELU = 3,
  MLBN_LAYER_RELU = 4,
  MLBN_LAYER_MAX_POOL = 5,
  MLBN_LAYER_FLATTEN = 6,
  MLBN_LAYER_DENSE = 7,
  MLBN_LAYER_DROPOUT = 8,
};

enum {
  MLBN_OPTIMIZER_SGD = 1,
  MLBN_OPTIMIZER_ADAGRAD = 2,
  MLBN_OPTIMIZER_ADAM = 3,
};

enum {
  MLBN_ROLE_PARAMETER = 0,  // trained weights
  MLBN_ROLE_STATISTIC = 1,  // batch-norm moving statistics
  MLBN_ROLE_OPTIMIZER = 2,  // optimizer slots (accumulators, moments)
};

// One layer of a network. Fields a layer kind does not use are ignored.
typedef struct mlbn_layer_spec {
  int32_t kind;
  int32_t units;         // convolution filters, dense outputs
  int32_t kernel;        // convolution and pooling window
  int32_t stride;        // convolution and pooling stride
  int32_t same_padding;  // convolution and pooling: 1 pads so that output = ceil(input / stride)
  int32_t bias;          // convolution and dense: 1 adds a bias
  int32_t center;        // batch norm: 1 learns a shift (beta)
  int32_t scale;         // batch norm: 1 learns a scale (gamma)
  double decay;          // batch norm: weight kept on the old moving average (TensorFlow meaning)
  double epsilon;        // batch norm
  double keep_probability;  // dropout
  double init_std;       // convolution and dense: truncated-normal std (cut at two std)
  // Appended fields (batch-norm modes); older fields keep their offsets.
  int32_t moving_statistics;     // batch norm: MLBN_BN_STATS_* (how the moving statistics average)
  int32_t renorm;                // batch norm: 1 = batch renormalization (Ioffe 2017)
  int32_t ghost_batch_size;      // batch norm: examples per virtual batch in training mode; 0 = off
  int32_t renorm_warm_up_steps;  // batch norm: updates over which rmax/dmax ramp to their targets
  double gamma_init;             // batch norm: initial gamma
  double beta_init;              // batch norm: initial beta
  double moving_mean_init;       // batch norm: initial moving mean
  double moving_variance_init;   // batch norm: initial moving variance
  double gamma_l2;               // batch norm: L2 coefficient, adds gamma_l2 * gamma to gamma's gradient
  double beta_l2;                // batch norm: L2 coefficient, adds beta_l2 * beta to beta's gradient
  double renorm_max_r;           // batch norm: target rmax (>= 1)
  double renorm_max_d;           // batch norm: target dmax (>= 0)
  double renorm_decay;           // batch norm: decay of the renorm mean/std that r and d use
} mlbn_layer_spec;

// How a batch-norm layer's moving statistics average the batch statistics.
enum {
  MLBN_BN_STATS_EXPONENTIAL = 0,          // m = decay m + (1 - decay) batch
  MLBN_BN_STATS_EXPONENTIAL_WARM_UP = 1,  // decay_t = min(decay, (1 + t) / (10 + t)), t = updates so far
  MLBN_BN_STATS_CUMULATIVE = 2,           // m = exact mean over the t + 1 batches seen so far
};

// Fine-tuning policy of a batch-norm layer (bits; frozen bits are sticky).
enum {
  MLBN_BN_FULL = 0,
  MLBN_BN_STATISTICS_FROZEN = 1,  // training mode normalizes with the moving statistics, never updates them
  MLBN_BN_AFFINE_FROZEN = 2,      // gamma and beta receive no updates
  MLBN_BN_BOTH_FROZEN = 3,
};

typedef struct mlbn_network mlbn_network;

// Errors and bookkeeping.
MLBN_API char* mlbn_last_error(void);
MLBN_API void mlbn_free_string(char* text);
MLBN_API int64_t mlbn_live_handles(void);

// Threads: the count applies to libtorch (OpenMP, oneDNN) and OpenBLAS on every thread that enters
// the bridge, whichever thread that is.
MLBN_API mlbn_status mlbn_set_threads(int32_t count);
MLBN_API mlbn_status mlbn_threads_in_effect(int32_t* torch_threads, int32_t* blas_threads);

// Kernel path for every network: 0 = fused kernels where they apply (default), 1 = libtorch's plain
// operators everywhere (the reference the fused kernels are tested against).
MLBN_API mlbn_status mlbn_set_kernel_path(int32_t path);

// Devices: "cpu", "cuda", "cuda:N".
MLBN_API mlbn_status mlbn_device_validate(const char* device);
MLBN_API mlbn_status mlbn_cuda_device_count(int32_t* count);

// Networks.
MLBN_API mlbn_status mlbn_network_create(const mlbn_layer_spec* layers, int32_t layer_count,
                                         int32_t channels, int32_t height, int32_t width,
                                         uint64_t seed, const char* device, mlbn_network** out);
MLBN_API void mlbn_network_free(mlbn_network* network);
MLBN_API mlbn_status mlbn_network_output_size(mlbn_network* network, int64_t* size);
// Raw output of the last layer for images of height x width (the spec's size or another one:
// convolutions accept any size). training=1 normalizes with batch statistics and updates the moving
// statistics (and applies dropout, keyed by seed and step); training=0 is inference mode.
MLBN_API mlbn_status mlbn_network_forward(mlbn_network* network, const float* input, int64_t batch,
                                          int32_t height, int32_t width, int32_t training,
                                          uint64_t step, float* output, int64_t output_capacity);
// Inference mode, softmax over the last layer.
MLBN_API mlbn_status mlbn_network_score(mlbn_network* network, const float* input, int64_t batch,
                                        float* probabilities);
// Whether inference currently runs with batch norm folded into the preceding layers (1) or not (0:
// nothing to fold, the plain kernel path, or the folded weights failed their numerical check).
MLBN_API mlbn_status mlbn_network_folding_active(mlbn_network* network, int32_t* active);
// 1 (default): inference may fold batch norm into the preceding layers (after its numerical check); 0: never.
MLBN_API mlbn_status mlbn_network_set_folding(mlbn_network* network, int32_t enabled);
// Mean cross-entropy and correct count, inference mode.
MLBN_API mlbn_status mlbn_network_evaluate(mlbn_network* network, const float* input,
                                           const int64_t* labels, int64_t batch, double* loss_sum,
                                           int64_t* correct);

// Training.
MLBN_API mlbn_status mlbn_network_set_optimizer(mlbn_network* network, int32_t kind, double beta1,
                                                double beta2, double epsilon, double weight_decay,
                                                double initial_accumulator, int32_t nesterov);
// One step: forward in training mode, cross-entropy, backward, optimizer update. `step` is the
// zero-based global step: it keys dropout and Adam's bias correction, so a resumed run repeats it.
MLBN_API mlbn_status mlbn_network_train_step(mlbn_network* network, const float* input,
                                             const int64_t* labels, int64_t batch,
                                             double learning_rate, uint64_t step, float* loss,
                                             int64_t* correct);

// Batch-norm fine-tuning policy (MLBN_BN_*) of the batch-norm layer at layer_index, or of every one
// with layer_index = -1. Frozen parts stay frozen: a policy that would unfreeze one is rejected.
MLBN_API mlbn_status mlbn_network_set_bn_policy(mlbn_network* network, int32_t layer_index, int32_t policy);
MLBN_API mlbn_status mlbn_network_get_bn_policy(mlbn_network* network, int32_t layer_index, int32_t* policy);

// Recalibration ("precise BN"): begin, then batches forward in training mode without gradients and
// without dropout (each batch-norm layer normalizes with its batch statistics and accumulates the
// exact mean and unbiased variance of every value it sees; no weight or statistic changes), then end
// writes those into the moving statistics. Frozen statistics are recalibrated too: it is explicit.
MLBN_API mlbn_status mlbn_network_recalibrate_begin(mlbn_network* network);
MLBN_API mlbn_status mlbn_network_recalibrate_batch(mlbn_network* network, const float* input, int64_t batch);
MLBN_API mlbn_status mlbn_network_recalibrate_end(mlbn_network* network);
// Leaves recalibration without changing any statistic (after a failed batch).
MLBN_API mlbn_status mlbn_network_recalibrate_cancel(mlbn_network* network);

// Named tensors (PyTorch state_dict names: "0.weight", "1.running_mean", "optimizer.0.weight.sum").
MLBN_API mlbn_status mlbn_network_tensor_count(mlbn_network* network, int32_t* count);
MLBN_API mlbn_status mlbn_network_tensor_info(mlbn_network* network, int32_t index, char** name,
                                              int32_t* role, int32_t* rank, int64_t* shape,
                                              int32_t shape_capacity);
MLBN_API mlbn_status mlbn_network_tensor_read(mlbn_network* network, const char* name,
                                              float* destination, int64_t count);
MLBN_API mlbn_status mlbn_network_tensor_write(mlbn_network* network, const char* name,
                                               const float* source, int64_t count);

// Image files (OpenCV). Reads a PNG/JPEG/BMP file as 8-bit grey (colour is converted by OpenCV's
// IMREAD_GRAYSCALE, whose weighting may differ from ML.NET's ConvertToGrayscale), resizes it to
// height x width when its size differs (INTER_AREA when shrinking, INTER_LINEAR otherwise) and
// writes pixel / 255 as floats in row-major order into out (height * width floats). The file's own
// size comes back through original_height / original_width (either may be null).
MLBN_API mlbn_status mlbn_image_read_gray(const char* path, int32_t height, int32_t width, float* out,
                                          int32_t* original_height, int32_t* original_width);
// Writes height x width 8-bit grey pixels (row-major) losslessly as a PNG file.
MLBN_API mlbn_status mlbn_image_write_gray_png(const char* path, const uint8_t* pixels,
                                               int32_t height, int32_t width);
// Decodes a PNG/JPEG/BMP file as 8-bit BGR, three interleaved channels whatever the file holds.
// *pixels (height * width * 3 bytes) is allocated by the bridge: release it with mlbn_image_free.
MLBN_API mlbn_status mlbn_image_decode_bgr(const char* path, uint8_t** pixels, int32_t* height,
                                           int32_t* width);
MLBN_API void mlbn_image_free(uint8_t* pixels);
// Resizes interleaved 8-bit pixels (channels 1 or 3) into destination (new_height * new_width *
// channels bytes): INTER_AREA when shrinking, INTER_LINEAR otherwise, a plain copy at the same size.
MLBN_API mlbn_status mlbn_image_resize(const uint8_t* source, int32_t height, int32_t width,
                                       int32_t channels, uint8_t* destination,
                                       int32_t new_height, int32_t new_width);
// Converts interleaved BGR pixels to grey (OpenCV's COLOR_BGR2GRAY) into height * width bytes.
MLBN_API mlbn_status mlbn_image_bgr_to_gray(const uint8_t* source, int32_t height, int32_t width,
                                            uint8_t* destination);

// Instruction set of the bridge's own vectorized kernels (fused CReLU + max-pool): 0 = auto (the
// widest the CPU supports, the default), 1 = scalar, 2 = AVX2, 3 = AVX-512 (avx512f). Forcing a set
// the CPU lacks returns MLBN_NOT_AVAILABLE. Process-wide; tests force each set in turn.
MLBN_API mlbn_status mlbn_set_instruction_set(int32_t set);
// The set in use now (1, 2 or 3; never 0).
MLBN_API mlbn_status mlbn_instruction_set_in_effect(int32_t* set);

// Benchmarks only (bench/), not part of the library's surface. The machine's ceiling in GFLOP/s,
// best of `repetitions`: a 5x5 convolution (64 -> 64 channels, 28x28, batch 64) through libtorch's
// oneDNN path, and a 2048x2048 single-precision matrix product through OpenBLAS.
MLBN_API mlbn_status mlbn_bench_ceiling(int32_t repetitions, double* conv_gflops, double* sgemm_gflops);
// Seconds (best of `iterations`) of one forward + backward of max-pool 2 over CReLU on a random
// batch x channels x height x width tensor: path 0 the fused kernel in the current instruction
// set, 1 libtorch's plain operators (relu(cat(x, -x)) then max-pool).
MLBN_API mlbn_status mlbn_bench_crelu_pool(int32_t path, int64_t batch, int64_t channels, int64_t height,
                                           int64_t width, int32_t iterations, double* seconds);

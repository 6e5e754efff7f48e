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
} mlbn_layer_spec;

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

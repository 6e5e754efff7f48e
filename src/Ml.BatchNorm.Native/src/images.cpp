// Image files through OpenCV: grey decoding with resizing, and lossless grey PNG writing.
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <fstream>

#include "bridge.h"

MLBN_API mlbn_status mlbn_image_read_gray(const char* path, int32_t height, int32_t width, float* out,
                                          int32_t* original_height, int32_t* original_width) {
  return mlbn::guarded("image_read_gray", [&] {
    mlbn::require(path != nullptr && *path != '\0', "image path is empty");
    mlbn::require(height > 0 && width > 0, "image size " + std::to_string(height) + "x" +
                                               std::to_string(width) + " is not positive");
    mlbn::require(out != nullptr, "output buffer is null");
    std::string file(path);
    {
      std::ifstream probe(file, std::ios::binary);
      if (!probe) throw mlbn::InvalidArgument("image file '" + file + "' does not exist or cannot be read");
    }
    cv::Mat image;
    try {
      image = cv::imread(file, cv::IMREAD_GRAYSCALE);
    } catch (const cv::Exception& e) {
      throw std::runtime_error("image file '" + file + "' could not be decoded: " + e.what());
    }
    if (image.empty())
      throw std::runtime_error("image file '" + file + "' could not be decoded (not a supported PNG/JPEG/BMP image)");
    if (original_height) *original_height = image.rows;
    if (original_width) *original_width = image.cols;
    if (image.rows != height || image.cols != width) {
      bool shrinking = height <= image.rows && width <= image.cols;
      cv::Mat resized;
      cv::resize(image, resized, cv::Size(width, height), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
      image = resized;
    }
    for (int r = 0; r < height; ++r) {
      const uint8_t* row = image.ptr<uint8_t>(r);
      for (int c = 0; c < width; ++c) out[static_cast<int64_t>(r) * width + c] = row[c] / 255.0f;
    }
  });
}

MLBN_API mlbn_status mlbn_image_write_gray_png(const char* path, const uint8_t* pixels,
                                               int32_t height, int32_t width) {
  return mlbn::guarded("image_write_gray_png", [&] {
    mlbn::require(path != nullptr && *path != '\0', "image path is empty");
    mlbn::require(height > 0 && width > 0, "image size is not positive");
    mlbn::require(pixels != nullptr, "pixel buffer is null");
    std::string file(path);
    cv::Mat image(height, width, CV_8UC1, const_cast<uint8_t*>(pixels));
    bool written = false;
    try {
      written = cv::imwrite(file, image);
    } catch (const cv::Exception& e) {
      throw std::runtime_error("image file '" + file + "' could not be written: " + e.what());
    }
    if (!written) throw std::runtime_error("image file '" + file + "' could not be written");
  });
}

// Colour decoding for the pipeline's LoadImages: 8-bit BGR (OpenCV's channel order), three channels
// whatever the file holds (a grey file gives B = G = R). The pixels are allocated here, because their
// size is known only after decoding, and released by mlbn_image_free.
MLBN_API mlbn_status mlbn_image_decode_bgr(const char* path, uint8_t** pixels, int32_t* height,
                                           int32_t* width) {
  return mlbn::guarded("image_decode_bgr", [&] {
    mlbn::require(path != nullptr && *path != '\0', "image path is empty");
    mlbn::require(pixels != nullptr && height != nullptr && width != nullptr, "output pointer is null");
    *pixels = nullptr;
    std::string file(path);
    {
      std::ifstream probe(file, std::ios::binary);
      if (!probe) throw mlbn::InvalidArgument("image file '" + file + "' does not exist or cannot be read");
    }
    cv::Mat image;
    try {
      image = cv::imread(file, cv::IMREAD_COLOR);
    } catch (const cv::Exception& e) {
      throw std::runtime_error("image file '" + file + "' could not be decoded: " + e.what());
    }
    if (image.empty())
      throw std::runtime_error("image file '" + file + "' could not be decoded (not a supported PNG/JPEG/BMP image)");
    size_t bytes = static_cast<size_t>(image.rows) * image.cols * 3;
    auto* out = new uint8_t[bytes];
    for (int r = 0; r < image.rows; ++r)
      std::copy(image.ptr<uint8_t>(r), image.ptr<uint8_t>(r) + static_cast<size_t>(image.cols) * 3,
                out + static_cast<size_t>(r) * image.cols * 3);
    *pixels = out;
    *height = image.rows;
    *width = image.cols;
  });
}

MLBN_API void mlbn_image_free(uint8_t* pixels) { delete[] pixels; }

// Resizes interleaved 8-bit pixels (1 or 3 channels) with the rule of mlbn_image_read_gray:
// INTER_AREA when shrinking, INTER_LINEAR otherwise; a same-size call copies the pixels unchanged.
MLBN_API mlbn_status mlbn_image_resize(const uint8_t* source, int32_t height, int32_t width,
                                       int32_t channels, uint8_t* destination,
                                       int32_t new_height, int32_t new_width) {
  return mlbn::guarded("image_resize", [&] {
    mlbn::require(source != nullptr && destination != nullptr, "pixel buffer is null");
    mlbn::require(height > 0 && width > 0 && new_height > 0 && new_width > 0, "image size is not positive");
    mlbn::require(channels == 1 || channels == 3, "channels must be 1 or 3, got " + std::to_string(channels));
    int type = channels == 1 ? CV_8UC1 : CV_8UC3;
    cv::Mat input(height, width, type, const_cast<uint8_t*>(source));
    cv::Mat output(new_height, new_width, type, destination);
    if (height == new_height && width == new_width) {
      input.copyTo(output);
      return;
    }
    bool shrinking = new_height <= height && new_width <= width;
    cv::resize(input, output, cv::Size(new_width, new_height), 0, 0,
               shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  });
}

// Converts interleaved BGR pixels to grey with OpenCV's weights (0.299 R + 0.587 G + 0.114 B, in
// fixed point, so B = G = R = v gives exactly v).
MLBN_API mlbn_status mlbn_image_bgr_to_gray(const uint8_t* source, int32_t height, int32_t width,
                                            uint8_t* destination) {
  return mlbn::guarded("image_bgr_to_gray", [&] {
    mlbn::require(source != nullptr && destination != nullptr, "pixel buffer is null");
    mlbn::require(height > 0 && width > 0, "image size is not positive");
    cv::Mat input(height, width, CV_8UC3, const_cast<uint8_t*>(source));
    cv::Mat output(height, width, CV_8UC1, destination);
    cv::cvtColor(input, output, cv::COLOR_BGR2GRAY);
  });
}

// Image files through OpenCV: grey decoding with resizing, and lossless grey PNG writing.
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

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

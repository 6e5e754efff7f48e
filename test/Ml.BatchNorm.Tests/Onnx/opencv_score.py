"""Checks an ONNX model with the onnx package's checker and scores it with OpenCV's DNN module.

Usage: opencv_score.py MODEL.onnx INPUT.f32 ROWS COLUMNS OUTPUT.f32
       opencv_score.py --check-only MODEL.onnx   (the checker alone, for graphs with ai.onnx.ml nodes)
INPUT holds ROWS x COLUMNS little-endian float32 values; OUTPUT receives the model's first output the same way.
Exit codes: 0 done, 3 a needed Python module is missing, anything else a failure.
"""
import sys

try:
    import numpy as np
    import onnx
    import cv2
except ImportError as error:
    print(f"missing Python module: {error.name}")
    sys.exit(3)


def main(model_path, input_path, rows, columns, output_path):
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    features = np.fromfile(input_path, dtype="<f4").reshape(int(rows), int(columns))
    net = cv2.dnn.readNetFromONNX(model_path)
    net.setInput(features)
    scores = net.forward()
    np.ascontiguousarray(scores, dtype="<f4").tofile(output_path)
    print(f"onnx {onnx.__version__} checker passed; OpenCV {cv2.__version__} output {scores.shape}")


if __name__ == "__main__":
    if sys.argv[1] == "--check-only":
        onnx.checker.check_model(onnx.load(sys.argv[2]), full_check=True)
        print(f"onnx {onnx.__version__} checker passed")
    else:
        main(*sys.argv[1:6])

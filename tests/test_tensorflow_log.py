"""TensorFlow's start-up lines are dropped from stderr; everything else written there stays."""

import os

from vae_helpers._tensorflow_log import start_up_lines_removed, without_start_up_lines

# Copied from a TF 2.21 start-up (absl format) and a TF 2.16 one (TSL format).
START_UP = (
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "I0000 00:00:1796159604.895696   12891 port.cc:153] oneDNN custom operations are on. You may see slightly "
    "different numerical results due to floating-point round-off errors from different computation orders.\n"
    "I0000 00:00:1796159605.780309   12891 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use "
    "available CPU instructions in performance-critical operations.\n"
    "To enable the following instructions: AVX2 AVX512F AVX512_VNNI FMA, in other operations, rebuild TensorFlow "
    "with the appropriate compiler flags.\n"
    "2024-05-01 10:00:00.123456: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.\n"
)
REAL_PROBLEMS = (
    "E0000 00:00:1796159604.895696   12891 cuda_dnn.cc:8310] Unable to register cuDNN factory\n"
    "W0000 00:00:1796159604.895696   12891 op_level_cost_estimator.cc:699] Error in PredictCost() for the op\n"
    "2024-05-01 10:00:00.123456: W tensorflow/core/framework/local_rendezvous.cc:404] Local rendezvous is aborting\n"
    "Traceback (most recent call last):\n"
    "ImportError: I0000 is not a log line here\n"
)


def test_start_up_lines_are_dropped_and_warnings_and_errors_kept():
    assert without_start_up_lines(START_UP) == ""
    mixed = "".join(line + problem for line, problem in zip(START_UP.splitlines(True), REAL_PROBLEMS.splitlines(True)))
    assert without_start_up_lines(mixed) == REAL_PROBLEMS


def test_what_a_library_writes_to_file_descriptor_2_comes_back_without_start_up_lines(capfd):
    with start_up_lines_removed():
        os.write(2, (START_UP + REAL_PROBLEMS).encode())  # as TensorFlow's C++ code writes, under Python
    assert capfd.readouterr().err == REAL_PROBLEMS


def test_an_exception_inside_still_writes_back_what_was_captured(capfd):
    try:
        with start_up_lines_removed():
            os.write(2, (START_UP + "E0000 00:00:1.0 1 loader.cc:1] could not load a library\n").encode())
            raise ImportError("planted")
    except ImportError:
        pass
    assert capfd.readouterr().err == "E0000 00:00:1.0 1 loader.cc:1] could not load a library\n"

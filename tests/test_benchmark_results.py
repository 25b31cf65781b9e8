import json

import pytest

from vae_helpers.benchmark_results import RESULTS_DIR, benchmark_result


def test_a_result_is_the_json_the_benchmark_wrote():
    path = next(RESULTS_DIR.glob("*.json"))
    assert benchmark_result(path.stem) == json.loads(path.read_text())


@pytest.mark.parametrize("name", ["no_such_benchmark", "../README", "keras_io_vae.json", "", None])
def test_an_unknown_or_malformed_name_is_refused_naming_the_argument(name):
    with pytest.raises(ValueError, match="name must be"):
        benchmark_result(name)

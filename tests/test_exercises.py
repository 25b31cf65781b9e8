"""Every solution has its exercise, book-wide: each notebook's "Solution to exercise N" follows a stated
"### Exercise N" under an "## Exercises" heading, and each chapter announces as many exercises as its notebook has.
"""

import json
import re

import pytest

from conftest import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def markdown_of(notebook) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def exercises_and_solutions(text: str) -> tuple[dict[int, tuple[int, str]], dict[int, int]]:
    """{N: (position, statement)} for each "### Exercise N", {N: position} for each "Solution to exercise N"."""
    exercises = {}
    for match in re.finditer(r"^### Exercise (\d+)\s*$", text, flags=re.MULTILINE):
        following = text[match.end():]
        end = re.search(r"^(#{1,3} |````|```)", following, flags=re.MULTILINE)
        exercises[int(match.group(1))] = (match.start(), following[: end.start() if end else None].strip())
    solutions = {int(m.group(1)): m.start() for m in re.finditer(r"Solution to exercise (\d+)", text)}
    return exercises, solutions


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_solution_follows_its_stated_exercise(notebook):
    text = markdown_of(notebook)
    exercises, solutions = exercises_and_solutions(text)
    for number, position in solutions.items():
        assert number in exercises, f"{notebook.name}: a solution to exercise {number} with no exercise {number}"
        start, statement = exercises[number]
        assert start < position, f"{notebook.name}: the solution to exercise {number} comes before its statement"
        assert len(statement) > 40, f"{notebook.name}: exercise {number} states no question: {statement!r}"
    if exercises:
        assert sorted(exercises) == list(range(1, len(exercises) + 1)), f"{notebook.name}: exercises numbered {sorted(exercises)}"
        heading = text.find("## Exercises\n")
        assert 0 <= heading < min(start for start, _ in exercises.values()), f"{notebook.name}: no '## Exercises' heading before them"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_chapter_announces_as_many_exercises_as_its_notebook_has(notebook):
    chapters = list((REPO_ROOT / "book").glob(f"{notebook.stem}.md"))
    if not chapters:
        pytest.skip(f"{notebook.stem} has no chapter of the same name")
    exercises, _ = exercises_and_solutions(markdown_of(notebook))
    prose = " ".join(chapters[0].read_text().split())
    for word in re.findall(r"with (\w+) exercises", prose):
        assert NUMBERS.get(word) == len(exercises), f"{chapters[0].name} announces {word} exercises; the notebook has {len(exercises)}"


def test_the_check_finds_a_solution_without_its_exercise():
    text = "## Exercises\n\n### Exercise 1\n\nCompute the entropy of a fair coin in bits, and say why.\n\nSolution to exercise 1\n\nSolution to exercise 2\n"
    exercises, solutions = exercises_and_solutions(text)
    assert sorted(exercises) == [1] and sorted(solutions) == [1, 2]

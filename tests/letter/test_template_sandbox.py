"""The template sandbox's edges, through the API: time limit on any thread,
size limits before a value is built, and only files inside the folder."""

from __future__ import annotations

import threading

import pytest

from drafter.core.errors import TemplateError
from drafter.letter.templates import TemplateLimit, template_environment

SLOW = '{% for a in "x" * 1000000 %}{% for b in "y" * 1000000 %}{% endfor %}{% endfor %}'


def render(source: str, budget: float = 1.0) -> str:
    environment = template_environment()
    environment.time_budget = budget
    return environment.render_pieces(environment.from_string(source).generate())


def test_ordinary_templates_render_as_before():
    assert render("{{ 'Dear ' ~ name }}".replace("name", "'Sir'")) == "Dear Sir"
    assert render("{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ '%05d' % 42 }}") == "1024 ababab 00042"
    assert render("{% for i in range(3) %}{{ i }}{% endfor %}") == "012"


def test_time_limit_on_the_main_thread():
    with pytest.raises(TemplateLimit, match="more than 1 seconds"):
        render(SLOW)


def test_time_limit_on_another_thread():
    """The web front end renders on worker threads, where no timer signal
    can interrupt: the sandbox's own checks stop the template."""
    caught: list[BaseException] = []

    def work() -> None:
        try:
            render(SLOW)
        except TemplateLimit as exc:
            caught.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(60)
    assert not worker.is_alive() and len(caught) == 1


@pytest.mark.parametrize(
    "source",
    [
        '{{ "x" * 10**8 }}',
        "{{ 7 ** 100000 }}",
        '{{ "x".ljust(10**8) }}',
        '{{ "x"|indent(10**8) }}',
        '{{ ("ab" * 1000000) ~ ("cd" * 1000000) }}',
        "{{ [1] * 10**8 }}",
        '{{ ("ab" * 500000)|replace("a", "x" * 1000) }}',
        '{{ ("ab" * 500000).replace("a", "x" * 1000) }}',
    ],
)
def test_huge_values_are_refused_before_they_are_built(source):
    with pytest.raises(TemplateLimit):
        render(source)


def test_only_files_inside_the_folder_load(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    outside = tmp_path / "outside.j2"
    outside.write_text("secret")
    (folder / "inner.j2").write_text("fine")
    (folder / "link.j2").symlink_to(outside)
    environment = template_environment(folder)
    assert environment.get_template("inner.j2").render() == "fine"
    with pytest.raises(TemplateError, match="outside the template folder"):
        environment.get_template("link.j2")


def test_template_not_in_utf8_is_refused(tmp_path):
    (tmp_path / "letter.j2").write_bytes(b"Dear \xff\xfe")
    with pytest.raises(TemplateError, match="UTF-8"):
        template_environment(tmp_path).get_template("letter.j2")

"""A user config's [tone] extends the bundled lexicon; `replace = true` replaces it. Test data: invented words."""

from __future__ import annotations

from pathlib import Path

import pytest

from diplodash.config import parse_config
from diplodash.metrics.config import bundled_root, bundled_tone, extend_lexicon, ToneLabel
from diplodash.metrics.problems import DataError
from diplodash.metrics.tone_lexicon import ToneLexicon


def labels(config) -> dict[str, tuple[str, ...]]:
    return {label.label: label.words for label in config.tone}


def test_bundled_config_keeps_its_own_lexicon():
    path = bundled_root() / "config.toml"
    config = parse_config(path.read_bytes(), path)
    assert config.tone == bundled_tone()
    assert "constructive" in labels(config)


def test_user_lexicon_extends_the_bundled_one(tmp_path: Path):
    text = '[tone.zesty]\nvalence = 0.5\nwords = ["zestful exchange"]\n'
    config = parse_config(text, tmp_path / "config.toml")
    got = labels(config)
    bundled = {label.label for label in bundled_tone()}
    assert set(got) == bundled | {"zesty"}
    assert list(got)[-1] == "zesty"  # new labels after the bundled ones
    lexicon = ToneLexicon(config.tone)
    assert lexicon.labels_for("a zestful  exchange, constructive too") == ["constructive", "zesty"]


def test_same_label_takes_the_users_words_and_a_claimed_word_moves(tmp_path: Path):
    text = '[tone.constructive]\nwords = ["builderly"]\n[tone.glum]\nvalence = -1\nwords = ["businesslike"]\n'
    config = parse_config(text, tmp_path / "config.toml")
    got = labels(config)
    assert got["constructive"] == ("builderly",)
    assert got["glum"] == ("businesslike",)
    assert "businesslike" not in [w.casefold() for w in got.get("businesslike", ())]
    lexicon = ToneLexicon(config.tone)
    assert lexicon.labels_for("constructive and businesslike") == ["glum"]


def test_replace_true_uses_only_the_users_labels(tmp_path: Path):
    text = '[tone]\nreplace = true\n[tone.zesty]\nwords = ["zestful"]\n'
    config = parse_config(text, tmp_path / "config.toml")
    assert labels(config) == {"zesty": ("zestful",)}


def test_replace_must_be_a_boolean(tmp_path: Path):
    text = '[tone]\nreplace = "yes"\n'
    with pytest.raises(DataError) as info:
        parse_config(text, tmp_path / "config.toml")
    problem = info.value.problems[0]
    assert "tone.replace" in problem.message and problem.line == 2


def test_extend_lexicon_drops_an_emptied_label():
    base = (ToneLabel("a", ("x", "y")), ToneLabel("b", ("z",)))
    own = (ToneLabel("c", ("Z",)),)
    assert extend_lexicon(base, own) == (ToneLabel("a", ("x", "y")), ToneLabel("c", ("Z",)))

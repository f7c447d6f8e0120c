#!/usr/bin/env python3
"""Refreshes data/sdg/ from a checkout of github.com/open-sdg/sdg-translations (MIT licence).

    git clone https://github.com/open-sdg/sdg-translations /tmp/sdg-translations
    python3 scripts/sdg_data.py /tmp/sdg-translations

For each language below it copies, unchanged, `translations/<lang>/global_targets.yml` (the
official text of every SDG target, keys like `4-7-title`) and `global_goals.yml` (each goal's
short name, `4-short`) to `data/sdg/<code>/`, where <code> is the language code the site uses
(`zh-Hans` becomes `zh`). src/sdg.rs embeds these files in the binary.
"""
import pathlib
import shutil
import sys

# Repository language -> our language code. Every language the repository translates fully
# that a national network of the demo's regions is likely to publish.
LANGUAGES = {
    "en": "en", "fr": "fr", "es": "es", "ar": "ar", "ru": "ru", "zh-Hans": "zh",
    "sw": "sw", "de": "de", "it": "it", "tr": "tr", "uk": "uk",
}
FILES = ["global_targets.yml", "global_goals.yml"]


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    source = pathlib.Path(sys.argv[1]) / "translations"
    target = pathlib.Path(__file__).resolve().parent.parent / "data" / "sdg"
    for theirs, ours in LANGUAGES.items():
        (target / ours).mkdir(parents=True, exist_ok=True)
        for name in FILES:
            shutil.copyfile(source / theirs / name, target / ours / name)
    shutil.copyfile(source.parent / "LICENSE", target / "LICENSE")
    print(f"copied {len(LANGUAGES)} languages into {target}")


if __name__ == "__main__":
    main()

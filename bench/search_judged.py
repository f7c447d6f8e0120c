#!/usr/bin/env python3
"""The judged queries of tests/search_judged/{en,fr,es}.yaml, answered by aspnet-kb's search
and by Pagefind on the same built demo site: the share of queries with an expected page among
the first three results, side by side. (The browser's share, equal to the CLI's, is printed by
`cargo test --test search_judged -- --nocapture`.)

    pip install pagefind-bin pyyaml
    cargo build --release && python3 bench/search_judged.py
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOOL = ROOT / "target" / "release" / "aspnet-kb"
LANGUAGES = ["en", "fr", "es"]

# Pagefind's own pagefind.js, run under Node with fetch() reading the files: the URLs of the
# first three results of each query of one language, as one JSON array of arrays.
PAGEFIND_QUERIES = """
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolve } from "node:path";
const [dir, lang, queriesFile] = process.argv.slice(2);
const base = resolve(dir);
globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  url.search = "";
  return new Response(readFileSync(fileURLToPath(url)));
};
globalThis.document = { currentScript: null, querySelector: (s) => (s === "html" ? { getAttribute: () => lang } : null) };
const pagefind = await import(pathToFileURL(resolve(base, "pagefind.js")).href);
await pagefind.options({ basePath: pathToFileURL(base).href + "/", baseUrl: "/" });
await pagefind.init();
const out = [];
for (const q of JSON.parse(readFileSync(queriesFile, "utf8"))) {
  const search = await pagefind.search(q);
  const data = await Promise.all(search.results.slice(0, 3).map((r) => r.data()));
  out.push(data.map((d) => d.url));
}
console.log(JSON.stringify(out));
"""


def share(queries, answers, lang):
    prefix = f"/{lang}/"
    hits = 0
    for judged, found in zip(queries, answers):
        paths = [u[len(prefix):] if u.startswith(prefix) else u for u in found[:3]]
        hits += any(p in judged["expect"] for p in paths)
    return hits / len(queries)


def cli_answers(queries, lang):
    answers = []
    for judged in queries:
        run = subprocess.run(
            [TOOL, "search", "--root", ROOT, "--json", "--limit", "3", "--lang", lang, judged["q"]],
            capture_output=True, text=True, check=True)
        answers.append([h["url"] for h in json.loads(run.stdout)])
    return answers


def main():
    with tempfile.TemporaryDirectory() as work:
        public = pathlib.Path(work) / "public"
        subprocess.run([TOOL, "build", "--root", ROOT, "--output", public], check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "pagefind_bin", "--site", public], check=True, capture_output=True)
        script = pathlib.Path(work) / "queries.mjs"
        script.write_text(PAGEFIND_QUERIES)
        print(f"{'language':10}{'queries':>8}{'aspnet-kb':>11}{'Pagefind':>10}")
        for lang in LANGUAGES:
            queries = yaml.safe_load((ROOT / "tests" / "search_judged" / f"{lang}.yaml").read_text())
            listed = pathlib.Path(work) / f"{lang}.json"
            listed.write_text(json.dumps([j["q"] for j in queries]))
            run = subprocess.run(["node", script, public / "pagefind", lang, listed],
                                 capture_output=True, text=True, check=True)
            pagefind = json.loads(run.stdout)
            ours = cli_answers(queries, lang)
            print(f"{lang:10}{len(queries):>8}{share(queries, ours, lang):>10.0%}{share(queries, pagefind, lang):>10.0%}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks that the project's documentation links point at something that exists.

    python3 tests/check_links.py              check the repository this script is in
    python3 tests/check_links.py --self-test  show on a small made-up tree that it can fail

What is checked (Python 3 standard library only, any working directory):

* In every Markdown file git knows about (tracked, or untracked but not ignored):
  relative links `[text](path)`, `[text](path#anchor)`, images, and the destinations of
  reference definitions `[label]: path`; a `[text][label]` whose label is never defined
  is reported too. Links with a scheme (`http:`, `https:`, `mailto:`, ...) and pure
  `#anchor` links are skipped, and so is anything inside code spans and fenced code.
  A missing file or directory is an error; so is an `#anchor` on a Markdown file that
  has no heading (GitHub's anchor rules) or explicit anchor of that name.
* In source files (`.rs`, `.py`, `.toml`, `.sh` and `tests/run`): every mention of a
  Markdown file under a `docs/` directory, anywhere in a line (comments included), must
  name a file that exists (relative to the repository root, or to the mentioning file).

Prints one line per dangling link, `path:line: link -> what is missing`, then
`N links checked, M dangling`. Exit status 1 if anything dangles, else 0.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from urllib.parse import unquote

SOURCE_SUFFIXES = (".rs", ".py", ".toml", ".sh")
SOURCE_NAMES = ("tests/run",)

# A docs/ Markdown file named in source text: optional leading path segments (`../`,
# `stage-mpy/`), then `docs/`, then the file (possibly in a subfolder).
DOCS_MENTION = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*docs/(?:[\w.-]+/)*[\w.-]+\.md)\b")

# Inline links and images: [text](dest "title"). The text may hold one level of brackets.
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*\]"
    r"\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
# Full and collapsed reference links: [text][label], [label][].
REFERENCE_LINK = re.compile(r"(?<![\w\]\\])\[((?:[^\[\]\\]|\\.)+)\]\[((?:[^\[\]\\]|\\.)*)\]")
# Reference definitions: [label]: dest
REFERENCE_DEF = re.compile(r"^ {0,3}\[((?:[^\[\]\\]|\\.)+)\]:\s*(<[^>]*>|\S+)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
EXPLICIT_ANCHOR = re.compile(r"""<a\s[^>]*?(?:name|id)\s*=\s*["']([^"']+)["']""", re.I)
HTML_TAG = re.compile(r"<[^>]+>")


def repository_files(root):
    """Files git knows about (tracked, plus untracked files that are not ignored), as
    paths relative to `root` with `/` separators; a plain walk when git is unavailable."""
    try:
        listed = []
        for extra in ([], ["--others", "--exclude-standard"]):
            out = subprocess.run(
                ["git", "-C", root, "ls-files", "-z", *extra],
                check=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            ).stdout
            listed.extend(p for p in out.decode("utf-8", "surrogateescape").split("\0") if p)
        return sorted({p for p in listed if os.path.isfile(os.path.join(root, p))})
    except (OSError, subprocess.CalledProcessError):
        pass
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("target", "__pycache__")]
        for name in files:
            rel = os.path.relpath(os.path.join(folder, name), root)
            found.append(rel.replace(os.sep, "/"))
    return sorted(found)


def strip_code_spans(line):
    """The line with inline code spans blanked out (same length, so columns hold)."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "`":
            run = len(line[i:]) - len(line[i:].lstrip("`"))
            end = line.find("`" * run, i + run)
            while end != -1 and line[end + run : end + run + 1] == "`":
                end = line.find("`" * run, end + run + 1)
            if end == -1:
                out.append(line[i : i + run])
                i += run
            else:
                out.append(" " * (end + run - i))
                i = end + run
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def prose_lines(text):
    """(line number, line without code spans) for every line outside fenced code."""
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        yield number, strip_code_spans(line)


def heading_text(raw):
    """A heading's visible text: links reduced to their text, markup dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    text = re.sub(r"!?\[([^\]]*)\]\[[^\]]*\]", r"\1", text)
    text = HTML_TAG.sub("", text)
    return text.replace("`", "")


def slug(text):
    """GitHub's anchor for a heading: lower case, punctuation dropped (letters, digits,
    marks, `_`, `-` and spaces stay), spaces turned into hyphens."""
    kept = []
    for ch in text.strip().lower():
        if ch in " -_":
            kept.append(ch)
        elif unicodedata.category(ch)[0] in "LNM":
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


def anchors_of(path, cache):
    """Every anchor a Markdown file offers: heading slugs (with GitHub's -1, -2 suffixes
    for repeats) and explicit `<a name=...>` / `id=...` anchors."""
    if path in cache:
        return cache[path]
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        cache[path] = set()
        return cache[path]
    found, seen = set(), {}

    def add(title):
        base = slug(heading_text(title))
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")

    fence, previous = None, ""
    for line in lines:
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            previous = ""
            continue
        if m:
            fence = m.group(1)
            previous = ""
            continue
        for a in EXPLICIT_ANCHOR.findall(line):
            found.add(a)
        h = ATX_HEADING.match(line)
        if h:
            add(re.sub(r"[ \t]+#+[ \t]*$", "", h.group(2) or ""))
            previous = ""
            continue
        if SETEXT_UNDERLINE.match(line) and previous.strip() and not previous.startswith("    "):
            add(previous.strip())
            previous = ""
            continue
        previous = line
    cache[path] = found
    return found


def check_destination(root, doc, dest, anchors_cache):
    """What is missing for link destination `dest` in file `doc`, or None if it resolves.
    Returns "skip" for links that are not checked."""
    dest = dest.strip()
    if dest.startswith("<") and dest.endswith(">"):
        dest = dest[1:-1].strip()
    if not dest or dest.startswith("#") or SCHEME.match(dest) or dest.startswith("//"):
        return "skip"
    path, _, anchor = dest.partition("#")
    path = unquote(path.split("?", 1)[0])
    if path.startswith("/"):
        target = os.path.join(root, path.lstrip("/"))
    else:
        target = os.path.join(root, os.path.dirname(doc), path)
    target = os.path.normpath(target)
    shown = os.path.relpath(target, root).replace(os.sep, "/")
    if not os.path.exists(target):
        return f"no such file or directory: {shown}"
    if anchor and os.path.isfile(target) and target.lower().endswith((".md", ".markdown")):
        wanted = unquote(anchor)
        have = anchors_of(target, anchors_cache)
        if wanted not in have and wanted.lower() not in have:
            return f"no heading or anchor #{wanted} in {shown}"
    return None


def check_markdown(root, doc, report, anchors_cache):
    """Checks one Markdown file; returns the number of links checked."""
    with open(os.path.join(root, doc), encoding="utf-8", errors="replace") as f:
        text = f.read()
    checked = 0
    lines = list(prose_lines(text))
    definitions = set()
    for _, line in lines:
        d = REFERENCE_DEF.match(line)
        if d:
            definitions.add(" ".join(d.group(1).lower().split()))
    for number, line in lines:
        d = REFERENCE_DEF.match(line)
        if d:
            missing = check_destination(root, doc, d.group(2), anchors_cache)
            if missing != "skip":
                checked += 1
                if missing:
                    report(doc, number, d.group(2), missing)
            continue
        for m in INLINE_LINK.finditer(line):
            missing = check_destination(root, doc, m.group(1), anchors_cache)
            if missing == "skip":
                continue
            checked += 1
            if missing:
                report(doc, number, m.group(1), missing)
        for m in REFERENCE_LINK.finditer(line):
            label = m.group(2) or m.group(1)
            key = " ".join(label.lower().split())
            checked += 1
            if key not in definitions:
                report(doc, number, m.group(0), f"undefined reference [{label}]")
    return checked


def check_source(root, source, report):
    """Checks the docs/ mentions of one source file; returns how many were checked."""
    try:
        with open(os.path.join(root, source), encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return 0
    checked = 0
    for number, line in enumerate(text.splitlines(), 1):
        for m in DOCS_MENTION.finditer(line):
            mention = m.group(1)
            checked += 1
            candidates = [os.path.join(os.path.dirname(source), mention)]
            if not mention.startswith("."):
                candidates.insert(0, mention)
            if not any(os.path.isfile(os.path.join(root, c)) for c in candidates):
                report(source, number, mention, f"no such file: {os.path.normpath(candidates[0])}")
    return checked


def check(root, out=sys.stdout):
    """Checks the tree at `root`; returns (links checked, dangling lines)."""
    dangling = []

    def report(path, line, link, missing):
        dangling.append(f"{path}:{line}: {link} -> {missing}")

    checked = 0
    anchors_cache = {}
    for rel in repository_files(root):
        if rel.lower().endswith((".md", ".markdown")):
            checked += check_markdown(root, rel, report, anchors_cache)
        if rel.endswith(SOURCE_SUFFIXES) or rel in SOURCE_NAMES:
            checked += check_source(root, rel, report)
    for line in dangling:
        print(line, file=out)
    print(f"{checked} links checked, {len(dangling)} dangling", file=out)
    return checked, dangling


def self_test():
    """Builds a tiny tree with good and dangling links and checks that exactly the
    dangling ones are reported, with exit status 1, and that status 0 follows once
    they are fixed."""
    tmp = tempfile.mkdtemp(prefix="check_links_")
    try:
        def write(rel, text):
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)

        docs = "docs" + "/"  # spelled apart so that this file itself has no such mention
        write(docs + "guide.md", "# Guide\n\n## The `Layer` type, in short\n\nText.\n")
        write(
            "README.md",
            "# Project\n\n"
            f"A [good link]({docs}guide.md) and [one with an anchor]({docs}guide.md#the-layer-type-in-short).\n"
            f"A [dangling link]({docs}missing-page.md).\n"
            f"A [bad anchor]({docs}guide.md#no-such-heading).\n"
            "Skipped: [web](https://example.com/x.md), [mail](mailto:a@b.c), [here](#project).\n"
            f"In code: `[not a link]({docs}absent.md)`.\n"
            "```\n"
            f"[also not a link]({docs}absent.md)\n"
            "```\n"
            "A [reference][guide] and a [broken reference][nowhere].\n\n"
            f"[guide]: {docs}guide.md\n"
            "[gone]: src/gone.rs\n",
        )
        write(
            "src/lib.rs",
            f"//! See {docs}guide.md for the format.\n"
            f"// Details in {docs}vanished.md.\n"
            "fn main() {}\n",
        )
        if shutil.which("git"):
            subprocess.run(["git", "init", "-q", tmp], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        expected = {
            f"README.md:4: {docs}missing-page.md -> no such file or directory: {docs}missing-page.md",
            f"README.md:5: {docs}guide.md#no-such-heading -> no heading or anchor #no-such-heading in {docs}guide.md",
            "README.md:11: [broken reference][nowhere] -> undefined reference [nowhere]",
            "README.md:14: src/gone.rs -> no such file or directory: src/gone.rs",
            f"src/lib.rs:2: {docs}vanished.md -> no such file: {docs}vanished.md",
        }
        devnull = open(os.devnull, "w")
        checked, dangling = check(tmp, out=devnull)
        assert set(dangling) == expected and len(dangling) == len(expected), (
            "unexpected report:\n  " + "\n  ".join(dangling)
            + "\nexpected:\n  " + "\n  ".join(sorted(expected))
        )
        assert checked == 10, f"expected 10 links checked, got {checked}"

        script = os.path.abspath(__file__)
        run = subprocess.run([sys.executable, script, "--root", tmp],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert run.returncode == 1, f"exit status {run.returncode} with dangling links"
        assert run.stdout.strip().endswith("10 links checked, 5 dangling"), run.stdout

        # Fix every dangling link: the checker must then pass.
        write(docs + "missing-page.md", "# Now here\n")
        write(docs + "vanished.md", "# Back\n")
        write("src/gone.rs", "\n")
        with open(os.path.join(tmp, "README.md"), encoding="utf-8") as f:
            text = f.read()
        text = text.replace("#no-such-heading", "#guide").replace("[nowhere]", "[guide]")
        write("README.md", text)
        run = subprocess.run([sys.executable, script, "--root", tmp],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert run.returncode == 0, f"exit status {run.returncode} after the fixes:\n{run.stdout}"
        devnull.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("self-test passed: the 5 dangling links were reported (exit status 1), "
          "and the fixed tree passes (exit status 0)")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) == 3 and argv[1] == "--root":
        root = os.path.abspath(argv[2])
    elif len(argv) == 1:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    else:
        print("usage: check_links.py [--self-test | --root DIR]", file=sys.stderr)
        return 2
    _, dangling = check(root)
    return 1 if dangling else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

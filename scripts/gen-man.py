#!/usr/bin/env python3
"""gen-man.py — the man pages and the --help texts from one source.

    gen-man.py --version V --man DIR man/*.md   roff pages into DIR
    gen-man.py --c FILE man/*.md                the help table (lib/help.h)

A source man/NAME.SECTION.md is a small part of Markdown:

    # NAME(SECTION) -- what it is             first line: the page's NAME line
    % links: other-name other-name            pages that are this one (.so)
    ## HEADING                                .SH
    ### Heading                               .SS
    paragraph lines                           joined; `code` is bold
    - item, continued on lines indented       a bullet list
      by two spaces
    ```help KEY -- summary                    a help text: `KEY --help` prints
    text as printed                           it verbatim (lib/help.c); the
    ```                                       page shows it as it is
    ```                                       an example, shown as it is
    ```

A help text KEY is a program ("dti", "dti-nightly") or a program and a
command ("dti communes load").  Its summary names it in the overview: a
line "@commands dti" in a help text becomes one line per help text below
"dti" (its words after "dti", then its summary), in the order of the
sources.  In a page each help text stands between the comments
'.\\" help: KEY' and '.\\" end help', where tests/e2e/cli-help.sh finds it.
"""
import argparse
import os
import re
import sys


class Page:
    def __init__(self, path):
        self.path = path
        self.name = self.section = self.what = None
        self.links = []
        self.items = []  # (kind, data)


def fail(path, line, msg):
    sys.exit(f"gen-man: {path}:{line}: {msg}")


def parse(path):
    p = Page(path)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    m = re.match(r"^# ([a-z0-9.-]+)\(([1-8])\) -- (.+)$", lines[0])
    if not m:
        fail(path, 1, "the first line must be '# NAME(SECTION) -- what it is'")
    p.name, p.section, p.what = m.groups()
    i, para = 1, []

    def flush():
        if para:
            p.items.append(("para", " ".join(para)))
            para.clear()

    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            flush()
            tag = line[3:].strip()
            start = i + 1
            i += 1
            while i < len(lines) and lines[i] != "```":
                i += 1
            if i == len(lines):
                fail(path, start, "a ``` block is not closed")
            body = lines[start:i]
            if tag.startswith("help "):
                key, _, summary = tag[5:].partition(" -- ")
                p.items.append(("help", (key.strip(), summary.strip(), body)))
            elif tag:
                fail(path, start, f"unknown block '{tag}'")
            else:
                p.items.append(("example", body))
        elif line.startswith("% links:"):
            p.links += line[8:].split()
        elif line.startswith("### "):
            flush()
            p.items.append(("ss", line[4:].strip()))
        elif line.startswith("## "):
            flush()
            p.items.append(("sh", line[3:].strip()))
        elif line.startswith("- "):
            flush()
            text = [line[2:]]
            while i + 1 < len(lines) and lines[i + 1].startswith("  ") and lines[i + 1].strip():
                i += 1
                text.append(lines[i].strip())
            p.items.append(("item", " ".join(text)))
        elif not line.strip():
            flush()
        else:
            para.append(line.strip())
        i += 1
    flush()
    return p


def help_texts(pages):
    """Every help text, KEY -> (summary, text), with @commands expanded."""
    order, texts = [], {}
    for p in pages:
        for kind, data in p.items:
            if kind == "help":
                key, summary, body = data
                if key in texts:
                    fail(p.path, 0, f"help text '{key}' is given twice")
                order.append(key)
                texts[key] = (summary, body)
    out = {}
    for key in order:
        summary, body = texts[key]
        lines = []
        for line in body:
            m = re.match(r"^@commands (.+)$", line)
            if not m:
                lines.append(line)
                continue
            prefix = m.group(1) + " "
            below = [(k[len(prefix):], texts[k][0]) for k in order if k.startswith(prefix)]
            if not below:
                sys.exit(f"gen-man: help text '{key}': '{line}' has no help texts below it")
            width = max(len(w) for w, _ in below) + 2
            for words, s in below:
                lines.append(f"  {words.ljust(width)}{s}".rstrip())
        out[key] = (summary, "\n".join(lines) + "\n")
    return order, out


def roff_escape(s):
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + s if s.startswith((".", "'")) else s


def roff_inline(s):
    parts = re.split(r"(`[^`]+`)", s)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append("\\fB" + roff_escape(part[1:-1]) + "\\fR")
        else:
            out.append(roff_escape(part))
    text = "".join(out)
    return "\\&" + text if text.startswith((".", "'")) else text


def roff_block(lines):
    return [".PP", ".RS 4", ".nf"] + [roff_escape(l) for l in lines] + [".fi", ".RE"]


def roff(p, texts, version):
    src = os.path.basename(p.path)
    out = [
        f'.\\" Made by scripts/gen-man.py from man/{src}: edit that file.',
        f'.TH {p.name.upper()} {p.section} "" "dti {version}" "dti"',
        ".SH NAME",
        f"{roff_escape(', '.join([p.name] + p.links))} \\- {roff_escape(p.what)}",
    ]
    for kind, data in p.items:
        if kind == "sh":
            out.append(".SH " + roff_escape(data.upper()))
        elif kind == "ss":
            out.append(".SS " + roff_inline(data))
        elif kind == "para":
            out += [".PP", roff_inline(data)]
        elif kind == "item":
            out += [".IP \\(bu 2", roff_inline(data)]
        elif kind == "example":
            out += roff_block(data)
        elif kind == "help":
            key = data[0]
            text = texts[key][1].rstrip("\n").split("\n")
            out += [f'.\\" help: {key}'] + roff_block(text) + ['.\\" end help']
    return "\n".join(out) + "\n"


def c_string(s):
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("?", "\\?")
    lines = s.split("\n")
    pieces = [f'"{l}\\n"' for l in lines[:-1]] + ([f'"{lines[-1]}"'] if lines[-1] else [])
    return "\n\t\t".join(pieces) if pieces else '""'


def c_table(order, texts, sources):
    out = [
        "/* Made by scripts/gen-man.py from "
        + ", ".join(os.path.relpath(s) for s in sources)
        + ": edit those. */",
        '#include "help.h"',
        "",
        "const help_entry help_entries[] = {",
    ]
    for key in order:
        summary, text = texts[key]
        out.append(f"\t{{{c_string(key)}, {c_string(summary)},\n\t\t{c_string(text)}}},")
    out += ["};", "", "const size_t help_entry_count = sizeof help_entries / sizeof help_entries[0];", ""]
    return "\n".join(out)


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="man pages and --help texts from man/*.md")
    ap.add_argument("--man", metavar="DIR")
    ap.add_argument("--c", metavar="FILE")
    ap.add_argument("--version", default="")
    ap.add_argument("sources", nargs="+")
    a = ap.parse_args()
    pages = [parse(s) for s in a.sources]
    order, texts = help_texts(pages)
    if a.c:
        write(a.c, c_table(order, texts, a.sources))
    if a.man:
        os.makedirs(a.man, exist_ok=True)
        for p in pages:
            write(os.path.join(a.man, f"{p.name}.{p.section}"), roff(p, texts, a.version))
            for link in p.links:
                write(os.path.join(a.man, f"{link}.{p.section}"), f".so man{p.section}/{p.name}.{p.section}\n")


if __name__ == "__main__":
    main()

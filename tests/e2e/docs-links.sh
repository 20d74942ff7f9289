#!/bin/sh
# Every relative link of README.md and docs/*.md leads somewhere: the file
# it names exists in the tree, and a #fragment names a heading of that file
# (GitHub's anchors: lower case, punctuation dropped, spaces as hyphens,
# -1, -2 … for repeated headings).  Links inside code are not links.
set -u
python3 - "$DTI_ROOT" <<'PY'
import os, re, sys

root = sys.argv[1]
pages = [os.path.join(root, "README.md")] + sorted(
    os.path.join(root, "docs", f) for f in os.listdir(os.path.join(root, "docs")) if f.endswith(".md"))

def text_outside_code(path):
    out, fence = [], False
    for line in open(path, encoding="utf-8"):
        if line.lstrip().startswith("```"):
            fence = not fence
            out.append("\n")
            continue
        out.append("\n" if fence else re.sub(r"`[^`]*`", "", line))
    return "".join(out)

def anchors(path):
    seen, found, fence = {}, set(), False
    for line in open(path, encoding="utf-8"):
        if line.lstrip().startswith("```"):
            fence = not fence
        if fence or not re.match(r"#{1,6} ", line):
            continue
        title = line.lstrip("#").strip().replace("`", "")
        slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        found.add(slug if n == 0 else "%s-%d" % (slug, n))
    return found

problems, count = [], 0
for page in pages:
    body = text_outside_code(page)
    for target in re.findall(r"\]\(([^)\s]+)\)", body):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # http:, mailto:, man: … are not files of the tree
        count += 1
        path, _, frag = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
        rel = os.path.relpath(page, root)
        if not os.path.exists(dest):
            problems.append("%s: link to %s: no such file" % (rel, target))
        elif frag and dest.endswith(".md") and frag not in anchors(dest):
            problems.append("%s: link to %s: no heading '%s' there" % (rel, target, frag))
for p in problems:
    print("FAIL: " + p, file=sys.stderr)
if count < 20:
    print("FAIL: only %d relative links found; the pages lost their links?" % count, file=sys.stderr)
    sys.exit(1)
sys.exit(1 if problems else 0)
PY

#!/usr/bin/env python3
"""The Python peer of `triage build` for BENCHMARKS.md (issue 18).

The same job done the usual Python way, on one core as such a script runs:
every YAML file of a rule base loaded with PyYAML's C loader, each code's
article rendered through a Jinja2 template to Markdown and through
python-markdown to HTML, both written under OUT, and an index page per
integration. It checks nothing and models nothing, so it is a floor for a
Python pipeline rather than a port of triage.

    python3 benches/peer.py RULES OUT
"""

import os
import sys

import jinja2
import markdown
import yaml

ARTICLE = jinja2.Template(
    """---
title: {{ code.front_matter.display_title | default(code.code) }}
description: {{ code.front_matter.description }}
keywords: {{ code.front_matter.keywords }}
---

# {{ code.front_matter.display_title | default(code.code) }}

{{ code.summary }}

## What this means
{% for m in code.meaning %}
{{ m if m is string else m | tojson }}
{% endfor %}
## Why this happens
{% for b in code.why.body if code.why %}
{{ b if b is string else '' }}
{% endfor %}
{% for c in code.causes %}- {{ c.text }}
{% endfor %}
## How to fix it
{% for p in code.procedures | default([]) %}
### {{ p.title | default(p.id) }}
{% for s in p.steps | default([]) %}1. {{ s if s is string else s | tojson }}
{% endfor %}{% endfor %}
{% for f in code.faq | default([]) %}
## {{ f.question }}

{{ f.answer }}
{% endfor %}
"""
)

INDEX = jinja2.Template(
    """# {{ name }}
{% for c in codes %}
- [{{ c.code }}]({{ c.code }}.md): {{ c.message }}{% endfor %}
"""
)


def main(rules, out):
    loader = yaml.CSafeLoader
    for integration in sorted(os.listdir(rules)):
        folder = os.path.join(rules, integration)
        if not os.path.isdir(folder):
            continue
        with open(os.path.join(folder, "integration.yaml")) as f:
            meta = yaml.load(f, Loader=loader)
        md_dir = os.path.join(out, "md", integration)
        html_dir = os.path.join(out, "html", integration)
        os.makedirs(md_dir, exist_ok=True)
        os.makedirs(html_dir, exist_ok=True)
        codes = []
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".yaml") or name == "integration.yaml":
                continue
            with open(os.path.join(folder, name)) as f:
                code = yaml.load(f, Loader=loader)
            text = ARTICLE.render(code=code)
            with open(os.path.join(md_dir, code["code"] + ".md"), "w") as f:
                f.write(text)
            html = markdown.markdown(text)
            with open(os.path.join(html_dir, code["code"] + ".html"), "w") as f:
                f.write(html)
            codes.append(code)
        index = INDEX.render(name=meta.get("name", integration), codes=codes)
        with open(os.path.join(md_dir, "index.md"), "w") as f:
            f.write(index)
        with open(os.path.join(html_dir, "index.html"), "w") as f:
            f.write(markdown.markdown(index))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: peer.py RULES OUT")
    main(sys.argv[1], sys.argv[2])

"""Tests of the techdocs-core plugin: real MkDocs builds (Debian's mkdocs, mkdocs-material and pymdown-extensions).

Run: .tools/bin/techdocs-python -m unittest discover -s tools/mkdocs-techdocs-core -v
"""

import json
import logging
import os
import tempfile
import textwrap
import unittest

from mkdocs.commands.build import build
from mkdocs.config import load_config


class TechDocsCoreBuildTest(unittest.TestCase):
    def build_site(self, mkdocs_yml, pages):
        """Builds a site from mkdocs.yml text and {path: markdown}; returns the site directory."""
        root = tempfile.mkdtemp(prefix="techdocs-core-test-")
        self.addCleanup(lambda: __import__("shutil").rmtree(root, ignore_errors=True))
        for name, text in pages.items():
            path = os.path.join(root, "docs", name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(textwrap.dedent(text))
        config_file = os.path.join(root, "mkdocs.yml")
        with open(config_file, "w", encoding="utf-8") as fh:
            fh.write(textwrap.dedent(mkdocs_yml))
        site = os.path.join(root, "site")
        build(load_config(config_file=config_file, site_dir=site))
        return site

    def read(self, site, name):
        with open(os.path.join(site, name), encoding="utf-8") as fh:
            return fh.read()

    def test_metadata_search_index_and_theme(self):
        site = self.build_site(
            """
            site_name: payments-service
            site_description: Moves money.
            plugins:
              - techdocs-core
            """,
            {"index.md": "# Overview\n\nThe capture worker runs every five minutes.\n"},
        )
        self.assertEqual(
            json.loads(self.read(site, "techdocs_metadata.json")),
            {"site_name": "payments-service", "site_description": "Moves money."},
        )
        index = json.loads(self.read(site, "search/search_index.json"))
        self.assertIn("capture worker", " ".join(doc["text"] for doc in index["docs"]))
        # The Material theme, whatever mkdocs.yml said (the default theme is 'mkdocs').
        self.assertIn("md-content", self.read(site, "index.html"))
        # No external font stylesheet (the reader would wait for it forever where it is unreachable).
        self.assertNotIn("fonts.googleapis.com", self.read(site, "index.html"))

    def test_no_site_description_is_an_empty_string(self):
        site = self.build_site("site_name: x\nplugins: [techdocs-core]\n", {"index.md": "# x\n"})
        self.assertEqual(json.loads(self.read(site, "techdocs_metadata.json"))["site_description"], "")

    def test_markdown_extensions(self):
        site = self.build_site(
            "site_name: x\nplugins: [techdocs-core]\n",
            {
                "index.md": """
                # Runbook

                !!! warning "Do not replay"
                    Use the retry command.

                === "Linux"
                    apt

                === "macOS"
                    brew

                - [x] paged
                - [ ] mitigated

                ```python
                print("hi")
                ```

                ==marked== ~~gone~~ ^^inserted^^
                """
            },
        )
        html = self.read(site, "index.html")
        self.assertIn('class="admonition warning"', html)
        self.assertIn("tabbed-set tabbed-alternate", html)
        self.assertIn('class="task-list-item"', html)
        self.assertIn('class="language-python highlight"', html)
        self.assertIn("<mark>marked</mark>", html)
        self.assertIn("<del>gone</del>", html)
        self.assertIn("<ins>inserted</ins>", html)
        self.assertIn('class="headerlink"', html)  # toc permalinks

    def test_settings_in_mkdocs_yml_win(self):
        site = self.build_site(
            """
            site_name: x
            plugins: [techdocs-core]
            markdown_extensions:
              - toc:
                  permalink: false
            """,
            {"index.md": "# Title\n\n## Section\n"},
        )
        self.assertNotIn('class="headerlink"', self.read(site, "index.html"))

    def test_snippets_are_removed(self):
        # A file outside the docs folder that a snippet could otherwise pull into the page.
        secret = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
        self.addCleanup(os.unlink, secret.name)
        secret.write("secret-outside-docs-4711\n")
        secret.close()
        with self.assertLogs("mkdocs.plugins.techdocs-core", logging.WARNING) as logs:
            site = self.build_site(
                "site_name: x\nplugins: [techdocs-core]\nmarkdown_extensions: [pymdownx.snippets]\n",
                {"index.md": f'# x\n\n--8<-- "{secret.name}"\n'},
            )
        self.assertIn("removed pymdownx.snippets", "\n".join(logs.output))
        self.assertNotIn("secret-outside-docs-4711", self.read(site, "index.html"))

if __name__ == "__main__":
    unittest.main()

"""The `techdocs-core` MkDocs plugin, for the Debian MkDocs toolchain that scripts/bootstrap.sh unpacks into .tools/.

Backstage's generator (@backstage/plugin-techdocs-node) adds `techdocs-core` to every mkdocs.yml it builds. The PyPI
package of that name cannot be installed here (no PyPI), so this is a small equivalent written for what Debian
bookworm ships (mkdocs 1.4, mkdocs-material 8.2, pymdown-extensions 9.5). It does what matters to Backstage:

- the Material theme (the TechDocs reader restyles its HTML), palette left to Backstage;
- the search plugin, whose search/search_index.json the reader's in-docs search and the portal's techdocs collator read;
- the markdown extensions TechDocs users write against (admonitions, tabs, details, task lists, code highlighting...);
- techdocs_metadata.json (site_name, site_description) in the built site, which the generator completes with the
  build timestamp, file list and etag, and which the reader and the collator read.

Left out, because Debian has no package for them: the monorepo plugin, markdown_inline_graphviz, plantuml_markdown,
mdx_truly_sane_lists and the GitHub-style admonitions converter. pymdownx.snippets is removed on purpose: pymdown 9.5
cannot restrict snippets to the docs folder (restrict_base_path came in 10.0), so a page could include any file the
backend can read.
"""

import json
import logging
import os

from mkdocs.config import base, config_options
from mkdocs.contrib.search import SearchPlugin
from mkdocs.plugins import BasePlugin
from mkdocs.theme import Theme
from pymdownx.emoji import to_svg
from pymdownx.extra import extra_extensions

log = logging.getLogger("mkdocs.plugins.techdocs-core")

THEME = "material"
UNSAFE_EXTENSIONS = ("pymdownx.snippets",)

# (extension, its default configuration or None), in the order upstream's plugin adds them.
DEFAULT_EXTENSIONS = [
    ("toc", {"permalink": True}),
    ("admonition", None),
    ("pymdownx.details", None),
    ("pymdownx.tabbed", {"alternate_style": True}),
    ("pymdownx.caret", None),
    ("pymdownx.critic", None),
    ("pymdownx.emoji", {"emoji_generator": to_svg}),
    ("pymdownx.inlinehilite", None),
    ("pymdownx.magiclink", None),
    ("pymdownx.mark", None),
    ("pymdownx.smartsymbols", None),
    ("pymdownx.highlight", {"linenums": True, "pygments_lang_class": True}),
    ("pymdownx.extra", None),
    ("pymdownx.tasklist", {"custom_checkbox": True}),
    ("pymdownx.tilde", None),
]


class TechDocsCoreConfig(base.Config):
    # Material's own search plugin instead of MkDocs' (same search_index.json location, richer tokenizer).
    use_material_search = config_options.Type(bool, default=False)


class TechDocsCore(BasePlugin[TechDocsCoreConfig]):
    def on_config(self, config, **kwargs):
        self._theme(config)
        self._plugins(config)
        self._extensions(config)
        return config

    def _theme(self, config):
        if config["theme"].name != THEME:
            log.info("techdocs-core: using the '%s' theme instead of '%s'", THEME, config["theme"].name)
            config["theme"] = Theme(name=THEME)
        # Backstage styles the docs itself; a palette from mkdocs.yml would fight its light and dark themes.
        config["theme"]["palette"] = {}
        # No Google Fonts: the reader sets its own typography, and it keeps a page hidden until every stylesheet has
        # loaded, so an unreachable fonts.googleapis.com (offline machines, strict egress) left pages blank.
        config["theme"]["font"] = False

    def _plugins(self, config):
        plugins = config["plugins"]
        if "search" in plugins:
            return  # the site's own search settings (MkDocs' or Material's plugin) stand
        if self.config.use_material_search:
            from material.plugins.search.plugin import SearchPlugin as MaterialSearchPlugin

            search = MaterialSearchPlugin()
        else:
            search = SearchPlugin()
        errors, _ = search.load_config({})
        if errors:
            raise ValueError(f"techdocs-core: search plugin configuration: {errors}")
        # Registering the plugin also queues its on_config after this one, in the same config event.
        plugins["search"] = search

    def _extensions(self, config):
        extensions = config["markdown_extensions"]
        mdx_configs = config["mdx_configs"]
        user_configs = {name: dict(value) for name, value in mdx_configs.items() if isinstance(value, dict)}

        for name in UNSAFE_EXTENSIONS:
            if name in extensions:
                log.warning("techdocs-core: removed %s from markdown_extensions (cannot be restricted to docs/)", name)
                extensions.remove(name)
                mdx_configs.pop(name, None)

        for name, defaults in DEFAULT_EXTENSIONS:
            if name not in extensions:
                extensions.append(name)
            if defaults is not None:
                # The user's settings for an extension win over ours, key by key.
                mdx_configs[name] = {**defaults, **user_configs.get(name, {})}

        # pymdownx.extra loads its members itself and takes their settings under its own key.
        extra = mdx_configs.setdefault("pymdownx.extra", {})
        extra.setdefault("pymdownx.betterem", {"smart_enable": "all"})
        for name in extra_extensions:
            if name in mdx_configs:
                extra[name] = mdx_configs.pop(name)
            if name in extensions:
                extensions.remove(name)

    def on_post_build(self, config, **kwargs):
        # The generator adds build_timestamp, files and etag to this file after the build.
        metadata = {
            "site_name": str(config["site_name"]),
            "site_description": str(config["site_description"] or ""),
        }
        with open(os.path.join(config["site_dir"], "techdocs_metadata.json"), "w", encoding="utf-8") as fh:
            json.dump(metadata, fh)

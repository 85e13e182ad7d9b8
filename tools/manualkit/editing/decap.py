"""The web editor's configuration (Decap CMS), generated from the field tables of core/fields.py.

One folder collection per part of the manual (``manual/<part>/``, Decap's i18n structure
``multiple_files`` = our ``<module>.<lang>.md``; the folder is what keeps a part's collection to
its own modules: Decap's ``filter`` only matches a field's value, and modules have no part field), one file collection and one overlay collection
per municipality, one file collection for the glossary. Widgets come from the field kinds: a
select for every field with allowed values, a boolean for ``core``, a number for
``duration_minutes``, lists for ``handouts`` and ``contributors``. Shared metadata lives only
in the source language's file (``i18n: none``); ``id`` is the same in every file
(``i18n: duplicate``); title, summary and the text are translated. A translation's bookkeeping
(``translation.from``, ``source_hash``) is a hidden field: Decap keeps it as it is.

Pure: plain data in, a dict (the config.yml) and the admin page's text out.
"""
from __future__ import annotations

import json
from typing import Any

from manualkit.core import fields as f
from manualkit.core.model import SHARED_FIELDS, Manual, text_in
from manualkit.core.schema import ID_RE, Field

DECAP_SCRIPT = "decap/decap-cms.js"  # relative to admin/; copied from the npm package, never a CDN
STYLESHEET = "manual.css"  # the site's stylesheet, copied next to the admin page

HINTS: dict[str, tuple[str, str]] = {
    "id": ("Små bokstaver, tall og bindestrek, f.eks. lokale-rutiner. Blir filnavnet.",
           "Lower-case letters, digits and hyphens, e.g. local-routines. Becomes the file name."),
    "core": ("Kryss av bare for kjernekomponenter (må gjennomføres slik de er beskrevet).",
             "Tick only for core components (delivered as described)."),
    "handouts": ("Id-ene til foreldrearkene økten bruker, skilt med komma.",
                 "The ids of the handouts the session uses, separated by commas."),
    "body": ("Overskrifter: `## Tittel {#id}`. Lenker til andre moduler: `[tekst](ref:modul-id)`.",
             "Headings: `## Title {#id}`. Links to other modules: `[text](ref:module-id)`."),
}


def _label(key: str, ui: str) -> str:
    """The field's label from the field tables' labels (core/fields.py LABELS)."""
    return f.label(key, ui) or key


def _hint(key: str, ui: str) -> str:
    if key not in HINTS:
        return ""
    nb, en = HINTS[key]
    return nb if ui == "nb" else en


def value_labels(manual: Manual, vocab: dict, ui: str) -> dict[str, dict[str, str]]:
    """vocabulary name -> {value: label in ``ui``}: from locales/<ui>.yml (types, statuses, ...),
    locales/frame.yml (when, operation, ...) and fields.VALUE_LABELS (roles, where, ...)."""
    out: dict[str, dict[str, str]] = {}
    for name, table in (manual.locales.get(ui) or {}).items():
        if isinstance(table, dict) and all(isinstance(v, str) for v in table.values()):
            out[name] = {str(k): v for k, v in table.items()}
    for name, table in (vocab or {}).items():
        if isinstance(table, dict):
            out[name] = {str(k): str(v.get(ui) or v.get("en") or k) for k, v in table.items() if isinstance(v, dict)}
    for name, table in f.VALUE_LABELS.items():
        out[name] = {k: (nb if ui in ("nb", "nn") else en) for k, (nb, en) in table.items()}
    return out


def _options(spec: Field, values: dict[str, dict[str, str]] | None) -> list[dict[str, str]]:
    """A select's options: the raw id is what is saved, the label is what the editor sees."""
    labels = (values or {}).get(spec.vocab, {})
    return [{"label": labels.get(v) or v, "value": v} for v in spec.allowed]


def widget(key: str, spec: Field, ui: str, nested: dict[str, Field] | None = None,
           values: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """One Decap field for one entry of a field table; ``values`` labels the allowed values (value_labels)."""
    out: dict[str, Any] = {"name": key, "label": _label(key, ui)}
    kind = spec.kind
    if kind == "id":
        out.update(widget="string", pattern=[ID_RE.pattern, _hint("id", ui) or "lower-case id"])
    elif kind == "bool":
        out.update(widget="boolean", default=False)
    elif kind == "int":
        out.update(widget="number", value_type="int", min=1)
    elif kind in ("str", "lang", "version") and spec.allowed:
        out.update(widget="select", options=_options(spec, values))
    elif kind == "list" and spec.allowed:
        out.update(widget="select", multiple=True, options=_options(spec, values))
    elif kind in ("ids", "list", "langs"):
        out.update(widget="list")
    elif kind == "seq" and nested:
        out.update(widget="list", fields=[widget(k, s, ui, values=values) for k, s in nested.items()])
    elif kind == "map" and nested:
        out.update(widget="object", fields=[widget(k, s, ui, values=values) for k, s in nested.items()])
    elif key == "summary":
        out.update(widget="text")
    else:
        out.update(widget="string")
    if not spec.required:
        out["required"] = False
    hint = _hint(key, ui)
    if hint and kind != "id":
        out["hint"] = hint
    return out


def module_fields(default_language: str, ui: str, values: dict[str, dict[str, str]] | None = None) -> list[dict[str, Any]]:
    """The fields of a module in the order the toolkit writes them (Decap writes keys in this order)."""
    out: list[dict[str, Any]] = []
    for key, spec in f.SOURCE_FIELDS.items():
        w = widget(key, spec, ui, f.CONTRIBUTOR_FIELDS if key == "contributors" else None, values)
        if key == "id":
            w["i18n"] = "duplicate"
        elif key in SHARED_FIELDS:
            w["i18n"] = False if w["widget"] == "list" else "none"  # the list widget only takes true/false
            if key == "status":
                w["default"] = "draft"
            elif key == "type":
                w["default"] = "chapter"
            elif key == "component":
                w["default"] = "general"
        else:  # title, summary
            w["i18n"] = True
        out.append(w)
    # Bookkeeping of a translation, kept as it is. New modules get `from:`; the admin page removes
    # it from the source language's file before saving (a source has no translation key).
    out.append({"name": "translation", "label": _label("translation", ui), "widget": "hidden", "required": False,
                "i18n": True, "default": {"from": default_language}})
    out.append({"name": "body", "label": _label("body", ui), "widget": "markdown", "modes": ["raw"],
                "i18n": True, "hint": _hint("body", ui)})
    return out


def _part_collection(manual: Manual, part, ui: str, values: dict[str, dict[str, str]]) -> dict[str, Any]:
    default = manual.default_language
    return {
        "name": f"part-{part.id}",
        "label": text_in(part.title, ui, default),
        "label_singular": "modul" if ui == "nb" else "module",
        "description": ", ".join(text_in(part.title, lg, default) for lg in manual.languages),
        "folder": f"manual/{part.id}",
        "extension": "md",
        "format": "frontmatter",
        "create": True,
        "delete": False,  # a module is removed by removing it from manual.yml too: see docs/editing.md
        "slug": "{{id}}",
        "identifier_field": "title",
        "summary": "{{title}}  ({{id}})",
        # relative to the entry: uploads go to manual/<part>/images/, inserted as images/x.png, the path
        # that works from the module's file (core/links.py resolves images from the file's folder)
        "media_folder": "images",
        "public_folder": "images",
        "i18n": True,
        "fields": module_fields(default, ui, values),
    }


def _language(lg: str, values: dict[str, dict[str, str]] | None) -> str:
    """A language's name in the editor's language (language_names in locales/<lang>.yml), else its code."""
    return (values or {}).get("language_names", {}).get(lg) or lg


def _text_widget(key: str, languages: tuple[str, ...], ui: str, required: bool = True,
                 values: dict[str, dict[str, str]] | None = None, table: str = "") -> dict[str, Any]:
    """A text given per language: {nb: ..., en: ...}; each language's box is labelled with its name."""
    out = {"name": key, "label": f.label(key, ui, table) or key, "widget": "object",
           "fields": [{"name": lg, "label": _language(lg, values), "widget": "string", "required": False}
                      for lg in languages]}
    if not required:
        out["required"] = False
    return out


def _adaptation_collections(manual: Manual, adaptations: list[tuple[str, dict[str, str]]], vocab: dict,
                            ui: str, values: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    langs = manual.languages
    default = manual.default_language
    frame = [widget(k, s, ui, values=values) for k, s in f.frame_fields(vocab).items() if k != "reasons"]
    reasons = f.reasons_fields(vocab)
    frame.append({"name": "reasons", "label": _label("reasons", ui), "widget": "object", "fields": [
        _text_widget("text", langs, ui, values=values, table="reasons"), widget("level", reasons["level"], ui, values=values)]})
    change_fields: list[dict[str, Any]] = []
    for key, spec in f.CHANGE_FIELDS.items():
        if key in ("value",):
            change_fields.append({"name": key, "label": _label(key, ui), "widget": "string", "required": False})
        elif key == "frame":
            change_fields.append({"name": "frame", "label": _label("frame", ui), "widget": "object", "fields": frame})
        elif spec.kind == "text":
            change_fields.append(_text_widget(key, langs, ui, spec.required, values))
        elif key == "base_hash":
            change_fields.append({"name": key, "label": _label(key, ui), "widget": "hidden", "required": False})
        else:
            change_fields.append(widget(key, spec, ui, values=values))
    out: list[dict[str, Any]] = []
    for aid, name in adaptations:
        label = text_in(name, ui, default) or aid
        top: list[dict[str, Any]] = []
        for key, spec in f.ADAPTATION_FIELDS.items():
            if key == "name":
                top.append(_text_widget("name", langs, ui, values=values, table="adaptation"))
            elif key == "languages":
                top.append({"name": key, "label": _label(key, ui), "widget": "select", "multiple": True, "options": [{"label": _language(lg, values), "value": lg} for lg in langs]})
            elif key == "branding":
                top.append({"name": key, "label": _label(key, ui), "widget": "object", "required": False,
                            "fields": [widget(k, s, ui, values=values) for k, s in f.BRANDING_FIELDS.items()]})
            elif key == "variables":
                continue  # free-form and nested: kept as they are (Decap keeps keys it has no field for)
            elif key == "changes":
                top.append({"name": key, "label": _label(key, ui), "widget": "list", "required": False,
                            "summary": "{{fields.id}}: {{fields.operation}} {{fields.target}}", "fields": change_fields})
            else:
                top.append(widget(key, spec, ui, values=values))
        out.append({
            "name": f"municipality-{aid}", "label": label,
            "files": [{"name": "adaptation", "label": f"{label}: adaptation.yml",
                       "file": f"adaptations/{aid}/adaptation.yml", "fields": top}],
        })
        out.append({
            "name": f"overlays-{aid}", "label": f"{label}: " + ("lokale tekster" if ui == "nb" else "local texts"),
            "label_singular": "tekst" if ui == "nb" else "text",
            "folder": f"adaptations/{aid}/overlays", "extension": "md", "format": "frontmatter",
            "create": True, "delete": False, "i18n": True, "identifier_field": "body",
            "media_folder": "images", "public_folder": "images",  # adaptations/<id>/overlays/images/, beside the text
            "fields": [{"name": "body", "label": _label("body", ui), "widget": "markdown", "modes": ["raw"], "i18n": True}],
        })
    return out


def _glossary_collection(manual: Manual, ui: str, values: dict[str, dict[str, str]]) -> dict[str, Any]:
    entry = [widget(k, s, ui, values=values) for k, s in f.GLOSSARY_ENTRY_FIELDS.items()]
    term = [widget("id", f.glossary_term_fields(manual.languages)["id"], ui)]
    term += [{"name": lg, "label": _language(lg, values), "widget": "object", "fields": entry} for lg in manual.languages]
    return {
        "name": "glossary", "label": "Ordliste" if ui == "nb" else "Glossary",
        "files": [{"name": "glossary", "label": "locales/glossary.yml", "file": "locales/glossary.yml",
                   "fields": [{"name": "terms", "label": _label("terms", ui), "widget": "list",
                               "summary": "{{fields.id}}", "fields": term}]}],
    }


def decap_config(manual: Manual, adaptations: list[tuple[str, dict[str, str]]], vocab: dict, *,
                 repo: str, branch: str = "main", local_backend_url: str | None = None,
                 site_url: str = "") -> dict[str, Any]:
    """The whole config.yml. ``local_backend_url`` for `manual editor --serve` (decap-server)."""
    ui = manual.default_language
    values = value_labels(manual, vocab, ui)
    config: dict[str, Any] = {
        "backend": {"name": "github", "repo": repo, "branch": branch,
                    "commit_messages": {"create": "Editor: new {{collection}} {{slug}}",
                                        "update": "Editor: {{collection}} {{slug}}",
                                        "delete": "Editor: delete {{collection}} {{slug}}"}},
        # drafts become pull requests, so `manual check` runs before anything is published
        "publish_mode": "editorial_workflow",
        "local_backend": {"url": local_backend_url} if local_backend_url else True,
        "locale": {"nb": "nb_no", "nn": "nn_no"}.get(ui, ui),
        # Decap's "Media" page (outside an entry) uploads here; its "Copy path" gives ../images/x.png,
        # which works from every module (manual/<part>/<module>.<lang>.md)
        "media_folder": "manual/images",
        "public_folder": "../images",
        "i18n": {"structure": "multiple_files", "locales": list(manual.languages), "default_locale": ui},
        "collections": [_part_collection(manual, p, ui, values) for p in manual.parts]
        + _adaptation_collections(manual, adaptations, vocab, ui, values)
        + [_glossary_collection(manual, ui, values)],
    }
    if site_url:
        config["site_url"] = site_url
    return config


def preview_strings(manual: Manual) -> dict[str, dict[str, str]]:
    """The banner and badge texts the site shows, per language, for the editor's preview."""
    out: dict[str, dict[str, str]] = {}
    for lang in manual.languages:
        s = manual.locales.get(lang, {})
        banners = s.get("banners", {}) if isinstance(s.get("banners"), dict) else {}
        labels = s.get("labels", {}) if isinstance(s.get("labels"), dict) else {}
        out[lang] = {"draft": str(banners.get("draft", "")), "core": str(labels.get("core_component", ""))}
    return out


ADMIN_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>{title}</title>
  <link href="config.yml" type="text/yaml" rel="cms-config-url">
  <style>
    /* Decap's grey rich-text toolbar above the raw Markdown editor: always disabled there (see
       IMAGE_BUTTON), so it is hidden; the working "Sett inn bilde" button stands in its place. It
       is the element right before the editable text, inside the toolkit's body widget. The text
       was pulled up under that (sticky) bar by as much as the bar's margin below it; it gets its
       place back and the top border the bar stood for, in Decap's colours. */
    .manual-body div:has(+ [data-slate-editor="true"]) {{ display: none; }}
    .manual-body [data-slate-editor="true"] {{ margin-top: 0; border-top: 2px solid #dfdfe3;
                                              border-top-left-radius: 5px; border-top-right-radius: 5px; }}
    .manual-body [data-slate-editor="true"]:focus {{ border-top-color: #3a69c7; }}
  </style>
</head>
<body>
  <!-- Decap CMS from the npm package decap-cms (tools/editor/package.json), served from this folder -->
  <script src="{script}"></script>
  <script>
  (function () {{
    var STRINGS = {strings};
    var DEFAULT = {default};
    var h = window.h;
    // The site's stylesheet, so the preview shows banners and badges as the site does.
    CMS.registerPreviewStyle("{stylesheet}");
    // A module in the source language has no translation bookkeeping; translations keep theirs.
    CMS.registerEventListener({{
      name: "preSave",
      handler: function (args) {{
        var entry = args.entry;
        if (entry.get("collection").indexOf("part-") !== 0) return undefined;
        return entry.get("data").delete("translation");
      }}
    }});
    var ModulePreview = createClass({{
      render: function () {{
        var entry = this.props.entry;
        var lang = (this.props.locale || DEFAULT);
        var s = STRINGS[lang] || STRINGS[DEFAULT];
        var data = entry.get("data");
        var status = data.get("status");
        var core = data.get("core");
        var parts = [h("h1", {{}}, data.get("title") || "")];
        if (status === "draft" && s.draft) {{
          parts.push(h("div", {{className: "banner banner--draft", role: "note"}}, h("p", {{}}, s.draft)));
        }}
        if (core && s.core) {{
          parts.push(h("p", {{}}, h("strong", {{className: "core-label"}}, s.core)));
        }}
        if (data.get("summary")) parts.push(h("p", {{}}, h("em", {{}}, data.get("summary"))));
        parts.push(this.props.widgetFor("body"));
        return h("article", {{className: "md-typeset", lang: lang}}, parts);
      }}
    }});
    {registrations}
  }})();
  </script>
  <script>
{image_button}
  </script>
</body>
</html>
"""


# The text is edited as Markdown source (modes: [raw]): Decap's raw editor draws its toolbar but
# always disabled (decap-cms-widget-markdown 3.16: RawEditor renders <Toolbar disabled>, and no
# `buttons` or `editor_components` setting changes that; those only apply to the rich-text mode,
# which would rewrite the whole text). So the markdown widget is wrapped: above the text there is
# one working button, "Sett inn bilde", which opens Decap's media library for this entry (uploads
# go to the module's own images/ folder: media_folder of the collection) and writes
# ![alt text](images/file.png) where the caret was, the path as it works from the module's file.
# Decap's own toolbar, whose buttons do nothing there, is hidden by a rule in ADMIN_PAGE's <style>.
IMAGE_BUTTON = """  (function () {
    var T = %(strings)s;
    var h = window.h;
    var md = CMS.getWidget("markdown");
    var Control = md.control;
    // line and column of the caret in the raw editor below `root` (null: the caret is elsewhere)
    function caret(root) {
      var ed = root && root.querySelector('[data-slate-editor="true"]');
      var sel = window.getSelection();
      if (!ed || !sel || sel.rangeCount === 0 || !ed.contains(sel.anchorNode)) return null;
      var lines = Array.prototype.filter.call(ed.children, function (c) { return c.hasAttribute("data-slate-node"); });
      for (var i = 0; i < lines.length; i++) {
        if (lines[i].contains(sel.anchorNode)) {
          var r = document.createRange();
          r.setStart(lines[i], 0);
          r.setEnd(sel.anchorNode, sel.anchorOffset);
          return {line: i, column: r.toString().replace(/\\uFEFF/g, "").length};
        }
      }
      return null;
    }
    var Body = createClass({
      getInitialState: function () {
        this.controlID = "manual-image-" + Math.random().toString(36).slice(2);
        return {generation: 0};
      },
      // Decap's Widget asks the control whether to render again; by default only for a new value,
      // and the media library's answer (mediaPaths) must come through as well
      shouldComponentUpdate: function (next, nextState) {
        var p = this.props;
        return next.value !== p.value || next.classNameWrapper !== p.classNameWrapper
          || next.hasActiveStyle !== p.hasActiveStyle || next.getAsset !== p.getAsset
          || !!(next.mediaPaths && next.mediaPaths.get(this.controlID))
          || (nextState !== undefined && nextState !== null && nextState.generation !== this.state.generation);
      },
      componentDidUpdate: function () {
        var p = this.props;
        var chosen = p.mediaPaths && p.mediaPaths.get(this.controlID);
        if (chosen) {
          p.onRemoveInsertedMedia(this.controlID);
          var path = Array.isArray(chosen) ? chosen[0] : (chosen.toJS ? chosen.toJS()[0] : chosen);
          this.insert(path);
        }
        if (this.pending !== undefined && p.value === this.pending) {
          this.pending = undefined;
          this.setState({generation: this.state.generation + 1});  // the raw editor reads its value once
        }
      },
      insert: function (path) {
        var alt = window.prompt(T.alt, "");
        if (alt === null) return;
        var image = "![" + alt.replace(/[\\[\\]]/g, "") + "](" + encodeURI(path) + ")";
        var lines = (this.props.value || "").split("\\n");
        var at = this.caret;
        if (at && at.line < lines.length) {
          var line = lines[at.line];
          lines[at.line] = line.slice(0, at.column) + image + line.slice(at.column);
          if (line === "") {  // an image on a line of its own is a paragraph: blank lines around it
            if (at.line + 1 < lines.length && lines[at.line + 1] !== "") lines.splice(at.line + 1, 0, "");
            if (at.line > 0 && lines[at.line - 1] !== "") lines.splice(at.line, 0, "");
          }
        } else {
          while (lines.length && lines[lines.length - 1] === "") lines.pop();
          lines.push("", image, "");
        }
        this.pending = lines.join("\\n");
        this.props.onChange(this.pending);
      },
      open: function (event) {
        event.preventDefault();
        this.caret = caret(this.root);
        this.props.onOpenMediaLibrary({controlID: this.controlID, forImage: true, value: [],
                                       allowMultiple: false, field: this.props.field});
      },
      render: function () {
        var self = this;
        var bar = h("div", {className: "manual-image-bar", style: {padding: "6px 0"}},
          h("button", {type: "button", onMouseDown: function (e) { e.preventDefault(); }, onClick: this.open,
                       title: T.title, "aria-label": T.button,
                       style: {padding: "4px 10px", border: "1px solid #798291", borderRadius: "4px",
                               background: "#fff", cursor: "pointer"}}, T.button));
        var props = Object.assign({}, this.props, {key: this.state.generation});
        return h("div", {className: "manual-body", ref: function (el) { self.root = el; }}, bar, h(Control, props));
      }
    });
    CMS.registerWidget("markdown", Body, md.preview, md.schema);
  })();"""
IMAGE_STRINGS = {
    "nb": {"button": "Sett inn bilde", "title": "Last opp eller velg et bilde; det settes inn der markøren står",
           "alt": "Beskriv bildet for dem som ikke ser det (alternativ tekst):"},
    "en": {"button": "Insert image", "title": "Upload or choose an image; it is inserted at the caret",
           "alt": "Describe the image for those who cannot see it (alternative text):"},
}


def admin_page(manual: Manual, collections: list[str]) -> str:
    regs = "\n    ".join(f'CMS.registerPreviewTemplate({json.dumps(c)}, ModulePreview);' for c in collections)
    title = "Redigering" if manual.default_language == "nb" else "Editing"
    return ADMIN_PAGE.format(lang=manual.default_language, title=f"{title}: {text_in(manual.title, manual.default_language)}",
                             script=DECAP_SCRIPT, stylesheet=STYLESHEET,
                             strings=json.dumps(preview_strings(manual), ensure_ascii=False),
                             default=json.dumps(manual.default_language), registrations=regs,
                             image_button=IMAGE_BUTTON % {"strings": json.dumps(
                                 IMAGE_STRINGS.get(manual.default_language, IMAGE_STRINGS["nb" if manual.default_language == "nn" else "en"]), ensure_ascii=False)})


__all__ = ["decap_config", "admin_page", "module_fields", "DECAP_SCRIPT", "STYLESHEET"]
